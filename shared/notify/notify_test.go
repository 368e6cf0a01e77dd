package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/notify"
)

// every is one value of each mail's data type, its fields filled.
var every = []notify.MailData{
	notify.AwaitingPayment{ProgramMail: notify.ProgramMail{ProgramName: "P"}, ContactName: "C", Total: "€1"},
	notify.CaseNew{CaseMail: notify.CaseMail{CaseID: "cas_1", Fields: []notify.FieldLine{{Label: "L", Value: "V"}}}, AcceptLink: "a", RequestInfoLink: "r", RejectLink: "x"},
	notify.CaseOpened{CaseMail: notify.CaseMail{CaseID: "cas_1", Customer: true}},
	notify.CaseUpdate{CaseMail: notify.CaseMail{CaseID: "cas_1"}, Action: "accept", Engineer: "E"},
	notify.CaseEscalated{CaseMail: notify.CaseMail{CaseID: "cas_1"}, Level: "2"},
	notify.CaseReminder{CaseMail: notify.CaseMail{CaseID: "cas_1"}, AcceptLink: "a", RequestInfoLink: "r"},
	notify.CaseAssigned{CaseMail: notify.CaseMail{CaseID: "cas_1"}, AssigneeName: "A", AssignedBy: "B"},
	notify.CaseIdle{CaseMail: notify.CaseMail{CaseID: "cas_1"}, Since: "1 May", Closed: true},
	notify.ConsentDeclined{MemberName: "M"},
	notify.ConsentPending{MemberName: "M"},
	notify.EnrollmentApproved{InboundEmail: "i@x.example"},
	notify.EnrollmentLiveHost{CompanyName: "C"},
	notify.EnrollmentLivePartner{Link: "l"},
	notify.EnrollmentRejected{Reason: "r"},
	notify.EnrollmentRemoved{Reason: "r"},
	notify.AddendumChanged{Version: "2"},
	notify.PartnerMerged{IntoName: "I", PlaceTaken: true},
	notify.EnrollmentRestored{CompanyName: "C"},
	notify.InvoiceIssued{InvoiceID: "inv_1", Lines: []notify.InvoiceLine{{Description: "d", Quantity: 2, Amount: "€2"}}},
	notify.PaymentReceived{InvoiceID: "inv_1", Amount: "USD 500.00", Reference: "pi_1"},
	notify.MemberConsent{ConfirmLink: "c"},
	notify.MemberWelcome{MemberName: "M"},
	notify.RegistrationVerify{Link: "l"},
	notify.RenewalHeadsUp{RenewalMail: notify.RenewalMail{Fee: "€1"}},
	notify.RenewalLapsed{RenewalMail: notify.RenewalMail{Fee: "€1"}},
	notify.RenewalTerminated{RenewalMail: notify.RenewalMail{Fee: "€1"}},
	notify.RenewalWarning{RenewalMail: notify.RenewalMail{Fee: "€1"}},
	notify.SignupHost{PreApproved: true, NewMember: true},
	notify.SignupPartner{MemberPaid: true, Subject: "S"},
	notify.ValidationFailed{Note: "n"},
	notify.ValidationTest{Link: "l"},
	notify.WebhookDisabled{URL: "u"},
	notify.DepartmentUnreachable{What: "bounced", Owner: true},
	notify.AddressConfirm{Address: "a@x.example"},
	notify.LoginLink{Link: "l", Minutes: 15},
	notify.UserInvited{Link: "l", Days: 7},
	notify.ConfigurationSubmitted{ConfigurationMail: notify.ConfigurationMail{ConfigurationID: "cfg_1", HostVersions: "9.2, 9.3"}, SubmittedBy: "A"},
	notify.ConfigurationDecided{ConfigurationMail: notify.ConfigurationMail{ConfigurationID: "cfg_1"}, Approved: true, MarketplaceLink: "m"},
}

// Every mail's data is stored as JSON and read back into its own type by
// its template's name, unchanged; each type names a template of its own,
// and every template has a type here.
func TestStoredDataComesBackAsItsType(t *testing.T) {
	var names []string
	for _, d := range every {
		raw, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		got, err := notify.DecodeData(d.Template(), raw)
		if err != nil {
			t.Errorf("%s: %v", d.Template(), err)
			continue
		}
		if !reflect.DeepEqual(got, d) {
			t.Errorf("%s: read back %#v\nwant %#v", d.Template(), got, d)
		}
		if slices.Contains(names, d.Template()) {
			t.Errorf("two types name template %s", d.Template())
		}
		names = append(names, d.Template())
	}
	registered := notify.Templates()
	slices.Sort(registered)
	slices.Sort(names)
	if !slices.Equal(registered, names) {
		t.Errorf("registered templates %v\nthe types here %v", registered, names)
	}
}

