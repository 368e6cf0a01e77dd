package marketplace_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

var (
	bg  = context.Background()
	now = time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
)

// market is a host's program with partners in several places: active,
// validating, lapsed; and a member outside it.
type market struct {
	st                            *memstore.Store
	svc                           *marketplace.Service
	prg                           program.Program
	host, active, validating, out auth.Principal
	lapsed                        auth.Principal
	hostEng                       auth.Principal
}

func seedMember(t *testing.T, st *memstore.Store, name string) auth.Principal {
	m, u, cred, _ := member.Build(member.NewMember{Name: name, Domain: name + ".example", Kind: member.Full,
		Contacts: member.Contacts{Primary: member.Contact{Name: "A", Email: "a@" + name + ".example"}}}, now)
	if err := st.CreateMember(bg, m, u, cred, nil, idem.None); err != nil {
		t.Fatal(err)
	}
	return u.Principal()
}

func newMarket(t *testing.T) market {
	t.Helper()
	mk := market{st: memstore.New(keyring.Fixed("k", []byte("test-key-0123456789abcdef0123456789")))}
	mk.host = seedMember(t, mk.st, "host")
	mk.hostEng = auth.Principal{MemberID: mk.host.MemberID, UserID: "usr_01J000000000000000000HENG", Roles: []string{auth.RoleEngineer}}
	mk.prg = program.Program{ID: ident.New(ident.Program, now), Slug: "host-partners", Name: "Host Partners", HostMemberID: mk.host.MemberID, HostName: "host",
		NotifyEmails: []string{"alliances@host.example"},
		Type:         program.PartnerProgram, Payment: program.MemberPaid, SLA: program.DefaultSLA, Access: program.Open, Sender: program.SenderPlatform,
		Addendum: program.Addendum{Version: "1", Text: "t"}, StartDate: "2026-01-01", CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := mk.st.CreateProgram(bg, mk.prg, idem.None); err != nil {
		t.Fatal(err)
	}
	var es []enrollment.Enrollment
	for _, p := range []struct {
		dst *auth.Principal
		nm  string
		st  enrollment.Status
	}{{&mk.active, "active", enrollment.Active}, {&mk.validating, "validating", enrollment.Validating}, {&mk.lapsed, "lapsed", enrollment.Lapsed}} {
		*p.dst = seedMember(t, mk.st, p.nm)
		es = append(es, enrollment.Enrollment{ID: ident.New(ident.Enrollment, now), ProgramID: mk.prg.ID, HostMemberID: mk.host.MemberID,
			MemberID: p.dst.MemberID, MemberName: p.nm, Status: p.st, CreatedAt: now, UpdatedAt: now, Version: 1})
	}
	if err := mk.st.Seed().Enrollments(bg, es); err != nil {
		t.Fatal(err)
	}
	mk.out = seedMember(t, mk.st, "outsider")
	mk.svc = marketplace.NewService(mk.st, marketplace.Service{Now: func() time.Time { return now },
		Origin: notify.Origin{From: "Tandem <no-reply@tandem.example>", BaseURL: "https://tandem.example"}})
	return mk
}

func submission() marketplace.Input {
	return marketplace.Input{PartnerProduct: "Backup", PartnerVersion: "4.1", HostProduct: "Array", HostVersions: []string{"9.2"}, SupportURL: "https://p.example/s"}
}

// Who may submit a configuration to a program: an admin of a partner
// whose place is active. Other partners are told why (409), members
// outside the program do not see it (404), engineers are refused (403).
// The host's admins and operators see the program but are no partner of
// it: 409, saying who submits (not an empty place); the host's engineers
// lack the role first (403).
func TestSubmit(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    func(mk market) auth.Principal
		kind error
		says string // in the refusal's message
	}{
		{"the host's admin", func(mk market) auth.Principal { return mk.host }, apperr.ErrConflict, "only the program's partners submit configurations"},
		{"the host's engineer", func(mk market) auth.Principal { return mk.hostEng }, apperr.ErrForbidden, "admin role"},
		{"an operator", func(mk market) auth.Principal { return auth.Principal{Operator: true} }, apperr.ErrConflict, "only the program's partners submit configurations"},
		{"an active partner's admin", func(mk market) auth.Principal { return mk.active }, nil, ""},
		{"a validating partner's admin", func(mk market) auth.Principal { return mk.validating }, apperr.ErrConflict, "is validating"},
		{"a lapsed partner's admin", func(mk market) auth.Principal { return mk.lapsed }, apperr.ErrConflict, "is lapsed"},
		{"an active partner's engineer", func(mk market) auth.Principal {
			return auth.Principal{MemberID: mk.active.MemberID, UserID: "u", Roles: []string{auth.RoleEngineer}}
		}, apperr.ErrForbidden, "admin role"},
		{"a member outside the program", func(mk market) auth.Principal { return mk.out }, apperr.ErrNotFound, ""},
		{"anonymous", func(mk market) auth.Principal { return auth.Principal{} }, apperr.ErrNotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mk := newMarket(t)
			c, err := mk.svc.Submit(bg, tc.p(mk), mk.prg.ID, submission(), idem.None)
			if !errors.Is(err, tc.kind) || (tc.kind == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
			if tc.says != "" && !strings.Contains(err.Error(), tc.says) {
				t.Errorf("got %q, want it to say %q", err, tc.says)
			}
			if tc.kind == nil && (c.Status != marketplace.Submitted || c.MemberID != mk.active.MemberID || c.HostMemberID != mk.host.MemberID || c.Version != 1) {
				t.Errorf("submitted %+v", c)
			}
			if want := map[bool]int{true: 1, false: 0}[tc.kind == nil]; mails(mk, "configuration_submitted") != want {
				t.Errorf("%d mails to the host, want %d", mails(mk, "configuration_submitted"), want)
			}
		})
	}
}

