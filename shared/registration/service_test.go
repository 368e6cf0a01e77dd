package registration_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/registration"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

var (
	bg  = context.Background()
	now = time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
)

type land struct {
	st   *memstore.Store
	svc  *registration.Service
	prg  program.Program
	host member.Member
	acme member.Member // an existing member, at acme.example
}

func newLand(t *testing.T) land {
	t.Helper()
	keys := keyring.Fixed("k", []byte("test-key-0123456789abcdef0123456789"))
	l := land{st: memstore.New(keys)}
	for _, m := range []struct {
		dst          *member.Member
		name, domain string
	}{{&l.host, "Host", "host.example"}, {&l.acme, "Acme", "acme.example"}} {
		mm, u, cred, _ := member.Build(member.NewMember{Name: m.name, Domain: m.domain, Kind: member.Full,
			Contacts: member.Contacts{Primary: member.Contact{Name: "A", Email: "admin@" + m.domain}}}, now)
		if err := l.st.CreateMember(bg, mm, u, cred, nil, idem.None); err != nil {
			t.Fatal(err)
		}
		*m.dst = mm
	}
	l.prg = program.Program{ID: ident.New(ident.Program, now), Slug: "host-partners", Name: "Host Partners", HostMemberID: l.host.ID, HostName: l.host.Name,
		Type: program.PartnerProgram, Payment: program.MemberPaid, SLA: program.DefaultSLA, Access: program.Open, Sender: program.SenderPlatform,
		PrimaryContact: member.Contact{Name: "PC", Email: "pc@host.example"}, Addendum: program.Addendum{Version: "2", Text: "t"}, StartDate: "2026-01-01",
		CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := l.st.CreateProgram(bg, l.prg, idem.None); err != nil {
		t.Fatal(err)
	}
	l.svc = registration.NewService(l.st, registration.Service{Now: func() time.Time { return now },
		Origin: notify.Origin{From: "T <t@tandem.example>", BaseURL: "https://t.example"}, Links: enrollment.Links{Keys: keys}})
	return l
}

// token writes a sign-up link for email, as Register would, and returns
// its plain form.
func (l land) token(t *testing.T, email string, expires time.Time) string {
	t.Helper()
	plain, hash := auth.NewToken("sgn_")
	tok := registration.SignupToken{Hash: hash, ProgramID: l.prg.ID, Email: email, ExpiresAt: expires, CreatedAt: now.Add(-time.Hour)}
	msg := notify.Message{ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: "t@tandem.example", To: []string{email}, CreatedAt: now,
		Data: notify.RegistrationVerify{Link: "x"}}
	if err := l.st.CreateSignupToken(bg, tok, msg); err != nil {
		t.Fatal(err)
	}
	return plain
}

// Register: a sign-up link for a program's landing page, mailed to the
// address; an unknown page is 404, a bad address 422; the sixth request
// for one address within the hour is refused (429), known and unknown
// addresses alike.
func TestRegister(t *testing.T) {
	l := newLand(t)
	if err := l.svc.Register(bg, "no-such-program", "peter@initech.example", "198.51.100.1"); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("unknown slug: %v", err)
	}
	if err := l.svc.Register(bg, l.prg.Slug, "peter", "198.51.100.1"); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("bad address: %v", err)
	}
	for i := 1; i <= registration.PerAddress; i++ {
		if err := l.svc.Register(bg, l.prg.Slug, "Peter@Initech.example", fmt.Sprintf("198.51.100.%d", i)); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	if err := l.svc.Register(bg, l.prg.Slug, "peter@initech.example", "198.51.100.99"); !errors.Is(err, apperr.ErrRateLimited) {
		t.Errorf("request %d for one address: %v, want rate limited", registration.PerAddress+1, err)
	}
	n := 0
	for _, m := range l.st.Outbox() {
		if m.Template() == "registration_verify" && len(m.To) == 1 && m.To[0] == "peter@initech.example" {
			n++
		}
	}
	if n != registration.PerAddress {
		t.Errorf("%d links mailed, want %d (to the address in lower case)", n, registration.PerAddress)
	}
}

