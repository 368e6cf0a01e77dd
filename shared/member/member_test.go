package member_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/member"
)

var at = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

func validMember() member.NewMember {
	return member.NewMember{Name: "Acme", Domain: "acme.example", Kind: member.Full,
		Contacts: member.Contacts{Primary: member.Contact{Name: "Ann", Email: "ann@acme.example"}}}
}

// What a new member must hold, every refusal naming its field: a name, a
// company's own domain (no free-mail or shared one), a known kind, a
// primary contact, and well-formed other contacts when given.
func TestNewMemberCheckRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*member.NewMember)
		field string
	}{
		{"no name", func(in *member.NewMember) { in.Name = "" }, "name"},
		{"no domain", func(in *member.NewMember) { in.Domain = "" }, "domain"},
		{"not a domain", func(in *member.NewMember) { in.Domain = "acme" }, "domain"},
		{"a free-mail domain", func(in *member.NewMember) { in.Domain = "gmail.com" }, "domain"},
		{"no kind", func(in *member.NewMember) { in.Kind = "" }, "kind"},
		{"an unknown kind", func(in *member.NewMember) { in.Kind = "partner" }, "kind"},
		{"no primary contact", func(in *member.NewMember) { in.Contacts.Primary = member.Contact{} }, "contacts.primary.name"},
		{"a bad primary address", func(in *member.NewMember) { in.Contacts.Primary.Email = "ann" }, "contacts.primary.email"},
		{"a half-given escalation contact", func(in *member.NewMember) { in.Contacts.Escalation = member.Contact{Name: "Esc"} }, "contacts.escalation.email"},
		{"a bad billing phone", func(in *member.NewMember) {
			in.Contacts.Billing = member.Contact{Name: "Bill", Email: "bill@acme.example", Phone: "ring"}
		}, "contacts.billing.phone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := validMember()
			tc.edit(&in)
			_, err := in.Check()
			var ae *apperr.Error
			if !errors.As(err, &ae) || !errors.Is(err, apperr.ErrInvalid) || ae.Fields[tc.field] == "" {
				t.Fatalf("got %v, want a 422 naming %s", err, tc.field)
			}
		})
	}
}

// Escalation and billing contacts default to the primary one; given ones
// are kept.
func TestNewMemberContactDefaults(t *testing.T) {
	out, err := validMember().Check()
	if err != nil {
		t.Fatal(err)
	}
	if out.Contacts.Escalation != out.Contacts.Primary || out.Contacts.Billing != out.Contacts.Primary {
		t.Errorf("contacts %+v: want escalation and billing to be the primary", out.Contacts)
	}
	in := validMember()
	in.Contacts.Billing = member.Contact{Name: "Bill", Email: "bill@acme.example"}
	out, _ = in.Check()
	if out.Contacts.Billing.Name != "Bill" || out.Contacts.Escalation != out.Contacts.Primary {
		t.Errorf("contacts %+v", out.Contacts)
	}
}

// A new member's first user is its admin and engineer, with the primary
// contact's name and address, and a credential for the token's hash.
func TestBuild(t *testing.T) {
	in, _ := validMember().Check()
	m, u, cred, plain := member.Build(in, at)
	if m.Name != "Acme" || m.Domain != "acme.example" || m.Version != 1 || !m.CreatedAt.Equal(at) {
		t.Errorf("member %+v", m)
	}
	if u.MemberID != m.ID || u.Email != "ann@acme.example" || u.Name != "Ann" || u.Status != member.UserActive ||
		!reflect.DeepEqual(u.Roles, []string{auth.RoleAdmin, auth.RoleEngineer}) {
		t.Errorf("first user %+v", u)
	}
	if cred.Hash != auth.Hash(plain) || cred.Hash != u.TokenHash || cred.UserID != u.ID || cred.MemberID != m.ID || cred.Operator {
		t.Errorf("credential %+v for token %q", cred, plain)
	}
}

