package member

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/sending"
)

// Store is what the member service needs of the table.
type Store interface {
	// CreateMember writes the member, its domain claim, its first user and
	// that user's credential, and msgs, in one transaction. A taken domain
	// is a conflict.
	CreateMember(ctx context.Context, m Member, admin User, cred Credential, msgs []notify.Message, claim idem.Claim) error
	GetMember(ctx context.Context, id string) (Member, error)
	// CreateUser writes the user, its credential and, when inv is not nil,
	// its invitation (sign-in link and mail), in one transaction.
	CreateUser(ctx context.Context, u User, cred Credential, inv *Invitation, claim idem.Claim) error
	GetUser(ctx context.Context, memberID, userID string) (User, error)
	RevokeUser(ctx context.Context, u User, now time.Time) error
	// UpdateUser replaces the user (at version prev) and its credential's roles.
	UpdateUser(ctx context.Context, u User, prev int) error
	ListMemberUsers(ctx context.Context, memberID string) ([]User, error)
	// UpdateMember replaces the member if it is still at version prev,
	// with msgs.
	UpdateMember(ctx context.Context, m Member, prev int, msgs []notify.Message) error
	// Enqueue writes messages on their own.
	Enqueue(ctx context.Context, msgs ...notify.Message) error
	// CountInWindow counts one event under key in the current window.
	CountInWindow(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error)
	// ListMemberEvents is the member's timeline with its users', oldest
	// first (userID: only that user's).
	ListMemberEvents(ctx context.Context, memberID, userID string, limit int, cursor string) ([]audit.Event, string, error)
	ListMembersByKind(ctx context.Context, kind Kind) ([]Member, error)
}

// Service creates and reads members and their users.
type Service struct {
	store Store
	Mail  notify.Origin
	Now   func() time.Time
	// Invite makes the sign-in link a user added with "invite" is mailed
	// (the session package's; nil refuses invitations).
	Invite Inviter
	// Identities is SES's identity API (sending domains).
	Identities sending.Identities
	// Confirmations signs the links that confirm capture addresses.
	Confirmations confirmation.Links
	// InstallationDomain is the domain Tandem itself sends from: no member
	// sends from it or a domain under it, which would pass for Tandem.
	InstallationDomain string
}

// NewService is the service over st configured as c (its exported fields):
// its store is its own, so no caller reads around its checks.
func NewService(st Store, c Service) *Service {
	c.store = st
	return &c
}

// Invitation is the sign-in link mailed to a new user: the link (stored by
// its hash, valid until ExpiresAt) and its mail, written with the user.
type Invitation struct {
	LinkHash  string
	ExpiresAt time.Time
	Mail      notify.Message
}

// Inviter makes the invitation of user u of member m, sent by the person
// named by, at now.
type Inviter func(u User, m Member, by string, now time.Time) Invitation

// NewMember is the input of POST /v1/members.
type NewMember struct {
	Name     string   `json:"name"`
	Domain   string   `json:"domain"`
	Kind     Kind     `json:"kind"`
	Contacts Contacts `json:"contacts"`
}

// Created is a new member with its first admin and that admin's token,
// which exists in plain text only here.
type Created struct {
	Member     Member
	Admin      User
	AdminToken string
}

// Check validates and normalises a new member; escalation and billing
// contacts default to the primary one.
func (in NewMember) Check() (NewMember, error) {
	f := apperr.Fields{}
	out := NewMember{
		Name:   input.Text(f, "name", in.Name, 200),
		Domain: input.Domain(f, "domain", in.Domain),
		Kind:   Kind(input.OneOf(f, "kind", string(in.Kind), string(Full), string(Limited))),
	}
	if out.Domain != "" && SharedDomain(out.Domain) {
		f.Add("domain", "is a free-mail or shared mailbox domain; a member's domain must be the company's own")
	}
	out.Contacts.Primary = in.Contacts.Primary.Check(f, "contacts.primary")
	out.Contacts.Escalation = out.Contacts.Primary
	if in.Contacts.Escalation != (Contact{}) {
		out.Contacts.Escalation = in.Contacts.Escalation.Check(f, "contacts.escalation")
	}
	out.Contacts.Billing = out.Contacts.Primary
	if in.Contacts.Billing != (Contact{}) {
		out.Contacts.Billing = in.Contacts.Billing.Check(f, "contacts.billing")
	}
	return out, f.Err()
}

