package member_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/sending"
	"github.com/tandemhq/tandem/shared/session"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

var bg = context.Background()

// company is a member (acme.example) with its first admin and an
// engineer, and another member: the cast of the member service's rules.
type company struct {
	st             *memstore.Store
	svc            *member.Service
	ids            *sending.Fake
	m              member.Member
	admin, eng     member.User
	other          member.Member
	otherAdmin     auth.Principal
	operator, anon auth.Principal
}

func newCompany(t *testing.T) company {
	t.Helper()
	keys := keyring.Fixed("k", []byte("test-key-0123456789abcdef0123456789"))
	c := company{st: memstore.New(keys), ids: &sending.Fake{}, operator: auth.Principal{Operator: true, UserID: "ops@tandem.example"}}
	c.svc = member.NewService(c.st, member.Service{
		Now: func() time.Time { return at }, Mail: notify.Origin{From: "Tandem <no-reply@tandem.example>", BaseURL: "https://tandem.example"},
		Identities: c.ids, Confirmations: confirmation.Links{Keys: keys}, InstallationDomain: "tandem.example",
		// The console's invitations: the session package's sign-in links.
		Invite: session.NewService(nil, session.Service{Origin: notify.Origin{BaseURL: "https://tandem.example"}}).Invitation,
	})
	made, err := c.svc.Create(bg, c.operator, validMember(), idem.None)
	if err != nil {
		t.Fatal(err)
	}
	c.m, c.admin = made.Member, made.Admin
	if c.eng, _, err = c.svc.AddUser(bg, c.operator, c.m.ID, member.NewUser{Name: "Eve", Email: "eve@acme.example", Roles: []string{auth.RoleEngineer}}, idem.None); err != nil {
		t.Fatal(err)
	}
	other := validMember()
	other.Name, other.Domain, other.Contacts.Primary.Email = "Initech", "initech.example", "ann@initech.example"
	o, err := c.svc.Create(bg, c.operator, other, idem.None)
	if err != nil {
		t.Fatal(err)
	}
	c.other, c.otherAdmin = o.Member, o.Admin.Principal()
	return c
}

// who are the principals a row names.
func (c company) who(name string) auth.Principal {
	switch name {
	case "operator":
		return c.operator
	case "admin":
		return c.admin.Principal()
	case "engineer":
		return c.eng.Principal()
	case "other admin":
		return c.otherAdmin
	}
	return c.anon
}

// wantErr fails unless err is of kind (nil: no error).
func wantErr(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) || (kind == nil && err != nil) {
		t.Fatalf("got %v, want %v", err, kind)
	}
}

// mailsTo are the messages of the store's outbox to addr.
func mailsTo(st *memstore.Store, addr string) []notify.Message {
	var out []notify.Message
	for _, m := range st.Outbox() {
		if slices.Contains(m.To, addr) {
			out = append(out, m)
		}
	}
	return out
}

// Creating a member is for operators; it writes the member, its first
// user (admin and engineer, the primary contact) whose token works, and
// a welcome to the primary contact; a taken domain is a conflict.
func TestCreate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		who    string
		domain string
		kind   error
	}{
		{"an operator", "operator", "globex.example", nil},
		{"a member's admin", "admin", "globex.example", apperr.ErrForbidden},
		{"anonymous", "", "globex.example", apperr.ErrForbidden},
		{"an operator, a taken domain", "operator", "acme.example", apperr.ErrConflict},
		{"an operator, a free-mail domain", "operator", "gmail.com", apperr.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCompany(t)
			in := validMember()
			in.Name, in.Domain, in.Contacts.Primary.Email = "Globex", tc.domain, "gil@globex.example"
			got, err := c.svc.Create(bg, c.who(tc.who), in, idem.None)
			wantErr(t, err, tc.kind)
			if tc.kind != nil {
				if n := len(mailsTo(c.st, "gil@globex.example")); n != 0 {
					t.Errorf("a refused create mailed %d welcomes", n)
				}
				return
			}
			if !slices.Equal(got.Admin.Roles, []string{auth.RoleAdmin, auth.RoleEngineer}) || got.Admin.Email != "gil@globex.example" {
				t.Errorf("first user %+v, want the primary contact as admin and engineer", got.Admin)
			}
			if cred, err := c.st.GetCredential(bg, auth.Hash(got.AdminToken)); err != nil || cred.UserID != got.Admin.ID {
				t.Errorf("the admin token: %+v, %v", cred, err)
			}
			if w := mailsTo(c.st, "gil@globex.example"); len(w) != 1 || w[0].Template() != (notify.MemberWelcome{}).Template() {
				t.Errorf("mailed %+v, want one welcome", w)
			}
		})
	}
}

