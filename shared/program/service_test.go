package program_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
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