// Decisions are the host admins' (and operators'): a partner cannot
// approve its own; a rejection needs a reason; a stated version must be
// the current one; the state machine holds.
func TestDecide(t *testing.T) {
	reject, approve := marketplace.Reject, marketplace.Approve
	one, two := 1, 2
	for _, tc := range []struct {
		name    string
		p       func(mk market) auth.Principal
		a       marketplace.Action
		reason  string
		version *int
		first   marketplace.Action // a decision taken before
		kind    error
		status  marketplace.Status
	}{
		{"the host's admin approves", func(mk market) auth.Principal { return mk.host }, approve, "", nil, "", nil, marketplace.Approved},
		{"an operator rejects with a reason", func(mk market) auth.Principal { return auth.Principal{Operator: true} }, reject, "untested", nil, "", nil, marketplace.Rejected},
		{"the host withdraws its approval", func(mk market) auth.Principal { return mk.host }, reject, "withdrawn", nil, approve, nil, marketplace.Rejected},
		{"the partner approves its own", func(mk market) auth.Principal { return mk.active }, approve, "", nil, "", apperr.ErrForbidden, marketplace.Submitted},
		{"the host's engineer approves", func(mk market) auth.Principal { return mk.hostEng }, approve, "", nil, "", apperr.ErrForbidden, marketplace.Submitted},
		{"an outsider", func(mk market) auth.Principal { return mk.out }, approve, "", nil, "", apperr.ErrNotFound, marketplace.Submitted},
		{"a rejection without a reason", func(mk market) auth.Principal { return mk.host }, reject, " ", nil, "", apperr.ErrInvalid, marketplace.Submitted},
		{"a stale version", func(mk market) auth.Principal { return mk.host }, approve, "", &two, "", apperr.ErrConflict, marketplace.Submitted},
		{"the current version", func(mk market) auth.Principal { return mk.host }, approve, "", &one, "", nil, marketplace.Approved},
		{"approved twice", func(mk market) auth.Principal { return mk.host }, approve, "", nil, approve, apperr.ErrConflict, marketplace.Approved},
		{"approved after a rejection", func(mk market) auth.Principal { return mk.host }, approve, "", nil, reject, apperr.ErrConflict, marketplace.Rejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mk := newMarket(t)
			c, err := mk.svc.Submit(bg, mk.active, mk.prg.ID, submission(), idem.None)
			if err != nil {
				t.Fatal(err)
			}
			if tc.first != "" {
				if _, err := mk.svc.Decide(bg, mk.host, c.ID, tc.first, "first", nil); err != nil {
					t.Fatal(err)
				}
			}
			_, err = mk.svc.Decide(bg, tc.p(mk), c.ID, tc.a, tc.reason, tc.version)
			if !errors.Is(err, tc.kind) || (tc.kind == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
			if stored, _ := mk.st.GetConfiguration(bg, c.ID); stored.Status != tc.status {
				t.Errorf("stored %s, want %s", stored.Status, tc.status)
			}
			want := 0 // one mail to the partner per decision taken, none for a refused one
			if tc.first != "" {
				want++
			}
			if tc.kind == nil {
				want++
			}
			if got := mails(mk, "configuration_decided"); got != want {
				t.Errorf("%d mails to the partner, want %d", got, want)
			}
		})
	}
}