// Adding a user: the member's admins and operators; its engineers are
// refused, other members do not see it. Roles are required and known,
// kept once each, sorted. An invitation mails a sign-in link with the
// user, unless the address already signs in for the member.
func TestAddUser(t *testing.T) {
	for _, tc := range []struct {
		name   string
		who    string
		in     member.NewUser
		kind   error
		field  string
		roles  []string
		invite bool // a sign-in link mailed
	}{
		{"the admin adds an engineer", "admin", member.NewUser{Name: "Bo", Email: "bo@acme.example", Roles: []string{"engineer"}}, nil, "", []string{"engineer"}, false},
		{"an operator adds one", "operator", member.NewUser{Name: "Bo", Email: "bo@acme.example", Roles: []string{"critical", "engineer", "critical"}}, nil, "", []string{"critical", "engineer"}, false},
		{"the admin invites one", "admin", member.NewUser{Name: "Bo", Email: "bo@acme.example", Roles: []string{"engineer"}, Invite: true}, nil, "", []string{"engineer"}, true},
		{"an invitation of an address that signs in already", "admin", member.NewUser{Name: "Eve 2", Email: "EVE@acme.example", Roles: []string{"engineer"}, Invite: true}, apperr.ErrInvalid, "email", nil, false},
		{"no roles", "admin", member.NewUser{Name: "Bo", Email: "bo@acme.example"}, apperr.ErrInvalid, "roles", nil, false},
		{"an unknown role", "admin", member.NewUser{Name: "Bo", Email: "bo@acme.example", Roles: []string{"owner"}}, apperr.ErrInvalid, "roles[0]", nil, false},
		{"a bad address", "admin", member.NewUser{Name: "Bo", Email: "bo", Roles: []string{"engineer"}}, apperr.ErrInvalid, "email", nil, false},
		{"the member's engineer", "engineer", member.NewUser{Name: "Bo", Email: "bo@acme.example", Roles: []string{"engineer"}}, apperr.ErrForbidden, "", nil, false},
		{"another member's admin", "other admin", member.NewUser{Name: "Bo", Email: "bo@acme.example", Roles: []string{"engineer"}}, apperr.ErrNotFound, "", nil, false},
		{"anonymous", "", member.NewUser{Name: "Bo", Email: "bo@acme.example", Roles: []string{"engineer"}}, apperr.ErrNotFound, "", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCompany(t)
			u, token, err := c.svc.AddUser(bg, c.who(tc.who), c.m.ID, tc.in, idem.None)
			wantErr(t, err, tc.kind)
			var ae *apperr.Error
			if tc.field != "" && (!errors.As(err, &ae) || ae.Fields[tc.field] == "") {
				t.Fatalf("got %v, want it to name %s", err, tc.field)
			}
			invites := 0
			for _, m := range c.st.Outbox() {
				if m.Template() == (notify.UserInvited{}).Template() {
					invites++
				}
			}
			if (invites == 1) != tc.invite || invites > 1 {
				t.Errorf("%d invitations mailed, want invited %v", invites, tc.invite)
			}
			if tc.kind != nil {
				return
			}
			if !slices.Equal(u.Roles, tc.roles) || u.Status != member.UserActive {
				t.Errorf("user %+v, want roles %v, active", u, tc.roles)
			}
			if cred, err := c.st.GetCredential(bg, auth.Hash(token)); err != nil || !slices.Equal(cred.Roles, tc.roles) {
				t.Errorf("its token: %+v, %v", cred, err)
			}
		})
	}
}