// Capture copies go only to confirmed addresses; each address is asked
// once, naming everything it would receive.
func TestCaptureAddresses(t *testing.T) {
	const out, in = "crm-out@acme.example", "crm-in@acme.example"
	outWhat := "copies of the mail of the cases it opens with other companies (a capture address)"
	inWhat := "copies of the mail of the cases other companies open with it (a capture address)"
	for _, tc := range []struct {
		name        string
		bcc         member.Bcc
		confirmed   []string
		outbound    string
		inbound     string
		unconfirmed []confirmation.Request
	}{
		{"none", member.Bcc{}, nil, "", "", nil},
		{"both unconfirmed", member.Bcc{Outbound: out, Inbound: in}, nil, "", "",
			[]confirmation.Request{{Address: out, What: outWhat}, {Address: in, What: inWhat}}},
		{"outbound confirmed", member.Bcc{Outbound: out, Inbound: in}, []string{out}, out, "", []confirmation.Request{{Address: in, What: inWhat}}},
		{"both confirmed", member.Bcc{Outbound: out, Inbound: in}, []string{in, out}, out, in, nil},
		{"one address both ways, asked once", member.Bcc{Outbound: out, Inbound: out}, nil, "", "",
			[]confirmation.Request{{Address: out, What: outWhat + ", and " + inWhat}}},
		{"a confirmed address no longer used", member.Bcc{Inbound: in}, []string{out}, "", "", []confirmation.Request{{Address: in, What: inWhat}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := member.Member{Bcc: tc.bcc}
			for _, c := range tc.confirmed {
				m.Confirmed = m.Confirmed.With(c)
			}
			if m.CaptureOutbound() != tc.outbound || m.CaptureInbound() != tc.inbound {
				t.Errorf("captures %q %q, want %q %q", m.CaptureOutbound(), m.CaptureInbound(), tc.outbound, tc.inbound)
			}
			if got := m.Unconfirmed(); !reflect.DeepEqual(got, tc.unconfirmed) {
				t.Errorf("Unconfirmed = %+v\nwant %+v", got, tc.unconfirmed)
			}
		})
	}
}

// Whom Tandem tells about a member: its active admins with an address;
// while it has none, its primary contact.
func TestAdminsOrPrimary(t *testing.T) {
	m := member.Member{Contacts: member.Contacts{Primary: member.Contact{Email: "ann@acme.example"}}}
	admin := member.User{Email: "a@acme.example", Roles: []string{auth.RoleAdmin}, Status: member.UserActive}
	revoked := member.User{Email: "r@acme.example", Roles: []string{auth.RoleAdmin}, Status: member.UserRevoked}
	eng := member.User{Email: "e@acme.example", Roles: []string{auth.RoleEngineer}, Status: member.UserActive}
	noMail := member.User{Roles: []string{auth.RoleAdmin}, Status: member.UserActive}
	for _, tc := range []struct {
		name  string
		users []member.User
		want  []string
	}{
		{"active admins", []member.User{admin, eng, revoked}, []string{"a@acme.example"}},
		{"no admins: the primary contact", []member.User{eng, revoked, noMail}, []string{"ann@acme.example"}},
		{"no users: the primary contact", nil, []string{"ann@acme.example"}},
	} {
		if got := member.AdminsOrPrimary(m, tc.users); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := member.AdminsOrPrimary(member.Member{}, nil); got != nil {
		t.Errorf("no admins and no primary contact: %v", got)
	}
}

// A member reads as active until a merger runs, then as merging or merged;
// a user acts as its own member with its own roles.
func TestStatusAndPrincipal(t *testing.T) {
	for merge, want := range map[member.MergeState]string{"": "active", member.MergeRunning: "merging", member.MergeDone: "merged"} {
		if got := (member.Member{Merge: merge}).Status(); got != want {
			t.Errorf("Status with merge %q = %q, want %q", merge, got, want)
		}
	}
	u := member.User{ID: "usr_1", MemberID: "mem_1", Roles: []string{auth.RoleEngineer}}
	if p := u.Principal(); p.Operator || p.MemberID != "mem_1" || p.UserID != "usr_1" || !p.Has(auth.RoleEngineer) || p.Has(auth.RoleAdmin) {
		t.Errorf("principal %+v", p)
	}
}
