package department_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

var (
	bg  = context.Background()
	now = time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
)

type fixture struct {
	st    *memstore.Store
	svc   *department.Service
	m     member.Member
	admin auth.Principal
	eng   auth.Principal
	prg   program.Program
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	keys := keyring.Fixed("k", []byte("test-key-0123456789abcdef0123456789"))
	f := fixture{st: memstore.New(keys)}
	m, u, cred, _ := member.Build(member.NewMember{Name: "Acme", Domain: "acme.example", Kind: member.Full,
		Contacts: member.Contacts{Primary: member.Contact{Name: "Ann", Email: "ann@acme.example"}}}, now)
	if err := f.st.CreateMember(bg, m, u, cred, nil, idem.None); err != nil {
		t.Fatal(err)
	}
	f.m, f.admin = m, u.Principal()
	f.eng = auth.Principal{MemberID: m.ID, UserID: "usr_01J00000000000000000000ENG", Roles: []string{auth.RoleEngineer}}
	f.prg = program.Program{ID: ident.New(ident.Program, now), Slug: "acme-partners", Name: "Acme Partners", HostMemberID: m.ID, HostName: m.Name,
		Type: program.PartnerProgram, Payment: program.MemberPaid, SLA: program.DefaultSLA, Access: program.Open, Sender: program.SenderPlatform,
		Addendum: program.Addendum{Version: "1", Text: "t"}, StartDate: "2026-01-01", CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := f.st.CreateProgram(bg, f.prg, idem.None); err != nil {
		t.Fatal(err)
	}
	f.svc = department.NewService(f.st, department.Service{Now: func() time.Time { return now },
		Origin: notify.Origin{From: "T <t@tandem.example>", BaseURL: "https://t.example"}, Confirmations: confirmation.Links{Keys: keys}})
	return f
}

func input(programs ...string) department.Input {
	return department.Input{Name: "Support", ProgramIDs: programs, Inbound: department.Inbound{Email: "support@acme.example", Hours: hours.AlwaysOpen,
		Escalation: member.Contact{Name: "Boss", Email: "boss@acme.example"}}}
}

func mailedTo(st *memstore.Store) map[string]int {
	out := map[string]int{}
	for _, m := range st.Outbox() {
		for _, to := range m.To {
			out[to]++
		}
	}
	return out
}

// Who may create a department for a member and what it may serve: the
// member's admins and operators; another member's users learn nothing; a
// department serves only programs its member hosts or is enrolled in.
// Each new address is asked for its owner's confirmation.
func TestCreate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     func(f fixture) auth.Principal
		in    func(f fixture) department.Input
		kind  error
		field string
	}{
		{"the member's admin", func(f fixture) auth.Principal { return f.admin }, func(f fixture) department.Input { return input(f.prg.ID) }, nil, ""},
		{"an operator", func(f fixture) auth.Principal { return auth.Principal{Operator: true} }, func(f fixture) department.Input { return input() }, nil, ""},
		{"the member's engineer", func(f fixture) auth.Principal { return f.eng }, func(f fixture) department.Input { return input() }, apperr.ErrForbidden, ""},
		{"another member's admin", func(f fixture) auth.Principal {
			return auth.Principal{MemberID: "mem_01J0000000000000000000OTHR", UserID: "u", Roles: []string{auth.RoleAdmin}}
		}, func(f fixture) department.Input { return input() }, apperr.ErrNotFound, ""},
		{"a program the member has no place in", func(f fixture) auth.Principal { return f.admin },
			func(f fixture) department.Input { return input("prg_01J0000000000000000000OTHR") }, apperr.ErrInvalid, "programIds[0]"},
		{"no hours", func(f fixture) auth.Principal { return f.admin },
			func(f fixture) department.Input { in := input(); in.Inbound.Hours = hours.Hours{}; return in }, apperr.ErrInvalid, "inbound.hours"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			d, err := f.svc.Create(bg, tc.p(f), f.m.ID, tc.in(f), idem.None)
			if !errors.Is(err, tc.kind) || (tc.kind == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
			var ae *apperr.Error
			if tc.field != "" && (!errors.As(err, &ae) || ae.Fields[tc.field] == "") {
				t.Fatalf("got %v, want it to name %s", err, tc.field)
			}
			mail := mailedTo(f.st)
			if tc.kind != nil {
				if len(mail) != 0 {
					t.Errorf("a refused department mailed %v", mail)
				}
				return
			}
			if d.Version != 1 || d.InboundMail() != "" || mail["support@acme.example"] != 1 || mail["boss@acme.example"] != 1 || len(mail) != 2 {
				t.Errorf("department v%d inbound mail %q; confirmations %v", d.Version, d.InboundMail(), mail)
			}
		})
	}
}