// Changing a user's roles and program access: the member's admins and
// operators, at the user's current version; at least one known role,
// program ids well formed; a revoked user stays as it is.
func TestUpdateUser(t *testing.T) {
	roles := func(r ...string) *[]string { return &r }
	v := func(n int) *int { return &n }
	for _, tc := range []struct {
		name    string
		who     string
		revoked bool
		patch   member.UserPatch
		kind    error
		roles   []string // the stored roles after
	}{
		{"the admin makes the engineer critical", "admin", false, member.UserPatch{Roles: roles("engineer", "critical")}, nil, []string{"critical", "engineer"}},
		{"an operator, at the current version", "operator", false, member.UserPatch{Roles: roles("admin"), Version: v(1)}, nil, []string{"admin"}},
		{"at a stale version", "admin", false, member.UserPatch{Roles: roles("admin"), Version: v(7)}, apperr.ErrConflict, []string{"engineer"}},
		{"no role left", "admin", false, member.UserPatch{Roles: roles()}, apperr.ErrInvalid, []string{"engineer"}},
		{"an unknown role", "admin", false, member.UserPatch{Roles: roles("root")}, apperr.ErrInvalid, []string{"engineer"}},
		{"a program id that is none", "admin", false, member.UserPatch{ProgramIDs: roles("acme")}, apperr.ErrInvalid, []string{"engineer"}},
		{"a revoked user", "admin", true, member.UserPatch{Roles: roles("admin")}, apperr.ErrConflict, []string{"engineer"}},
		{"the engineer itself", "engineer", false, member.UserPatch{Roles: roles("admin")}, apperr.ErrForbidden, []string{"engineer"}},
		{"another member's admin", "other admin", false, member.UserPatch{Roles: roles("admin")}, apperr.ErrNotFound, []string{"engineer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCompany(t)
			if tc.revoked {
				if _, err := c.svc.RevokeUser(bg, c.operator, c.m.ID, c.eng.ID); err != nil {
					t.Fatal(err)
				}
			}
			_, err := c.svc.UpdateUser(bg, c.who(tc.who), c.m.ID, c.eng.ID, tc.patch)
			wantErr(t, err, tc.kind)
			stored, _ := c.st.GetUser(bg, c.m.ID, c.eng.ID)
			if !slices.Equal(stored.Roles, tc.roles) {
				t.Errorf("stored roles %v, want %v", stored.Roles, tc.roles)
			}
			if cred, _ := c.st.GetCredential(bg, stored.TokenHash); !tc.revoked && !slices.Equal(cred.Roles, tc.roles) {
				t.Errorf("the token's roles %v, want %v", cred.Roles, tc.roles)
			}
		})
	}
}

// Revoking a user: the member's admins and operators; its token stops
// working; revoking again changes nothing; others are refused.
func TestRevokeUser(t *testing.T) {
	for _, tc := range []struct {
		name  string
		who   string
		twice bool
		kind  error
	}{
		{"the admin revokes the engineer", "admin", false, nil},
		{"an operator revokes it", "operator", false, nil},
		{"revoked twice: the second is a no-op", "admin", true, nil},
		{"the engineer itself", "engineer", false, apperr.ErrForbidden},
		{"another member's admin", "other admin", false, apperr.ErrNotFound},
		{"anonymous", "", false, apperr.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCompany(t)
			if tc.twice {
				if _, err := c.svc.RevokeUser(bg, c.operator, c.m.ID, c.eng.ID); err != nil {
					t.Fatal(err)
				}
			}
			u, err := c.svc.RevokeUser(bg, c.who(tc.who), c.m.ID, c.eng.ID)
			wantErr(t, err, tc.kind)
			stored, _ := c.st.GetUser(bg, c.m.ID, c.eng.ID)
			cred, _ := c.st.GetCredential(bg, stored.TokenHash)
			revoked := tc.kind == nil
			if (stored.Status == member.UserRevoked) != revoked || cred.Revoked != revoked {
				t.Errorf("stored %s, credential revoked %v; want revoked %v", stored.Status, cred.Revoked, revoked)
			}
			if tc.twice && (u.Version != stored.Version || stored.Version != 2) {
				t.Errorf("a second revoke wrote version %d (answered %d), want 2", stored.Version, u.Version)
			}
		})
	}
	t.Run("an unknown user", func(t *testing.T) {
		c := newCompany(t)
		_, err := c.svc.RevokeUser(bg, c.admin.Principal(), c.m.ID, "usr_01J0000000000000000000N0NE")
		wantErr(t, err, apperr.ErrNotFound)
	})
}