// Data that cannot be a template's — an unknown template, a field its
// type lacks, another type's data, not JSON — is an error: the message is
// dead-lettered, never sent half-filled.
func TestDecodeDataRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, template, raw string
	}{
		{"unknown template", "case_vanished", `{}`},
		{"no template", "", `{}`},
		{"a field the type lacks", "login_link", `{"Name":"n","Link":"l","Minutes":5,"Password":"x"}`},
		{"another template's data", "registration_verify", `{"CaseID":"cas_1"}`},
		{"a field of the wrong type", "login_link", `{"Minutes":"five"}`},
		{"not JSON", "login_link", `Minutes: 5`},
	} {
		if d, err := notify.DecodeData(tc.template, []byte(tc.raw)); err == nil {
			t.Errorf("%s: decoded %#v", tc.name, d)
		}
	}
	if _, err := notify.DecodeData("login_link", []byte(`{}`)); err != nil {
		t.Errorf("absent fields are empty, not an error: %v", err)
	}
}

// A mail with links that act without a sign-in is the recipient's alone:
// a capture copy has every action link removed and all else kept.
func TestWithoutActions(t *testing.T) {
	cm := notify.CaseMail{CaseID: "cas_1", Summary: "S", Link: "https://t.example/cases/cas_1"}
	for _, tc := range []struct {
		name string
		in   notify.ActionMail
		want notify.MailData
	}{
		{"new case", notify.CaseNew{CaseMail: cm, AcceptLink: "a", RequestInfoLink: "r", RejectLink: "x"}, notify.CaseNew{CaseMail: cm}},
		{"reminder", notify.CaseReminder{CaseMail: cm, AcceptLink: "a", RequestInfoLink: "r"}, notify.CaseReminder{CaseMail: cm}},
	} {
		if got := tc.in.WithoutActions(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %#v, want %#v", tc.name, got, tc.want)
		}
	}
	// The other mails carry no such links: none of them is an ActionMail.
	for _, d := range every {
		_, isAction := d.(notify.ActionMail)
		want := d.Template() == "case_new" || d.Template() == "case_reminder"
		if isAction != want {
			t.Errorf("%s: action mail %v, want %v", d.Template(), isAction, want)
		}
	}
}

// A message names its data's template (a webhook, none); sent again it
// is the same mail under a new id and time.
func TestMessage(t *testing.T) {
	if got := (notify.Message{Channel: notify.Webhook}).Template(); got != "" {
		t.Errorf("a webhook's template %q", got)
	}
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	m := notify.Message{ID: "obx_old", Channel: notify.Email, From: "f@x.example", To: []string{"t@x.example"}, Bcc: []string{"b@x.example"},
		Data: notify.LoginLink{Link: "l"}, Ref: "usr_1", CreatedAt: created, NotBefore: created.Add(time.Hour)}
	if m.Template() != "login_link" {
		t.Errorf("template %q", m.Template())
	}
	later := created.Add(48 * time.Hour)
	again := m.Again("obx_new", later)
	want := m
	want.ID, want.CreatedAt = "obx_new", later
	if !reflect.DeepEqual(again, want) || m.ID != "obx_old" {
		t.Errorf("Again = %+v\nwant %+v", again, want)
	}
}

// Dead letters are for platform operators only: anyone else is refused
// before the store is asked (here: there is none), and a resend of an id
// that is no outbox id is not found.
func TestDeadLettersAreOperatorsOnly(t *testing.T) {
	ctx := context.Background()
	d := notify.NewDeadLetters(nil, func() time.Time { return time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC) })
	for _, tc := range []struct {
		name string
		p    auth.Principal
	}{
		{"anonymous", auth.Principal{}},
		{"a member's admin", auth.Principal{MemberID: "mem_01J0000000000000000000000A", UserID: "usr_1", Roles: []string{auth.RoleAdmin}}},
	} {
		if _, _, err := d.List(ctx, tc.p, 10, ""); !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("%s lists dead letters: %v", tc.name, err)
		}
		if _, err := d.Resend(ctx, tc.p, "obx_01J00000000000000000000OBX"); !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("%s resends a dead letter: %v", tc.name, err)
		}
	}
	if _, err := d.Resend(ctx, auth.Principal{Operator: true}, "cas_01J00000000000000000000CAS"); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("resending a case id: %v, want not found", err)
	}
}