// Whether a department stays unreachable when it is saved: saving the
// inbound process says a bounced mailbox takes mail again, or points the
// department elsewhere; a spam complaint about the same address stands
// unless an operator saves it; saving anything else changes nothing.
func TestUpdateLiftsUnreachable(t *testing.T) {
	bounce := &department.Unreachable{Address: "support@acme.example", Reason: "550 no such user", Since: now.Add(-time.Hour)}
	complaint := &department.Unreachable{Address: "support@acme.example", Reason: "reported as spam", Since: now.Add(-time.Hour), Complaint: true}
	name := "Helpdesk"
	for _, tc := range []struct {
		name    string
		was     *department.Unreachable
		p       func(f fixture) auth.Principal
		patch   func(d department.Department) department.Patch
		staysAs *department.Unreachable
	}{
		{"a bounce, the inbound saved as it was", bounce, func(f fixture) auth.Principal { return f.admin },
			func(d department.Department) department.Patch { return department.Patch{Inbound: &d.Inbound} }, nil},
		{"a bounce, the name saved", bounce, func(f fixture) auth.Principal { return f.admin },
			func(d department.Department) department.Patch { return department.Patch{Name: &name} }, bounce},
		{"a complaint, the inbound saved as it was by an admin", complaint, func(f fixture) auth.Principal { return f.admin },
			func(d department.Department) department.Patch { return department.Patch{Inbound: &d.Inbound} }, complaint},
		{"a complaint, the address in another case by an admin", complaint, func(f fixture) auth.Principal { return f.admin },
			func(d department.Department) department.Patch {
				in := d.Inbound
				in.Email = "Support@ACME.example"
				return department.Patch{Inbound: &in}
			}, complaint},
		{"a complaint, the inbound pointed elsewhere by an admin", complaint, func(f fixture) auth.Principal { return f.admin },
			func(d department.Department) department.Patch {
				in := d.Inbound
				in.Email = "helpdesk@acme.example"
				return department.Patch{Inbound: &in}
			}, nil},
		{"a complaint, the inbound saved as it was by an operator", complaint, func(f fixture) auth.Principal { return auth.Principal{Operator: true, UserID: "ops"} },
			func(d department.Department) department.Patch { return department.Patch{Inbound: &d.Inbound} }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			d, err := f.svc.Create(bg, f.admin, f.m.ID, input(), idem.None)
			if err != nil {
				t.Fatal(err)
			}
			unreachable := d
			unreachable.Unreachable, unreachable.Version = tc.was, d.Version+1
			if err := f.st.UpdateDepartment(bg, unreachable, d, nil); err != nil {
				t.Fatal(err)
			}
			got, err := f.svc.Update(bg, tc.p(f), d.ID, tc.patch(unreachable))
			if err != nil {
				t.Fatal(err)
			}
			stored, _ := f.st.GetDepartment(bg, d.ID)
			for _, u := range []*department.Unreachable{got.Unreachable, stored.Unreachable} {
				if (u == nil) != (tc.staysAs == nil) || (u != nil && (u.Complaint != tc.staysAs.Complaint || u.Address != tc.staysAs.Address)) {
					t.Errorf("unreachable %+v, want %+v", u, tc.staysAs)
				}
			}
		})
	}
}

// Confirmation mail is limited per address: asked at creation and three
// resends go out the same day; the next resend is refused (429) until the
// window ends. A department whose addresses are all confirmed has nothing
// to resend (409). Following the link confirms the address, once.
func TestResendAndConfirm(t *testing.T) {
	f := newFixture(t)
	d, err := f.svc.Create(bg, f.admin, f.m.ID, input(), idem.None)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= confirmation.PerAddress-1; i++ {
		if sent, err := f.svc.Resend(bg, f.admin, d.ID); err != nil || len(sent) != 2 {
			t.Fatalf("resend %d: %v, %v", i, sent, err)
		}
	}
	if _, err := f.svc.Resend(bg, f.admin, d.ID); !errors.Is(err, apperr.ErrRateLimited) {
		t.Fatalf("resend past %d a day: %v, want rate limited", confirmation.PerAddress, err)
	}
	if _, err := f.svc.Resend(bg, f.eng, d.ID); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("an engineer resends: %v", err)
	}
	for _, addr := range []string{"support@acme.example", "boss@acme.example"} {
		got, confirmed, err := f.svc.ConfirmAddress(bg, d.ID, confirmation.Tag(addr))
		if err != nil || confirmed != addr || !got.Confirmed.Has(addr) {
			t.Fatalf("confirm %s: %v, %v", addr, confirmed, err)
		}
	}
	again, _, err := f.svc.ConfirmAddress(bg, d.ID, confirmation.Tag("support@acme.example"))
	if err != nil || again.Version != 3 {
		t.Errorf("confirming again: version %d, %v; want no new write", again.Version, err)
	}
	if _, _, err := f.svc.ConfirmAddress(bg, d.ID, confirmation.Tag("someone@else.example")); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("an address the department does not have: %v", err)
	}
	if _, err := f.svc.Resend(bg, f.admin, d.ID); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("resend with everything confirmed: %v", err)
	}
	if stored, _ := f.st.GetDepartment(bg, d.ID); stored.InboundMail() != "support@acme.example" || stored.EscalationMail() != "boss@acme.example" {
		t.Errorf("after confirmation: inbound %q escalation %q", stored.InboundMail(), stored.EscalationMail())
	}
}