// A member's sending domain is its own domain or a subdomain of it,
// never this installation's mail domain or one under it, nor a domain
// SES already holds for another member; registering answers SES's DNS
// records and keeps the domain unverified until SES verifies it.
func TestRegisterSendingDomain(t *testing.T) {
	for _, tc := range []struct {
		name   string
		who    string
		domain string
		taken  string // a domain SES holds for the other member
		kind   error
	}{
		{"the member's own domain", "admin", "acme.example", "", nil},
		{"a subdomain of it", "admin", "Mail.Acme.example", "", nil},
		{"an operator for it", "operator", "mail.acme.example", "", nil},
		{"another company's domain", "admin", "initech.example", "", apperr.ErrInvalid},
		{"a domain merely ending alike", "admin", "notacme.example", "", apperr.ErrInvalid},
		{"not a domain", "admin", "acme", "", apperr.ErrInvalid},
		{"a subdomain SES holds for another member", "admin", "mail.acme.example", "mail.acme.example", apperr.ErrInvalid},
		{"the member's engineer", "engineer", "acme.example", "", apperr.ErrForbidden},
		{"another member's admin", "other admin", "acme.example", "", apperr.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCompany(t)
			if tc.taken != "" {
				c.ids.Add(tc.taken, c.other.ID)
			}
			got, err := c.svc.RegisterSendingDomain(bg, c.who(tc.who), c.m.ID, tc.domain)
			wantErr(t, err, tc.kind)
			stored, _ := c.st.GetMember(bg, c.m.ID)
			if tc.kind != nil {
				if stored.Sending.Domain != "" {
					t.Errorf("a refused domain was kept: %+v", stored.Sending)
				}
				return
			}
			want := strings.ToLower(tc.domain)
			if got.Sending.Domain != want || stored.Sending.Domain != want || stored.Sending.Verified || len(stored.Sending.Records) != 3 {
				t.Errorf("kept %+v, want %s unverified with its 3 records", stored.Sending, want)
			}
		})
	}
	t.Run("the installation's own mail domain, and under it", func(t *testing.T) {
		c := newCompany(t)
		// A member whose domain is the installation's (an operator's
		// mistake) still does not send as Tandem.
		in := validMember()
		in.Name, in.Domain, in.Contacts.Primary.Email = "Tandem look-alike", "tandem.example", "t@tandem.example"
		made, err := c.svc.Create(bg, c.operator, in, idem.None)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{"tandem.example", "mail.tandem.example"} {
			_, err := c.svc.RegisterSendingDomain(bg, c.operator, made.Member.ID, d)
			wantErr(t, err, apperr.ErrInvalid)
		}
	})
	t.Run("verified by SES, the status says so once", func(t *testing.T) {
		c := newCompany(t)
		if _, err := c.svc.RegisterSendingDomain(bg, c.admin.Principal(), c.m.ID, "acme.example"); err != nil {
			t.Fatal(err)
		}
		c.ids.Verify("acme.example")
		m, changed, err := c.svc.SendingDomainStatus(bg, c.admin.Principal(), c.m.ID)
		if err != nil || !changed || !m.Sending.Verified || !m.SendsFrom("alliances@acme.example") {
			t.Fatalf("after SES verified: %+v, changed %v, %v", m.Sending, changed, err)
		}
		if _, changed, _ := c.svc.SendingDomainStatus(bg, c.admin.Principal(), c.m.ID); changed {
			t.Error("read again: changed again")
		}
	})
}