// SignUp by the link: each refusal, and what a sign-up creates — a new
// member for a new company (its domain claimed unless free-mail), or,
// at an existing member's domain, an enrollment awaiting that member's
// consent and nothing inside it.
func TestSignUp(t *testing.T) {
	for _, tc := range []struct {
		name   string
		email  string
		edit   func(l land, in *registration.SignupInput)
		before func(t *testing.T, l land, in registration.SignupInput)
		kind   error
		field  string
		status enrollment.Status
		member string // "new", "new without domain", "acme"
	}{
		{name: "a new company", email: "peter@initech.example", status: enrollment.PendingApproval, member: "new"},
		{name: "a new company at a free-mail address", email: "peter@gmail.com", status: enrollment.PendingApproval, member: "new without domain"},
		{name: "an existing member's domain: its consent first", email: "bob@acme.example", status: enrollment.PendingMemberConsent, member: "acme"},
		{name: "the host's own domain", email: "carl@host.example", kind: apperr.ErrConflict},
		{name: "an unknown link", email: "peter@initech.example", edit: func(l land, in *registration.SignupInput) { in.Token = "sgn_unknown" }, kind: apperr.ErrInvalid, field: "token"},
		{name: "a link without its prefix", email: "peter@initech.example", edit: func(l land, in *registration.SignupInput) { in.Token = in.Token[4:] }, kind: apperr.ErrInvalid, field: "token"},
		{name: "an expired link", email: "expired@initech.example", kind: apperr.ErrInvalid, field: "token"},
		{name: "a used link", email: "peter@initech.example", before: func(t *testing.T, l land, in registration.SignupInput) {
			if _, err := l.svc.SignUp(bg, in, nil, idem.None); err != nil {
				t.Fatal(err)
			}
		}, kind: apperr.ErrConflict},
		{name: "an addendum version that is no longer the program's", email: "peter@initech.example",
			edit: func(l land, in *registration.SignupInput) { in.AcceptAddendum.Version = "1" }, kind: apperr.ErrConflict, field: "acceptAddendum.version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLand(t)
			expires := now.Add(registration.TokenTTL)
			if tc.email == "expired@initech.example" {
				expires = now
			}
			in := validSignup(l.token(t, tc.email, expires))
			in.AcceptAddendum.Version = "2"
			if tc.edit != nil {
				tc.edit(l, &in)
			}
			if tc.before != nil {
				tc.before(t, l, in)
			}
			res, err := l.svc.SignUp(bg, in, nil, idem.None)
			if !errors.Is(err, tc.kind) || (tc.kind == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
			var ae *apperr.Error
			if tc.field != "" && (!errors.As(err, &ae) || ae.Fields[tc.field] == "") {
				t.Fatalf("got %v, want it to name %s", err, tc.field)
			}
			if tc.kind != nil {
				return
			}
			e, err := l.st.GetEnrollment(bg, res.EnrollmentID)
			if err != nil || e.Status != tc.status || res.Status != tc.status || e.Email != tc.email {
				t.Fatalf("enrollment %s (%v) for %s, want %s", e.Status, err, e.Email, tc.status)
			}
			m, err := l.st.GetMember(bg, res.MemberID)
			if err != nil {
				t.Fatal(err)
			}
			switch tc.member {
			case "acme":
				if m.ID != l.acme.ID {
					t.Errorf("enrolled member %s, want Acme", m.Name)
				}
				if deps, _ := l.st.ListMemberDepartments(bg, l.acme.ID); len(deps) != 0 {
					t.Errorf("a department was written inside Acme before its consent: %d", len(deps))
				}
			case "new":
				if m.ID == l.acme.ID || m.Name != "Initech" || m.Domain != "initech.example" || m.Kind != member.Limited {
					t.Errorf("new member %+v", m)
				}
			case "new without domain":
				if m.Domain != "" {
					t.Errorf("a free-mail domain was claimed: %q", m.Domain)
				}
			}
		})
	}
}
