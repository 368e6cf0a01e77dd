package program_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

var (
	bg  = context.Background()
	now = time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
)

func seedMember(t *testing.T, st *memstore.Store, name string) member.User {
	m, u, cred, _ := member.Build(member.NewMember{Name: name, Domain: name + ".example", Kind: member.Full,
		Contacts: member.Contacts{Primary: member.Contact{Name: "A", Email: "a@" + name + ".example"}}}, now)
	if err := st.CreateMember(bg, m, u, cred, nil, idem.None); err != nil {
		t.Fatal(err)
	}
	return u
}

func programInput(host string) program.Input {
	return program.Input{Slug: "acme-connect", Name: "Acme Connect", HostMemberID: host, Type: program.PartnerProgram, Payment: program.MemberPaid,
		PrimaryContact: member.Contact{Name: "Ann", Email: "ann@acme.example"}, Addendum: program.Addendum{Version: "1", Text: "Be nice."},
		PreApproved: []string{"initech.example"}}
}

// Who creates a program for a host, and who reads it how much: the host's
// admins and operators create it (only operators set prices; the sender
// is the host's own domain) and read it in full; the host's other users
// and its partners read its public view; anyone else learns nothing.
func TestProgramServiceAccess(t *testing.T) {
	st := memstore.New(keyring.Fixed("k", []byte("test-key-0123456789abcdef0123456789")))
	admin := seedMember(t, st, "acme")
	partner := seedMember(t, st, "partner")
	outsider := seedMember(t, st, "outsider")
	s := program.NewService(st, program.Service{Now: func() time.Time { return now }})
	hostAdmin, hostEng := admin.Principal(), auth.Principal{MemberID: admin.MemberID, UserID: "u", Roles: []string{auth.RoleEngineer}}

	for _, tc := range []struct {
		name  string
		p     auth.Principal
		edit  func(*program.Input)
		kind  error
		field string
	}{
		{"the host's engineer", hostEng, nil, apperr.ErrForbidden, ""},
		{"another member's admin", outsider.Principal(), nil, apperr.ErrInvalid, "hostMemberId"},
		{"prices set by the host", hostAdmin, func(in *program.Input) {
			in.Payment = program.HostPaid
			in.PriceBands = []program.Band{{UpTo: 10, UnitCents: 1}}
		}, apperr.ErrForbidden, ""},
		{"a sender outside the host's domain", hostAdmin, func(in *program.Input) { in.Sender, in.SenderEmail = program.SenderHost, "p@other.example" }, apperr.ErrInvalid, "senderEmail"},
		{"an operator for an unknown host", auth.Principal{Operator: true}, func(in *program.Input) { in.HostMemberID = "mem_01J0000000000000000000N0NE" }, apperr.ErrInvalid, "hostMemberId"},
	} {
		in := programInput(admin.MemberID)
		if tc.edit != nil {
			tc.edit(&in)
		}
		_, err := s.Create(bg, tc.p, in, idem.None)
		var ae *apperr.Error
		if !errors.Is(err, tc.kind) || (tc.field != "" && (!errors.As(err, &ae) || ae.Fields[tc.field] == "")) {
			t.Errorf("create by %s: %v, want %v naming %q", tc.name, err, tc.kind, tc.field)
		}
	}
	prg, err := s.Create(bg, hostAdmin, programInput(admin.MemberID), idem.None)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(bg, hostAdmin, programInput(admin.MemberID), idem.None); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("a second program at the same slug: %v", err)
	}
	e := enrollment.Enrollment{ID: ident.New(ident.Enrollment, now), ProgramID: prg.ID, HostMemberID: admin.MemberID, MemberID: partner.MemberID,
		Status: enrollment.Active, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := st.Seed().Enrollments(bg, []enrollment.Enrollment{e}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		p    auth.Principal
		kind error
		full bool
	}{
		{"the host's admin", hostAdmin, nil, true},
		{"an operator", auth.Principal{Operator: true}, nil, true},
		{"the host's engineer", hostEng, nil, false},
		{"a partner", partner.Principal(), nil, false},
		{"an outsider", outsider.Principal(), apperr.ErrNotFound, false},
		{"anonymous", auth.Principal{}, apperr.ErrNotFound, false},
	} {
		got, full, err := s.Get(bg, tc.p, prg.ID)
		if !errors.Is(err, tc.kind) || (tc.kind == nil && err != nil) {
			t.Errorf("%s reads: %v, want %v", tc.name, err, tc.kind)
			continue
		}
		if tc.kind != nil {
			continue
		}
		if full != tc.full || (len(got.PreApproved) > 0) != tc.full {
			t.Errorf("%s reads full %v with pre-approved %v, want full %v", tc.name, full, got.PreApproved, tc.full)
		}
	}
	// Once it exists only operators change what it costs.
	hostPaid := program.HostPaid
	if _, err := s.Update(bg, hostAdmin, prg.ID, program.Patch{Payment: &hostPaid}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("the host changes the payment model: %v", err)
	}
	if got, err := s.Update(bg, auth.Principal{Operator: true}, prg.ID, program.Patch{Payment: &hostPaid}); err != nil || got.Payment != program.HostPaid || got.Version != 2 {
		t.Errorf("an operator changes the payment model: %v, %v", got.Payment, err)
	}
	if _, err := s.Update(bg, hostEng, prg.ID, program.Patch{}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("the host's engineer updates: %v", err)
	}
	if _, err := s.Update(bg, partner.Principal(), prg.ID, program.Patch{}); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("a partner updates: %v", err)
	}
}

