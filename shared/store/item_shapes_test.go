package store

import (
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/merger"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/registration"
	"github.com/tandemhq/tandem/shared/session"
	"github.com/tandemhq/tandem/shared/suppression"
	"github.com/tandemhq/tandem/shared/webhook"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Every item type the store writes keeps the attributes the table has
// always held — names, DynamoDB types and values — as built from the
// domain (fully set, and with what is optional left out):
// testdata/items.golden is the table's shapes, and a change to it is a
// change to stored data. `go test ./shared/store -run ItemShapes -update`
// rewrites it.
func TestItemShapesStayPut(t *testing.T) {
	var b strings.Builder
	for _, it := range storedItems() {
		fmt.Fprintf(&b, "== %s\n%s\n", it.name, renderItem(it.item))
	}
	got := b.String()
	path := filepath.Join("testdata", "items.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("stored shapes changed at %s line %d:\n got %s\nwant %s", path, i+1, g, w)
			}
		}
	}
}

type storedItem struct {
	name string
	item map[string]types.AttributeValue
}

// putOf is the item a transaction's write puts.
func putOf(t txItem) map[string]types.AttributeValue {
	if t.write.Put == nil {
		panic("not a put")
	}
	return t.write.Put.Item
}

// storedItems builds one of each item the store writes, through the same
// constructors and write builders the store's methods use.
func storedItems() []storedItem {
	s := &Store{table: "tandem"}
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	later := at.Add(36 * time.Hour)
	contact := member.Contact{Name: "Ann", Email: "ann@host.example", Phone: "+49 30 1"}
	week := hours.Hours{Zone: "Europe/Berlin", Days: []string{"mon", "fri"}, Start: "08:00", End: "18:00", Holidays: []string{"2026-12-25"}}
	fields := form.Form{Fields: []form.Field{{Name: "product", Label: "Product", Type: form.Select, Required: true, Options: []string{"a", "b"}}}}

	openCase := collab.Case{
		ID: "cas_1", Ref: "TDM-7K3Q9XW2", ProgramID: "prg_1", ProgramName: "Partners", ProgramType: program.PartnerProgram,
		SubmitterMemberID: "mem_p", SubmitterName: "Partner", SubmitterUserID: "usr_e", SubmitterEmail: "eng@partner.example",
		ReceiverMemberID: "mem_h", ReceiverName: "Host", DepartmentID: "dep_1", DepartmentName: "Support",
		Priority: program.High, Summary: "Down", Description: "It is down <b>now</b>",
		Customer:            &collab.Customer{Company: "Cust", ContactName: "Cy", ContactEmail: "cy@cust.example", CaseNumber: "C-1"},
		SubmitterCaseNumber: "P-1", ReceiverCaseNumber: "H-1", Fields: map[string]any{"product": "a"},
		BusinessImpact: "all users", NoteToManager: "urgent", Engineer: &contact,
		Status: collab.Open, SLA: 4 * time.Hour, ResponseDueAt: at.Add(4 * time.Hour), Level2DueAt: at.Add(8 * time.Hour),
		RemindAt: at.Add(3 * time.Hour), LastActivityAt: at.Add(time.Hour), Bcc: []string{"cap@partner.example"},
		CreatedAt: at, UpdatedAt: at.Add(time.Hour), Version: 2,
		SubmitterAssignee: &collab.Assignee{UserID: "usr_e", Name: "Eve"}, ReceiverAssignee: &collab.Assignee{UserID: "usr_h", Name: "Hal"},
	}
	closedCase := openCase
	closedCase.SubmitterAssignee, closedCase.ReceiverAssignee = nil, nil
	closedCase.Ref = ""
	closedCase.Customer, closedCase.Fields, closedCase.Engineer, closedCase.Bcc = nil, nil, nil, nil
	closedCase.SubmitterCaseNumber, closedCase.ReceiverCaseNumber, closedCase.BusinessImpact, closedCase.NoteToManager = "", "", "", ""
	closedCase.Status, closedCase.RespondedAt, closedCase.EscalationLevel, closedCase.Resolution = collab.Closed, at.Add(2*time.Hour), 1, "fixed"
	closedCase.RemindAt, closedCase.LastActivityAt, closedCase.Reminded, closedCase.IdleWarned = time.Time{}, time.Time{}, true, true
	escalated := openCase
	escalated.EscalationLevel, escalated.Reminded = 1, true

	m := member.Member{
		ID: "mem_h", Name: "Host", Domain: "host.example", Kind: member.Full,
		Contacts: member.Contacts{Primary: contact, Escalation: contact, Billing: member.Contact{Name: "Bill", Email: "bill@host.example"}},
		Bcc:      member.Bcc{Outbound: "out@host.example", Inbound: "in@host.example"}, Confirmed: []string{"in@host.example"},
		Sending: member.SendingDomain{Domain: "mail.host.example", Verified: true, Status: "Success",
			Records: []member.DNSRecord{{Type: "CNAME", Name: "a._domainkey.mail.host.example", Value: "a.dkim.amazonses.com"}}},
		MergedInto: "mem_a", Merge: member.MergeRunning, CreatedAt: at, UpdatedAt: later, Version: 3, UpdatedBy: "ops@tandem.example",
	}
	plainMember := member.Member{ID: "mem_p", Name: "Partner", Kind: member.Limited, CreatedAt: at, UpdatedAt: at, Version: 1}
	u := member.User{ID: "usr_e", MemberID: "mem_h", Name: "Eve", Email: "Eve@Host.example", Roles: []string{"admin", "engineer"},
		ProgramIDs: []string{"prg_1"}, Status: member.UserActive, TokenHash: "th", CreatedAt: at, UpdatedAt: later, Version: 2, UpdatedBy: "usr_a"}
	cred := member.Credential{Hash: "th", UserID: "usr_e", MemberID: "mem_h", Roles: []string{"engineer"}, Revoked: true}

	p := program.Program{
		ID: "prg_1", Slug: "partners", Name: "Partners", HostMemberID: "mem_h", HostName: "Host", Type: program.PartnerProgram,
		Payment: program.HostPaid, PrimaryContact: contact, NotifyEmails: []string{"n@host.example"},
		SLA:    program.SLA{Low: 48 * time.Hour, Medium: 24 * time.Hour, High: 4 * time.Hour, Critical: time.Hour},
		Access: program.Restricted, Sender: program.SenderHost, SenderEmail: "partners@host.example", SenderVerified: true,
		Addendum: program.Addendum{Version: "2", Text: "Terms <b>"}, PreApproved: []string{"partner.example"},
		Landing:    program.Landing{BannerURL: "https://host.example/b.png", About: "About", Links: []program.Link{{Title: "Docs", URL: "https://host.example/docs"}}},
		PriceBands: []program.Band{{UpTo: 25, UnitCents: 20000}}, StartDate: "2026-01-15", Form: fields,
		SignupMail: program.SignupMail{Subject: "Welcome", Intro: "Hello"}, CreatedAt: at, UpdatedAt: later, Version: 4, UpdatedBy: "usr_a",
	}
	memberPaid := program.Program{ID: "prg_2", Slug: "oem", Name: "OEM", HostMemberID: "mem_h", HostName: "Host", Type: program.OEM,
		Payment: program.MemberPaid, Access: program.Open, Sender: program.SenderPlatform, StartDate: "2026-01-15", CreatedAt: at, UpdatedAt: at, Version: 1}

	e := enrollment.Enrollment{
		ID: "enr_1", ProgramID: "prg_2", MemberID: "mem_p", MemberName: "Partner", HostMemberID: "mem_h", Status: enrollment.Active,
		Email: "eng@partner.example", Company: enrollment.Company{Name: "Partner", Website: "https://partner.example", Country: "DE"},
		Contacts:     enrollment.Contacts{Primary: contact, Support: contact, Escalation: contact, Billing: contact},
		DepartmentID: "dep_2", Addendum: enrollment.Acceptance{Version: "2", Name: "Pat", Title: "CEO", At: at},
		AddendumAsked: "3", AddendumAskedAt: later, ExistingMember: true,
		Proposal: &enrollment.Proposal{DepartmentName: "Partner support", Inbound: department.Inbound{Email: "s@partner.example", Hours: hours.AlwaysOpen, Escalation: contact}},
		Paid:     true, MembershipInvoiceID: "inv_1", ValidationHash: "vh", Reason: "ok", GoLiveAt: later, RenewalDate: at.AddDate(1, 0, 0),
		RenewalStep: 1, RenewalInvoiceID: "inv_2", CreatedAt: at, UpdatedAt: later, Version: 5,
	}
	waiting := enrollment.Enrollment{ID: "enr_2", ProgramID: "prg_1", MemberID: "mem_p", MemberName: "Partner", HostMemberID: "mem_h",
		Status: enrollment.PendingApproval, Email: "eng@partner.example", HostPaid: true, CreatedAt: at, UpdatedAt: at, Version: 1}

	d := department.Department{
		ID: "dep_1", MemberID: "mem_h", Name: "Support", ProgramIDs: []string{"prg_1", "prg_2"},
		Inbound: department.Inbound{Email: "Support@Host.example", Phone: "+49 30 2", WebhookURL: "https://host.example/hook", Hours: week,
			Instructions: "Call first", Escalation: contact},
		Form: fields, WebhookDisabled: true, Unreachable: &department.Unreachable{Address: "support@host.example", Reason: "550 no such user", Since: at, Complaint: true},
		Confirmed: []string{"support@host.example"}, CreatedAt: at, UpdatedAt: later, Version: 6, UpdatedBy: "usr_a",
	}
	plainDep := department.Department{ID: "dep_2", MemberID: "mem_p", Name: "Partner support", CreatedAt: at, UpdatedAt: at, Version: 1}

	inv := billing.Invoice{ID: "inv_1", MemberID: "mem_p", ProgramID: "prg_2", EnrollmentID: "enr_1", Kind: billing.Membership,
		PeriodStart: "2026-12-02", PeriodEnd: "2027-12-01", Lines: []billing.Line{{Description: "Membership", Quantity: 1, UnitCents: 50000, AmountCents: 50000}},
		TotalCents: 50000, Currency: "EUR", Status: billing.Paid, IssuedAt: at, DueAt: at.AddDate(0, 0, 30), PaidAt: later,
		PaymentRef: "pay_1", PaidCents: 50000, CreatedAt: at, UpdatedAt: later, Version: 2}
	openInv := billing.Invoice{ID: "inv_3", MemberID: "mem_h", ProgramID: "prg_1", Kind: billing.HostAnnual, PeriodStart: "2027-01-15", PeriodEnd: "2028-01-14",
		Lines: []billing.Line{}, Currency: "EUR", Status: billing.Open, IssuedAt: at, DueAt: at, CreatedAt: at, UpdatedAt: at, Version: 1}

	cfg := marketplace.Configuration{ID: "cfg_1", ProgramID: "prg_1", HostMemberID: "mem_h", MemberID: "mem_p", MemberName: "Partner",
		PartnerProduct: "Widget", PartnerVersion: "2.1", HostProduct: "Platform", HostVersions: []string{"7", "8"}, Notes: "tested",
		SupportURL: "https://partner.example/support", Status: marketplace.Approved, Reason: "fine", SubmittedBy: "usr_e",
		CreatedAt: at, UpdatedAt: later, DecidedAt: later, Version: 2}
	submitted := cfg
	submitted.ID, submitted.Notes, submitted.Reason, submitted.Status, submitted.DecidedAt, submitted.Version = "cfg_2", "", "", marketplace.Submitted, time.Time{}, 1

	mail := notify.Message{ID: "out_1", Channel: notify.Email, From: "Tandem <t@tandem.example>", To: []string{"a@x.example"},
		Cc: []string{"c@x.example"}, Bcc: []string{"b@x.example"}, ReplyTo: []string{"r@x.example"}, Ref: "cas_1", CreatedAt: at,
		Data: notify.PartnerMerged{ProgramMail: notify.ProgramMail{ProgramName: "Partners", HostName: "Host", BaseURL: "https://t.example"},
			CompanyName: "B", IntoName: "A", PlaceTaken: true, Status: "active", EnrollmentID: "enr_1", Link: "https://t.example/programs/prg_1/enrollments"}}
	hook := notify.Message{ID: "out_2", Channel: notify.Webhook, Ref: "cas_1", CreatedAt: at, NotBefore: later,
		Hook: &notify.HookCall{MemberID: "mem_h", DepartmentID: "dep_1", URL: "https://host.example/hook", EventType: "case.opened", Body: []byte(`{"a":1}`)}}

	mg := merger.Merger{From: "mem_b", Into: "mem_a", FromName: "B", IntoName: "A", FromDomain: "b.example", Status: merger.Running,
		Actor: "ops@tandem.example", StartedAt: at}

	rec, _ := slaRecordOf(closedCase)
	openRec, _ := slaRecordOf(openCase)

	var out []storedItem
	add := func(name string, item map[string]types.AttributeValue) { out = append(out, storedItem{name, item}) }
	add("case (open, the clock running: due and ops indexes)", marshal(toCaseItem(openCase)))
	add("case (escalated once: due at level 2)", marshal(toCaseItem(escalated)))
	add("case (closed, nothing optional)", marshal(toCaseItem(closedCase)))
	add("caseref", marshal(toRefItem(openCase)))
	add("case_event", putOf(s.caseEventWrite("cas_1", 3, collab.Event{ID: "evt_1", At: at, Actor: "usr_e", MemberID: "mem_p", Side: collab.Submitter,
		Action: collab.Accept, From: collab.Open, To: collab.Accepted, Text: "on it", Level: 1})))
	add("case_event (plain)", putOf(s.caseEventWrite("cas_1", 1, collab.Event{ID: "evt_0", At: at, Actor: "usr_e", Action: collab.Note, To: collab.Open})))
	add("case_idle", putOf(s.idleMarker(openCase)))
	add("case_queue", marshal(queueEntryItem(collab.QueueEntry{MemberID: "mem_h", Side: collab.Receiver, List: collab.QueueNeeds, At: at, CaseID: "cas_1", Row: openCase.Row(collab.Receiver)})))
	add("queue_count (a new member's, counted)", putOf(s.newCountWrites("mem_h")[0]))
	add("case_search", marshal(searchEntryItem(collab.SearchEntry{MemberID: "mem_h", Side: collab.Receiver, Token: "tdm7k3q9xw2", CaseID: "cas_1", Row: openCase.Row(collab.Receiver)})))
	add("sla_record (closed)", marshal(toSLARecordItem(rec)))
	add("sla_record (waiting)", marshal(toSLARecordItem(openRec)))
	add("member", marshal(toMemberItem(m)))
	add("member (plain)", marshal(toMemberItem(plainMember)))
	add("domain", marshal(toDomainItem(m)))
	add("user", marshal(toUserItem(u)))
	add("credential", marshal(toCredentialItem(cred)))
	add("credential (operator)", marshal(operatorCredentialItem("oh", "ops@tandem.example")))
	add("member_event (the member's)", putOf(s.memberEvent("mem_h", "", audit.Event{ID: "evt_2", At: at, Actor: "usr_a", Action: "update", From: "a", To: "b", Reason: "name"})))
	add("member_event (a user's)", putOf(s.memberEvent("mem_h", "usr_e", audit.Event{ID: "evt_3", At: at, Action: "add_user", To: "active"})))
	add("program (host-paid: billing due)", marshal(toProgramItem(p, 1)))
	add("program (member-paid)", marshal(toProgramItem(memberPaid, 0)))
	add("slug", marshal(toSlugItem(p)))
	add("addendum_marker", marshal(toAddendumMarkerItem(p)))
	add("program_event", putOf(s.auditWrite(programPK("prg_1"), 4, "program", audit.Event{ID: "evt_4", At: at, Actor: "usr_a", Action: "update", Reason: "name"})))
	add("enrollment (active, renewal due)", marshal(toEnrollmentItem(e)))
	add("enrollment (waiting for approval: ops index)", marshal(toEnrollmentItem(waiting)))
	add("enrollment_event", putOf(s.enrollmentEventWrite("enr_1", 5, enrollment.Event{ID: "evt_5", At: at, Actor: "usr_a", Action: enrollment.Approve,
		From: enrollment.PendingApproval, To: enrollment.Validating, Reason: "welcome"})))
	add("enrollment_pair", putOf(s.enrollPair(e)))
	add("mail_token", putOf(s.mailTokenWrite(enrollment.Token{Hash: "mh", Kind: enrollment.ValidationToken, EnrollmentID: "enr_1", MemberID: "mem_p",
		Name: "Pat", Email: "pat@partner.example", ExpiresAt: later})))
	add("mail_token (plain)", putOf(s.mailTokenWrite(enrollment.Token{Hash: "mh2", Kind: enrollment.CredentialToken, EnrollmentID: "enr_1", MemberID: "mem_p", ExpiresAt: later})))
	add("department", marshal(toDepartmentItem(d)))
	add("department (plain)", marshal(toDepartmentItem(plainDep)))
	add("inbound", putOf(s.inboundWrite(d)[0]))
	add("department_event", putOf(s.auditWrite(departmentPK("dep_1"), 6, "department", audit.Event{ID: "evt_6", At: at, Action: "update"})))
	add("invoice (paid)", marshal(toInvoiceItem(inv)))
	add("invoice (open)", marshal(toInvoiceItem(openInv)))
	add("invoice_key", putOf(s.invoiceGuard("host_annual#prg_1#1", "inv_3")))
	add("payment_event", putOf(s.paymentEventWrite("stripe:evt_1")))
	add("configuration (decided)", marshal(toConfigurationItem(cfg)))
	add("configuration (submitted)", marshal(toConfigurationItem(submitted)))
	add("merger", marshal(newMergerItem(mg)))
	add("outbox (mail)", marshal(toOutboxItem(mail)))
	add("outbox (webhook, held back)", marshal(toOutboxItem(hook)))
	add("login_token", marshal(newLoginTokenItem(session.LoginToken{Hash: "lh", UserID: "usr_e", MemberID: "mem_h", Email: "eve@host.example", Next: "/inbox", ExpiresAt: later})))
	add("login_token (operator)", marshal(newLoginTokenItem(session.LoginToken{Hash: "lo", Operator: true, UserID: "ops@tandem.example", Next: "/operator", ExpiresAt: later})))
	add("session", marshal(toSessionItem(session.Session{Hash: "sh", UserID: "usr_e", MemberID: "mem_h", CreatedAt: at, ExpiresAt: later})))
	add("session (operator)", marshal(toSessionItem(session.Session{Hash: "so", Operator: true, UserID: "ops@tandem.example", CreatedAt: at, ExpiresAt: later})))
	add("signup_token", marshal(toSignupTokenItem(registration.SignupToken{Hash: "st", ProgramID: "prg_1", Email: "pat@partner.example", ExpiresAt: later, CreatedAt: at})))
	add("suppression", marshal(toSuppressionItem(suppression.Suppression{Address: "Gone@X.example", Kind: suppression.Bounce, Reason: "550", At: at, MessageID: "ses-1"})))
	add("suppression (complaint)", marshal(toSuppressionItem(suppression.Suppression{Address: "c@x.example", Kind: suppression.Complaint, Reason: "abuse", At: at})))
	add("webhook_secrets (rotated)", marshal(toSecretItem(webhook.SecretSet{MemberID: "mem_h", Current: "new", Previous: "old", PreviousUntil: later, UserID: "usr_a", RotatedAt: at, Version: 2})))
	add("webhook_secrets (first)", marshal(toSecretItem(webhook.SecretSet{MemberID: "mem_h", Current: "new", UserID: "usr_a", RotatedAt: at, Version: 1})))
	add("webhook_delivery", marshal(toDeliveryItem(webhook.Delivery{ID: "dlv_1", MemberID: "mem_h", DepartmentID: "dep_1", MessageID: "out_2",
		EventType: "case.opened", URL: "https://host.example/hook", Attempt: 2, At: at, Status: 500, Error: "server error", DurationMS: 120})))
	add("webhook_delivery (ok)", marshal(toDeliveryItem(webhook.Delivery{ID: "dlv_2", MemberID: "mem_h", DepartmentID: "dep_1", MessageID: "out_2",
		EventType: "case.opened", URL: "https://host.example/hook", Attempt: 3, At: later, Status: 200, OK: true, DurationMS: 80})))
	add("idempotency", marshal(newIdemItem("POST /v1/cases#mem_p#k1", "own", "bh", at, 24*time.Hour)))
	return out
}