// Build makes the member, its first admin user and credential from a checked
// input; other services (sign-up) use it to create members in their own
// transactions.
func Build(in NewMember, now time.Time) (Member, User, Credential, string) {
	m := Member{
		ID: ident.New(ident.Member, now), Name: in.Name, Domain: in.Domain, Kind: in.Kind,
		Contacts: in.Contacts, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	u := User{
		ID: ident.New(ident.User, now), MemberID: m.ID, Name: in.Contacts.Primary.Name,
		Email: in.Contacts.Primary.Email, Roles: []string{auth.RoleAdmin, auth.RoleEngineer},
		Status: UserActive, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	plain, hash := auth.NewToken(auth.TokenPrefix)
	u.TokenHash = hash
	cred := Credential{Hash: hash, UserID: u.ID, MemberID: m.ID, Roles: u.Roles}
	return m, u, cred, plain
}

// Create makes a member and its first admin user (operators only), and
// mails the primary contact a welcome in the same transaction.
func (s *Service) Create(ctx context.Context, p auth.Principal, in NewMember, claim idem.Claim) (Created, error) {
	if !p.Operator {
		return Created{}, apperr.Forbidden("only platform operators can create members")
	}
	in, err := in.Check()
	if err != nil {
		return Created{}, err
	}
	now := s.Now()
	m, u, cred, plain := Build(in, now)
	m.UpdatedBy, u.UpdatedBy = p.Actor(), p.Actor()
	welcome := notify.Message{
		ID: ident.New(ident.Outbox, now), Channel: notify.Email,
		From: s.Mail.From, To: []string{m.Contacts.Primary.Email}, Ref: m.ID, CreatedAt: now,
		Data: notify.MemberWelcome{
			MemberName: m.Name, MemberID: m.ID, ContactName: m.Contacts.Primary.Name, AdminEmail: u.Email, BaseURL: s.Mail.BaseURL,
		},
	}
	if err := s.store.CreateMember(ctx, m, u, cred, []notify.Message{welcome}, claim); err != nil {
		return Created{}, fmt.Errorf("create member %s: %w", m.Domain, err)
	}
	return Created{Member: m, Admin: u, AdminToken: plain}, nil
}

// Get returns member id to its own admins and to operators; its other
// users are refused (403), and to anyone else it does not exist.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Member, error) {
	if !p.In(id) || !ident.Valid(ident.Member, id) {
		return Member{}, apperr.NotFound("member %s not found", id)
	}
	if !p.AdminOf(id) {
		return Member{}, apperr.Forbidden("reading the member's record needs the admin role")
	}
	return s.store.GetMember(ctx, id)
}

// Events is the member's timeline with its users' (its admins and
// operators); with userID, only that user's.
func (s *Service) Events(ctx context.Context, p auth.Principal, memberID, userID string, limit int, cursor string) ([]audit.Event, string, error) {
	if userID != "" {
		if _, err := s.administeredUser(ctx, p, memberID, userID); err != nil {
			return nil, "", err
		}
	} else if _, err := s.Get(ctx, p, memberID); err != nil {
		return nil, "", err
	}
	return s.store.ListMemberEvents(ctx, memberID, userID, limit, cursor)
}

// NewUser is the input of POST /v1/members/{id}/users.
type NewUser struct {
	Name  string   `json:"name"`
	Email string   `json:"email"`
	Roles []string `json:"roles"`
	// Invite mails the new user a sign-in link (the console's invitation).
	Invite bool `json:"invite,omitempty"`
}

// AddUser creates a user of member memberID (its admins, operators) and
// returns the user with its token, shown this once.
func (s *Service) AddUser(ctx context.Context, p auth.Principal, memberID string, in NewUser, claim idem.Claim) (User, string, error) {
	if err := s.adminCheck(ctx, p, memberID); err != nil {
		return User{}, "", err
	}
	f := apperr.Fields{}
	name := input.Text(f, "name", in.Name, 200)
	email := input.Email(f, "email", in.Email)
	var roles []string
	if len(in.Roles) == 0 {
		f.Add("roles", "is required: one or more of admin, engineer, critical")
	}
	for i, r := range in.Roles {
		r = strings.TrimSpace(r)
		if !auth.KnownRole(r) {
			f.Add(fmt.Sprintf("roles[%d]", i), "must be one of admin, engineer, critical")
			continue
		}
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	if err := f.Err(); err != nil {
		return User{}, "", err
	}
	slices.Sort(roles)
	now := s.Now()
	u := User{
		ID: ident.New(ident.User, now), MemberID: memberID, Name: name, Email: email, Roles: roles,
		Status: UserActive, CreatedAt: now, UpdatedAt: now, Version: 1, UpdatedBy: p.Actor(),
	}
	plain, hash := auth.NewToken(auth.TokenPrefix)
	u.TokenHash = hash
	var inv *Invitation
	if in.Invite {
		i, err := s.invitation(ctx, p, u, now)
		if err != nil {
			return User{}, "", err
		}
		inv = &i
	}
	if err := s.store.CreateUser(ctx, u, Credential{Hash: hash, UserID: u.ID, MemberID: memberID, Roles: roles}, inv, claim); err != nil {
		return User{}, "", fmt.Errorf("add user to %s: %w", memberID, err)
	}
	return u, plain, nil
}

// invitation is the sign-in link mailed to u, signed with the name of the
// admin who added them (an operator signs as the platform).
func (s *Service) invitation(ctx context.Context, p auth.Principal, u User, now time.Time) (Invitation, error) {
	if s.Invite == nil {
		return Invitation{}, apperr.InvalidField("invite", "invitations are not available here; give the user their token")
	}
	users, err := s.store.ListMemberUsers(ctx, u.MemberID)
	if err != nil {
		return Invitation{}, err
	}
	for _, o := range users {
		if o.Status == UserActive && strings.EqualFold(o.Email, u.Email) {
			return Invitation{}, apperr.InvalidField("email", fmt.Sprintf("%s already signs in for this company as %s; they can ask for a sign-in link themselves", u.Email, o.Name))
		}
	}
	m, err := s.store.GetMember(ctx, u.MemberID)
	if err != nil {
		return Invitation{}, err
	}
	by := "The Tandem team"
	if p.UserID != "" && p.MemberID != "" {
		if admin, err := s.store.GetUser(ctx, p.MemberID, p.UserID); err == nil {
			by = admin.Name
		}
	}
	return s.Invite(u, m, by, now), nil
}

// RevokeUser revokes a user's token for good (the user is kept, revoked).
func (s *Service) RevokeUser(ctx context.Context, p auth.Principal, memberID, userID string) (User, error) {
	u, err := s.administeredUser(ctx, p, memberID, userID)
	if err != nil {
		return User{}, err
	}
	if u.Status == UserRevoked {
		return u, nil
	}
	now := s.Now()
	u.UpdatedBy = p.Actor()
	if err := s.store.RevokeUser(ctx, u, now); err != nil {
		return User{}, fmt.Errorf("revoke user %s: %w", userID, err)
	}
	u.Status, u.UpdatedAt, u.Version = UserRevoked, now, u.Version+1
	return u, nil
}

// adminCheck: other tenants get 404; own non-admin users get 403.
func (s *Service) adminCheck(ctx context.Context, p auth.Principal, memberID string) error {
	if !p.In(memberID) || !ident.Valid(ident.Member, memberID) {
		return apperr.NotFound("member %s not found", memberID)
	}
	if !p.AdminOf(memberID) {
		return apperr.Forbidden("this needs the admin role of member %s", memberID)
	}
	if p.Operator {
		if _, err := s.store.GetMember(ctx, memberID); err != nil {
			return err
		}
	}
	return nil
}

// administeredUser reads user userID of memberID for one of the member's
// admins (or an operator); anyone else learns nothing of it.
func (s *Service) administeredUser(ctx context.Context, p auth.Principal, memberID, userID string) (User, error) {
	if err := s.adminCheck(ctx, p, memberID); err != nil {
		return User{}, err
	}
	if !ident.Valid(ident.User, userID) {
		return User{}, apperr.NotFound("user %s not found", userID)
	}
	return s.store.GetUser(ctx, memberID, userID)
}

// UserPatch changes a user's roles or restricted-program access.
type UserPatch struct {
	Roles      *[]string `json:"roles,omitempty"`
	ProgramIDs *[]string `json:"programIds,omitempty"`
	Version    *int      `json:"version,omitempty"`
}

// UpdateUser changes a user's roles and program access (its member's admins,
// operators). The token keeps working with the new roles.
func (s *Service) UpdateUser(ctx context.Context, p auth.Principal, memberID, userID string, pt UserPatch) (User, error) {
	u, err := s.administeredUser(ctx, p, memberID, userID)
	if err != nil {
		return User{}, err
	}
	if u.Status == UserRevoked {
		return User{}, &apperr.StateError{Object: "user " + userID, Action: "change", Current: string(u.Status)}
	}
	if pt.Version != nil && *pt.Version != u.Version {
		return User{}, apperr.Conflict("user %s is at version %d, not %d; reload it", userID, u.Version, *pt.Version)
	}
	f := apperr.Fields{}
	next := u
	if pt.Roles != nil {
		next.Roles = nil
		if len(*pt.Roles) == 0 {
			f.Add("roles", "must hold at least one of admin, engineer, critical")
		}
		for i, r := range *pt.Roles {
			if !auth.KnownRole(r) {
				f.Add(fmt.Sprintf("roles[%d]", i), "must be one of admin, engineer, critical")
			} else if !slices.Contains(next.Roles, r) {
				next.Roles = append(next.Roles, r)
			}
		}
		slices.Sort(next.Roles)
	}
	if pt.ProgramIDs != nil {
		next.ProgramIDs = nil
		for i, id := range *pt.ProgramIDs {
			if !ident.Valid(ident.Program, id) {
				f.Add(fmt.Sprintf("programIds[%d]", i), "must be a program id")
			} else if !slices.Contains(next.ProgramIDs, id) {
				next.ProgramIDs = append(next.ProgramIDs, id)
			}
		}
	}
	if err := f.Err(); err != nil {
		return User{}, err
	}
	now := s.Now()
	next.UpdatedAt, next.Version, next.UpdatedBy = now, u.Version+1, p.Actor()
	if err := s.store.UpdateUser(ctx, next, u.Version); err != nil {
		return User{}, fmt.Errorf("update user %s: %w", userID, err)
	}
	return next, nil
}

// Users lists a member's users (its admins, operators).
func (s *Service) Users(ctx context.Context, p auth.Principal, memberID string) ([]User, error) {
	if err := s.adminCheck(ctx, p, memberID); err != nil {
		return nil, err
	}
	return s.store.ListMemberUsers(ctx, memberID)
}

// Patch is the body of PATCH /v1/members/{id}: a member's admins keep its
// name and contacts current (renewal invoices go to the billing contact).
type Patch struct {
	Name     *string   `json:"name,omitempty"`
	Contacts *Contacts `json:"contacts,omitempty"`
	// Bcc replaces the capture addresses ("" for none).
	Bcc     *Bcc `json:"bcc,omitempty"`
	Version *int `json:"version,omitempty"`
}

// Update applies a patch (the member's admins, operators).
func (s *Service) Update(ctx context.Context, p auth.Principal, id string, pt Patch) (Member, error) {
	if err := s.adminCheck(ctx, p, id); err != nil {
		return Member{}, err
	}
	m, err := s.store.GetMember(ctx, id)
	if err != nil {
		return Member{}, err
	}
	if pt.Version != nil && *pt.Version != m.Version {
		return Member{}, apperr.Conflict("member %s is at version %d, not %d; reload it", id, m.Version, *pt.Version)
	}
	if m.MergedInto != "" {
		return Member{}, apperr.Conflict("member %s is %s into %s: change that member instead", id, m.Merge, m.MergedInto)
	}
	f := apperr.Fields{}
	next := m
	if pt.Name != nil {
		next.Name = input.Text(f, "name", *pt.Name, 200)
	}
	if c := pt.Contacts; c != nil {
		// Each contact sent replaces the one held; one left out stays.
		for _, x := range []struct {
			path string
			in   Contact
			dst  *Contact
		}{{"contacts.primary", c.Primary, &next.Contacts.Primary}, {"contacts.escalation", c.Escalation, &next.Contacts.Escalation}, {"contacts.billing", c.Billing, &next.Contacts.Billing}} {
			if x.in != (Contact{}) {
				*x.dst = x.in.Check(f, x.path)
			}
		}
	}
	if b := pt.Bcc; b != nil {
		next.Bcc = Bcc{Outbound: optionalEmail(f, "bcc.outbound", b.Outbound), Inbound: optionalEmail(f, "bcc.inbound", b.Inbound)}
	}
	if err := f.Err(); err != nil {
		return Member{}, err
	}
	now := s.Now()
	next.UpdatedAt, next.Version, next.UpdatedBy = now, m.Version+1, p.Actor()
	// A capture address new to the member is asked once now; one still
	// unconfirmed from before waits for a resend.
	var ask []confirmation.Request
	for _, r := range next.Unconfirmed() {
		if !strings.EqualFold(r.Address, m.Bcc.Outbound) && !strings.EqualFold(r.Address, m.Bcc.Inbound) {
			ask = append(ask, r)
		}
	}
	msgs, _, err := s.confirmations(ctx, next, ask, now)
	if err != nil {
		return Member{}, err
	}
	if err := s.store.UpdateMember(ctx, next, m.Version, msgs); err != nil {
		return Member{}, fmt.Errorf("update member %s: %w", id, err)
	}
	return next, nil
}

// confirmations are the confirmation mails for rs, each address at most
// confirmation.PerAddress a day; reset is when a skipped one may go again.
func (s *Service) confirmations(ctx context.Context, m Member, rs []confirmation.Request, now time.Time) ([]notify.Message, time.Time, error) {
	var msgs []notify.Message
	var reset time.Time
	for _, r := range rs {
		n, at, err := s.store.CountInWindow(ctx, "confirm#"+confirmation.Normalize(r.Address), confirmation.Window, now)
		if err != nil {
			return nil, time.Time{}, err
		}
		if n > confirmation.PerAddress {
			reset = at
			continue
		}
		msgs = append(msgs, s.Confirmations.Mail(s.Mail, confirmation.Member, m.ID, m.Name, r, now))
	}
	return msgs, reset, nil
}

// ResendConfirmations mails the confirmation links of the member's
// unconfirmed capture addresses again (its admins, operators) and returns
// the addresses mailed (429 when each was asked PerAddress times today).
func (s *Service) ResendConfirmations(ctx context.Context, p auth.Principal, id string) ([]string, error) {
	if err := s.adminCheck(ctx, p, id); err != nil {
		return nil, err
	}
	m, err := s.store.GetMember(ctx, id)
	if err != nil {
		return nil, err
	}
	ask := m.Unconfirmed()
	if len(ask) == 0 {
		return nil, apperr.Conflict("%s has no capture address waiting for confirmation", m.Name)
	}
	now := s.Now()
	msgs, reset, err := s.confirmations(ctx, m, ask, now)
	if err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		return nil, apperr.RateLimited(reset.Sub(now), "the confirmation was mailed %d times today already; try again tomorrow", confirmation.PerAddress)
	}
	if err := s.store.Enqueue(ctx, msgs...); err != nil {
		return nil, fmt.Errorf("resend confirmations of %s: %w", id, err)
	}
	var sent []string
	for _, msg := range msgs {
		sent = append(sent, msg.To...)
	}
	return sent, nil
}

// Confirmation is what the confirmation link of the member's capture
// address tagged tag asks (no sign-in: the signed link is the authority).
func (s *Service) Confirmation(ctx context.Context, id, tag string) (confirmation.Pending, error) {
	m, err := s.store.GetMember(ctx, id)
	if err != nil {
		return confirmation.Pending{}, err
	}
	r, ok := confirmation.Find(m.CaptureAddresses(), tag)
	if !ok {
		return confirmation.Pending{}, apperr.Conflict("%s no longer sends copies to this address: there is nothing to confirm", m.Name)
	}
	return confirmation.Pending{MemberName: m.Name, Request: r, Confirmed: m.Confirmed.Has(r.Address)}, nil
}

// ConfirmAddress records that the owner of the capture address tagged tag
// (see confirmation.Tag) takes the member's copies: the POST of a
// confirmation link. It returns the member and the address confirmed.
func (s *Service) ConfirmAddress(ctx context.Context, id, tag string) (Member, string, error) {
	m, err := s.store.GetMember(ctx, id)
	if err != nil {
		return Member{}, "", err
	}
	r, ok := confirmation.Find(m.CaptureAddresses(), tag)
	if !ok {
		return Member{}, "", apperr.Conflict("%s no longer sends copies to this address: there is nothing to confirm", m.Name)
	}
	addr := r.Address
	if m.Confirmed.Has(addr) {
		return m, addr, nil
	}
	next := m
	next.Confirmed, next.UpdatedAt, next.Version, next.UpdatedBy = m.Confirmed.With(addr), s.Now(), m.Version+1, addr+" (confirmation link)"
	if err := s.store.UpdateMember(ctx, next, m.Version, nil); err != nil {
		return Member{}, "", fmt.Errorf("confirm a capture address of %s: %w", id, err)
	}
	return next, addr, nil
}

// Search lists members whose name or domain contains q (operators).
func (s *Service) Search(ctx context.Context, p auth.Principal, q string) ([]Member, error) {
	if !p.Operator {
		return nil, apperr.Forbidden("only platform operators list members")
	}
	q = strings.ToLower(strings.TrimSpace(q))
	var out []Member
	for _, k := range []Kind{Full, Limited} {
		ms, err := s.store.ListMembersByKind(ctx, k)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if q == "" || strings.Contains(strings.ToLower(m.Name), q) || strings.Contains(strings.ToLower(m.Domain), q) {
				out = append(out, m)
			}
		}
	}
	slices.SortFunc(out, func(a, b Member) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, nil
}

// optionalEmail is an address or "" for none.
func optionalEmail(f apperr.Fields, path, v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	return strings.ToLower(input.Email(f, path, v))
}

// RegisterSendingDomain registers domain (the member's own domain or a
// subdomain of it) with SES for the member's programs to send from, and
// returns the DNS records to publish (its admins, operators).
func (s *Service) RegisterSendingDomain(ctx context.Context, p auth.Principal, id, domain string) (Member, error) {
	if err := s.adminCheck(ctx, p, id); err != nil {
		return Member{}, err
	}
	m, err := s.store.GetMember(ctx, id)
	if err != nil {
		return Member{}, err
	}
	domain = strings.ToLower(strings.TrimSpace(domain))
	own := strings.ToLower(m.Domain)
	inst := strings.ToLower(s.InstallationDomain)
	switch {
	case !input.ValidDomain(domain):
		return Member{}, apperr.InvalidField("domain", "must be a domain like mail.example.com")
	case inst != "" && (domain == inst || strings.HasSuffix(domain, "."+inst)):
		return Member{}, apperr.InvalidField("domain", "is this installation's own mail domain or under it: mail from it would pass for Tandem's own; choose a domain of "+m.Name+"'s")
	case own == "":
		return Member{}, apperr.InvalidField("domain", m.Name+" has no domain of its own to send from")
	case domain != own && !strings.HasSuffix(domain, "."+own):
		return Member{}, apperr.InvalidField("domain", "must be "+own+" or a subdomain of it, "+m.Name+"'s own domain")
	}
	if s.Identities == nil {
		return Member{}, apperr.Conflict("sending domains are not available in this installation")
	}
	ident, err := s.Identities.Create(ctx, domain, m.ID)
	if err != nil {
		return Member{}, err
	}
	if !s.ownIdentity(m, ident) {
		// SES identities are the account's, shared by every member: one
		// made for another member (or by hand) is not adopted, or its
		// verification would let this member send as the other.
		return Member{}, apperr.InvalidField("domain", "is registered with SES for another member of this installation; choose another subdomain of "+own)
	}
	return s.saveSending(ctx, m, ident, p.Actor())
}

// ownIdentity reports whether ident was created for m: tagged with m, or
// untagged but already m's sending domain (registered before identities
// were tagged).
func (s *Service) ownIdentity(m Member, ident sending.Identity) bool {
	return ident.Owner == m.ID || (ident.Owner == "" && strings.EqualFold(m.Sending.Domain, ident.Domain))
}

// SendingDomainStatus reads the member's sending domain's state from SES
// and keeps it; changed reports that its verification changed.
func (s *Service) SendingDomainStatus(ctx context.Context, p auth.Principal, id string) (m Member, changed bool, err error) {
	if err := s.adminCheck(ctx, p, id); err != nil {
		return Member{}, false, err
	}
	m, err = s.store.GetMember(ctx, id)
	if err != nil {
		return Member{}, false, err
	}
	if m.Sending.Domain == "" {
		return Member{}, false, apperr.NotFound("%s has no sending domain; register one first", m.Name)
	}
	if s.Identities == nil {
		return m, false, nil
	}
	ident, err := s.Identities.Get(ctx, m.Sending.Domain)
	if errors.Is(err, sending.ErrUnknown) || (err == nil && !s.ownIdentity(m, ident)) {
		// Removed in SES (and perhaps made again for another member): register again.
		ident = sending.Identity{Domain: m.Sending.Domain, Status: "NOT_STARTED"}
	} else if err != nil {
		return Member{}, false, err
	}
	if ident.Verified == m.Sending.Verified && ident.Status == m.Sending.Status {
		return m, false, nil
	}
	next, err := s.saveSending(ctx, m, ident, audit.System) // SES's verification, read by Tandem
	return next, err == nil && next.Sending.Verified != m.Sending.Verified, err
}

func (s *Service) saveSending(ctx context.Context, m Member, ident sending.Identity, actor string) (Member, error) {
	next := m
	next.Sending = SendingDomain{Domain: ident.Domain, Verified: ident.Verified, Status: ident.Status}
	for _, r := range ident.Records {
		next.Sending.Records = append(next.Sending.Records, DNSRecord(r))
	}
	next.UpdatedAt, next.Version, next.UpdatedBy = s.Now(), m.Version+1, actor
	if err := s.store.UpdateMember(ctx, next, m.Version, nil); err != nil {
		return Member{}, fmt.Errorf("save sending domain of %s: %w", m.ID, err)
	}
	return next, nil
}

// Names are the names of members ids (what the directory shows of any
// company): for pages that name the member an object belongs to. A member
// that cannot be read has no name in the answer.
func (s *Service) Names(ctx context.Context, ids ...string) map[string]string {
	out := make(map[string]string, len(ids))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, id := range ids {
		if id == "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if m, err := s.store.GetMember(ctx, id); err == nil {
				mu.Lock()
				out[id] = m.Name
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

// UserNames names the users userIDs, each a user of one of memberIDs
// (timelines name who acted): read side by side; an id no member has keeps
// no name.
func (s *Service) UserNames(ctx context.Context, memberIDs, userIDs []string) map[string]string {
	out := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, u := range userIDs {
		for _, m := range memberIDs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if usr, err := s.store.GetUser(ctx, m, u); err == nil {
					mu.Lock()
					out[u] = usr.Name
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	return out
}

// User is user userID of the caller's own member, or of any member for an
// operator (the signed-in person's own details).
func (s *Service) User(ctx context.Context, p auth.Principal, memberID, userID string) (User, error) {
	if !p.In(memberID) {
		return User{}, apperr.NotFound("user %s not found", userID)
	}
	return s.store.GetUser(ctx, memberID, userID)
}