// hostWith is a host member whose SES sending domain is domain, verified
// or not ("" for none).
func hostWith(t *testing.T, st *memstore.Store, name, domain string, verified bool) member.Member {
	t.Helper()
	m, u, cred, _ := member.Build(member.NewMember{Name: name, Domain: name + ".example", Kind: member.Full,
		Contacts: member.Contacts{Primary: member.Contact{Name: "A", Email: "a@" + name + ".example"}}}, now)
	m.Sending = member.SendingDomain{Domain: domain, Verified: verified}
	if err := st.CreateMember(bg, m, u, cred, nil, idem.None); err != nil {
		t.Fatal(err)
	}
	return m
}

// aProgram is a program of host sending as sender (from address, for the
// host sender) and marked verified or not.
func aProgram(t *testing.T, st *memstore.Store, host member.Member, slug, name string, access string, sender, address string, verified bool) program.Program {
	t.Helper()
	prg := program.Program{ID: ident.New(ident.Program, now), Slug: slug, Name: name, HostMemberID: host.ID, HostName: host.Name,
		Type: program.PartnerProgram, Payment: program.MemberPaid, SLA: program.DefaultSLA, Access: access,
		Sender: sender, SenderEmail: address, SenderVerified: verified,
		Addendum: program.Addendum{Version: "1", Text: "t"}, StartDate: "2026-01-01", CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := st.CreateProgram(bg, prg, idem.None); err != nil {
		t.Fatal(err)
	}
	return prg
}

// RefreshSender, run when SES verifies (or drops) a host's sending domain:
// a program sending as the host is marked verified exactly when its
// address is at the verified domain or under it; one sending as the
// platform never is; a program already in line is not written.
func TestRefreshSender(t *testing.T) {
	later := now.Add(time.Hour)
	for _, tc := range []struct {
		name            string
		domain          string // the host's sending domain
		domainVerified  bool
		sender, address string
		before, want    bool // the program's SenderVerified
		wantVersion     int
	}{
		{"the host's domain verified, the address at it", "acme.example", true, program.SenderHost, "alliances@acme.example", false, true, 2},
		{"the address at a subdomain of the verified domain", "acme.example", true, program.SenderHost, "alliances@mail.acme.example", false, true, 2},
		{"the verified domain a subdomain, the address at its parent", "mail.acme.example", true, program.SenderHost, "alliances@acme.example", false, false, 1},
		{"an address at a domain merely ending alike", "acme.example", true, program.SenderHost, "alliances@notacme.example", false, false, 1},
		{"the domain registered, not yet verified", "acme.example", false, program.SenderHost, "alliances@acme.example", false, false, 1},
		{"SES dropped the verification", "acme.example", false, program.SenderHost, "alliances@acme.example", true, false, 2},
		{"the domain verified, the program sends as the platform", "acme.example", true, program.SenderPlatform, "", false, false, 1},
		{"already verified and still so: not written", "acme.example", true, program.SenderHost, "alliances@acme.example", true, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := memstore.New(keyring.Fixed("k", []byte("test-key-0123456789abcdef0123456789")))
			host := hostWith(t, st, "acme", tc.domain, tc.domainVerified)
			prg := aProgram(t, st, host, "acme-connect", "Acme Connect", program.Open, tc.sender, tc.address, tc.before)
			s := program.NewService(st, program.Service{Now: func() time.Time { return later }})
			if err := s.RefreshSender(bg, host); err != nil {
				t.Fatal(err)
			}
			got, err := st.GetProgram(bg, prg.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.SenderVerified != tc.want || got.Version != tc.wantVersion {
				t.Errorf("got verified %v at version %d, want %v at %d", got.SenderVerified, got.Version, tc.want, tc.wantVersion)
			}
			if tc.wantVersion == 2 && (got.UpdatedBy != audit.System || !got.UpdatedAt.Equal(later)) {
				t.Errorf("written by %q at %v, want Tandem (%q) at %v", got.UpdatedBy, got.UpdatedAt, audit.System, later)
			}
		})
	}
}

// RefreshSender touches only the host's own programs: another host's
// program at an address of the same domain stays as it was.
func TestRefreshSenderOnlyTheHosts(t *testing.T) {
	st := memstore.New(keyring.Fixed("k", []byte("test-key-0123456789abcdef0123456789")))
	host := hostWith(t, st, "acme", "acme.example", true)
	other := hostWith(t, st, "other", "", false)
	theirs := aProgram(t, st, other, "other-connect", "Other Connect", program.Open, program.SenderHost, "x@acme.example", false)
	s := program.NewService(st, program.Service{Now: func() time.Time { return now }})
	if err := s.RefreshSender(bg, host); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.GetProgram(bg, theirs.ID); got.SenderVerified || got.Version != 1 {
		t.Errorf("another host's program: verified %v at version %d", got.SenderVerified, got.Version)
	}
}

// Restricted lists the restricted programs whose access a member's admins
// grant per person: those it hosts and those its departments serve, each
// once, by name; open programs and programs that cannot be read grant
// nothing. Only the member's admins and operators ask.
func TestRestricted(t *testing.T) {
	st := memstore.New(keyring.Fixed("k", []byte("test-key-0123456789abcdef0123456789")))
	acme := hostWith(t, st, "acme", "", false)
	other := hostWith(t, st, "other", "", false)
	hostedR := aProgram(t, st, acme, "acme-inner", "B Acme inner circle", program.Restricted, program.SenderPlatform, "", false)
	aProgram(t, st, acme, "acme-open", "Acme open", program.Open, program.SenderPlatform, "", false)
	servedR := aProgram(t, st, other, "other-inner", "A Other inner circle", program.Restricted, program.SenderPlatform, "", false)
	servedOpen := aProgram(t, st, other, "other-open", "Other open", program.Open, program.SenderPlatform, "", false)
	aProgram(t, st, other, "other-secret", "Other secret", program.Restricted, program.SenderPlatform, "", false) // not served
	serves := []string{servedR.ID, servedOpen.ID, hostedR.ID, "prg_01J00000000000000000000N0NE"}
	s := program.NewService(st, program.Service{Now: func() time.Time { return now }})

	admin := auth.Principal{MemberID: acme.ID, UserID: "usr_a", Roles: []string{auth.RoleAdmin}}
	for _, tc := range []struct {
		name string
		p    auth.Principal
		kind error
		want []string // program names, in order
	}{
		{"the member's admin", admin, nil, []string{servedR.Name, hostedR.Name}},
		{"an operator", auth.Principal{Operator: true}, nil, []string{servedR.Name, hostedR.Name}},
		{"the member's engineer", auth.Principal{MemberID: acme.ID, UserID: "usr_e", Roles: []string{auth.RoleEngineer}}, apperr.ErrForbidden, nil},
		{"another member's admin", auth.Principal{MemberID: other.ID, UserID: "usr_o", Roles: []string{auth.RoleAdmin}}, apperr.ErrForbidden, nil},
		{"anonymous", auth.Principal{}, apperr.ErrForbidden, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Restricted(bg, tc.p, acme.ID, serves)
			if !errors.Is(err, tc.kind) || (tc.kind == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
			var names []string
			for _, p := range got {
				names = append(names, p.Name)
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("got %q, want %q", names, tc.want)
			}
		})
	}
}