// renderItem writes an item one attribute a line, sorted: name, DynamoDB
// type, value.
func renderItem(item map[string]types.AttributeValue) string {
	names := make([]string, 0, len(item))
	for k := range item {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		fmt.Fprintf(&b, "%s %s\n", k, renderAV(item[k]))
	}
	return b.String()
}

func renderAV(v types.AttributeValue) string {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return "S " + fmt.Sprintf("%q", x.Value)
	case *types.AttributeValueMemberN:
		return "N " + x.Value
	case *types.AttributeValueMemberBOOL:
		return fmt.Sprintf("BOOL %v", x.Value)
	case *types.AttributeValueMemberB:
		return "B " + base64.StdEncoding.EncodeToString(x.Value)
	case *types.AttributeValueMemberNULL:
		return "NULL"
	case *types.AttributeValueMemberSS:
		return fmt.Sprintf("SS %q", x.Value)
	case *types.AttributeValueMemberNS:
		return fmt.Sprintf("NS %v", x.Value)
	case *types.AttributeValueMemberL:
		parts := make([]string, len(x.Value))
		for i, e := range x.Value {
			parts[i] = renderAV(e)
		}
		return "L [" + strings.Join(parts, ", ") + "]"
	case *types.AttributeValueMemberM:
		keys := make([]string, 0, len(x.Value))
		for k := range x.Value {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + renderAV(x.Value[k])
		}
		return "M {" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("%T", v)
}