// Capture (BCC) addresses: a new one is mailed a confirmation link when
// saved, and gets copies only once its owner confirms; one the member no
// longer has cannot be confirmed; resending asks only the unconfirmed,
// at most confirmation.PerAddress times a day.
func TestCaptureConfirmation(t *testing.T) {
	const crm = "crm@acme.example"
	save := func(t *testing.T, c company, out string) member.Member {
		t.Helper()
		m, err := c.svc.Update(bg, c.admin.Principal(), c.m.ID, member.Patch{Bcc: &member.Bcc{Outbound: out}})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	confirms := func(c company, addr string) int {
		n := 0
		for _, m := range mailsTo(c.st, addr) {
			if m.Template() == (notify.AddressConfirm{}).Template() {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, c company)
	}{
		{"a new capture address is asked once, and takes no copies yet", func(t *testing.T, c company) {
			m := save(t, c, crm)
			if confirms(c, crm) != 1 || m.CaptureOutbound() != "" {
				t.Errorf("%d confirmations, capture %q; want 1 and none", confirms(c, crm), m.CaptureOutbound())
			}
		}},
		{"saved again unconfirmed: not asked again", func(t *testing.T, c company) {
			save(t, c, crm)
			save(t, c, crm)
			if n := confirms(c, crm); n != 1 {
				t.Errorf("%d confirmations, want 1", n)
			}
		}},
		{"confirmed by its link: copies go to it", func(t *testing.T, c company) {
			save(t, c, crm)
			m, addr, err := c.svc.ConfirmAddress(bg, c.m.ID, confirmation.Tag(crm))
			if err != nil || addr != crm || m.CaptureOutbound() != crm {
				t.Errorf("confirmed %q, capture %q, %v", addr, m.CaptureOutbound(), err)
			}
			if again, _, err := c.svc.ConfirmAddress(bg, c.m.ID, confirmation.Tag(crm)); err != nil || again.Version != m.Version {
				t.Errorf("a second confirmation wrote version %d (was %d), %v", again.Version, m.Version, err)
			}
		}},
		{"an address the member no longer has", func(t *testing.T, c company) {
			save(t, c, crm)
			save(t, c, "")
			_, _, err := c.svc.ConfirmAddress(bg, c.m.ID, confirmation.Tag(crm))
			wantErr(t, err, apperr.ErrConflict)
		}},
		{"nothing waiting: a resend is refused", func(t *testing.T, c company) {
			_, err := c.svc.ResendConfirmations(bg, c.admin.Principal(), c.m.ID)
			wantErr(t, err, apperr.ErrConflict)
		}},
		{"resends stop at the day's limit", func(t *testing.T, c company) {
			save(t, c, crm) // the first of the day
			for i := 1; i < confirmation.PerAddress; i++ {
				if sent, err := c.svc.ResendConfirmations(bg, c.admin.Principal(), c.m.ID); err != nil || !slices.Equal(sent, []string{crm}) {
					t.Fatalf("resend %d: %v, %v", i, sent, err)
				}
			}
			_, err := c.svc.ResendConfirmations(bg, c.admin.Principal(), c.m.ID)
			wantErr(t, err, apperr.ErrRateLimited)
			if n := confirms(c, crm); n != confirmation.PerAddress {
				t.Errorf("%d confirmations mailed, want %d", n, confirmation.PerAddress)
			}
		}},
		{"the engineer resends", func(t *testing.T, c company) {
			save(t, c, crm)
			_, err := c.svc.ResendConfirmations(bg, c.eng.Principal(), c.m.ID)
			wantErr(t, err, apperr.ErrForbidden)
		}},
		{"another member's admin sets the capture address", func(t *testing.T, c company) {
			_, err := c.svc.Update(bg, c.otherAdmin, c.m.ID, member.Patch{Bcc: &member.Bcc{Outbound: crm}})
			wantErr(t, err, apperr.ErrNotFound)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, newCompany(t)) })
	}
}