// The public marketplace lists approved configurations of partners whose
// place is active: not submitted or rejected ones, not those of a partner
// that lapsed since.
func TestMarketplaceListsApprovedOfActivePartners(t *testing.T) {
	mk := newMarket(t)
	submit := func(product string) marketplace.Configuration {
		in := submission()
		in.PartnerProduct = product
		c, err := mk.svc.Submit(bg, mk.active, mk.prg.ID, in, idem.None)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	approved, waiting, rejected := submit("Approved one"), submit("Waiting one"), submit("Rejected one")
	_ = waiting
	for _, d := range []struct {
		c marketplace.Configuration
		a marketplace.Action
	}{{approved, marketplace.Approve}, {rejected, marketplace.Reject}} {
		if _, err := mk.svc.Decide(bg, mk.host, d.c.ID, d.a, "because", nil); err != nil {
			t.Fatal(err)
		}
	}
	list, err := mk.svc.Marketplace(bg, mk.prg, "", "")
	if err != nil || len(list) != 1 || list[0].ID != approved.ID {
		t.Fatalf("listed %d (%v), want the approved one", len(list), err)
	}
	// The partner lapses: its configurations leave the marketplace.
	e, _ := mk.st.ListMemberEnrollments(bg, mk.active.MemberID)
	lapsed := e[0]
	lapsed.Status, lapsed.Version = enrollment.Lapsed, e[0].Version+1
	if err := mk.st.ApplyEnrollmentChange(bg, enrollment.Change{Before: e[0], After: lapsed,
		Event: enrollment.Event{ID: ident.New(ident.Event, now), At: now, Actor: "renewals", From: enrollment.Active, To: enrollment.Lapsed}}); err != nil {
		t.Fatal(err)
	}
	if list, err := mk.svc.Marketplace(bg, mk.prg, "", ""); err != nil || len(list) != 0 {
		t.Errorf("a lapsed partner's configurations listed: %d, %v", len(list), err)
	}
}

// mails counts the outbox's mails of template.
func mails(mk market, template string) int {
	n := 0
	for _, m := range mk.st.Outbox() {
		if m.Template() == template {
			n++
		}
	}
	return n
}

// Submitting mails the host (the program's notify addresses, from the
// platform) what to review and where; deciding mails the partner's admins
// (as the program) the decision: the marketplace when approved, the
// reason when rejected. Each goes in the transaction that records it.
func TestSubmitAndDecideMailTheOtherSide(t *testing.T) {
	mk := newMarket(t)
	in := submission()
	in.Notes = "snapshots on"
	c, err := mk.svc.Submit(bg, mk.active, mk.prg.ID, in, idem.None)
	if err != nil {
		t.Fatal(err)
	}
	out := mk.st.Outbox()
	if len(out) != 1 {
		t.Fatalf("%d mails after the submission, want 1", len(out))
	}
	sub, ok := out[0].Data.(notify.ConfigurationSubmitted)
	if !ok || !slices.Equal(out[0].To, []string{"alliances@host.example"}) || out[0].From != "Tandem <no-reply@tandem.example>" || out[0].Ref != c.ID {
		t.Fatalf("the host's mail: %+v", out[0])
	}
	wantSub := notify.ConfigurationSubmitted{
		ConfigurationMail: notify.ConfigurationMail{
			ProgramMail: notify.ProgramMail{ProgramName: "Host Partners", HostName: "host", BaseURL: "https://tandem.example"},
			CompanyName: "active", ConfigurationID: c.ID, PartnerProduct: "Backup", PartnerVersion: "4.1", HostProduct: "Array", HostVersions: "9.2",
			Link: "https://tandem.example/programs/" + mk.prg.ID + "/configurations",
		},
		Notes: "snapshots on", SupportURL: "https://p.example/s", SubmittedBy: "A <a@active.example>",
	}
	if sub != wantSub {
		t.Errorf("the host's mail says\n%+v\nwant\n%+v", sub, wantSub)
	}

	for _, tc := range []struct {
		name     string
		a        marketplace.Action
		reason   string
		approved bool
	}{
		{"rejected", marketplace.Reject, "9.3 is not out", false},
		{"approved once fixed", marketplace.Approve, "", true},
	} {
		if tc.approved { // a rejected configuration is submitted again
			if c, err = mk.svc.Submit(bg, mk.active, mk.prg.ID, in, idem.None); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := mk.svc.Decide(bg, mk.host, c.ID, tc.a, tc.reason, nil); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		out := mk.st.Outbox()
		last := out[len(out)-1]
		got, ok := last.Data.(notify.ConfigurationDecided)
		if !ok || !slices.Equal(last.To, []string{"a@active.example"}) || !strings.Contains(last.From, "Host Partners") || last.Ref != c.ID {
			t.Fatalf("%s: the partner's mail %+v", tc.name, last)
		}
		if got.Approved != tc.approved || got.Reason != tc.reason || got.ConfigurationID != c.ID ||
			got.MarketplaceLink != "https://tandem.example/p/host-partners/marketplace" || got.Link != wantSub.Link {
			t.Errorf("%s: the partner's mail says %+v", tc.name, got)
		}
	}
}
