package enrollment

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/session"
)

// GoLiveLinkTTL is how long the sign-in link of the go-live mail works
// (once): as long as an invitation's, since the partner's admin may read
// the mail days later.
const GoLiveLinkTTL = session.InviteTTL

// goLive completes c for an enrollment becoming active for the first time:
// the membership year starts now, the partner's first admin exists and is
// mailed a sign-in link to the console, the host is told.
func (s *Service) goLive(ctx context.Context, c *Change, prg program.Program, now time.Time) error {
	c.After.GoLiveAt = now
	if !c.After.HostPaid {
		c.After.RenewalDate = billing.AddYears(now, 1)
		if id := c.After.MembershipInvoiceID; id != "" {
			// The membership year starts now: the invoice's period says so.
			k := -1
			for i := range c.Invoices {
				if c.Invoices[i].After.ID == id {
					k = i
				}
			}
			if k < 0 {
				inv, err := s.store.GetInvoice(ctx, id)
				if err != nil {
					return err
				}
				after := inv
				after.UpdatedAt, after.Version = now, inv.Version+1
				c.Invoices = append(c.Invoices, InvoiceChange{Before: inv, After: after})
				k = len(c.Invoices) - 1
			}
			c.Invoices[k].After.PeriodStart = billing.Date(now)
			c.Invoices[k].After.PeriodEnd = billing.Date(c.After.RenewalDate)
		}
	}
	a, ok, admins, err := s.firstAdmin(ctx, c.After, now)
	if err != nil {
		return err
	}
	if !ok && len(admins) > 0 {
		// The member's admins are in the console already: they are told,
		// and sign in as they always do.
		c.Messages = append(c.Messages, notify.Message{
			ID: ident.New(ident.Outbox, now), Channel: notify.Email,
			From: prg.From(s.Origin.From), ReplyTo: prg.HostReplyTo(), To: admins, Ref: c.After.ID, CreatedAt: now,
			Data: notify.EnrollmentLivePartner{
				ProgramMail: s.programMail(prg), ContactName: c.After.Company.Name + " administrators", CompanyName: c.After.Company.Name,
			},
		})
	}
	if ok {
		plain, hash := session.NewLink()
		a.LinkHash, a.LinkExpires = hash, now.Add(GoLiveLinkTTL)
		c.Admin = &a
		c.Messages = append(c.Messages, notify.Message{
			ID: ident.New(ident.Outbox, now), Channel: notify.Email,
			From: prg.From(s.Origin.From), ReplyTo: prg.HostReplyTo(), To: []string{a.User.Email}, Ref: c.After.ID, CreatedAt: now,
			Data: notify.EnrollmentLivePartner{
				ProgramMail: s.programMail(prg), ContactName: a.User.Name, CompanyName: c.After.Company.Name, Email: a.User.Email,
				Link: s.Origin.BaseURL + "/login/" + plain, Expires: a.LinkExpires.UTC().Format("2 January 2006"),
			},
		})
	}
	c.Messages = append(c.Messages, s.mail(prg, prg.NotifyEmails, c.After.ID, notify.EnrollmentLiveHost{
		ProgramMail: s.programMail(prg), CompanyName: c.After.Company.Name, EnrollmentID: c.After.ID,
	}, now, true))
	return nil
}

// firstAdmin is the partner's admin going live signs in (see ConsoleAdmin
// and adminFor). ok is false when no address qualifies or the member has
// its admins already; admins are then their addresses, to be told.
func (s *Service) firstAdmin(ctx context.Context, e Enrollment, now time.Time) (a AdminSignIn, ok bool, admins []string, err error) {
	m, err := s.store.GetMember(ctx, e.MemberID)
	if err != nil {
		return AdminSignIn{}, false, nil, err
	}
	users, err := s.store.ListMemberUsers(ctx, e.MemberID)
	if err != nil {
		return AdminSignIn{}, false, nil, err
	}
	if who, qualifies := ConsoleAdmin(e, m); qualifies {
		if a, ok = adminFor(users, e.MemberID, who, now); ok {
			return a, true, nil, nil
		}
	}
	return AdminSignIn{}, false, member.AdminAddresses(users), nil
}

// adminFor is the member's active user with who's address (signed in, its
// roles unchanged), or, when the member has no active admin yet, a new
// admin (also an engineer) named as who, with its credential. ok is false
// when the address is a revoked user's (revoking is not undone by a link)
// or the member has admins already: they grant roles in the console, and a
// go-live, an old credential link or a merger's moved sign-up never makes
// an admin beside them.
func adminFor(users []member.User, memberID string, who member.Contact, now time.Time) (AdminSignIn, bool) {
	for _, u := range users {
		if strings.EqualFold(u.Email, who.Email) {
			return AdminSignIn{User: u}, u.Status == member.UserActive
		}
	}
	if hasAdmin(users) {
		return AdminSignIn{}, false
	}
	u := member.User{
		ID: ident.New(ident.User, now), MemberID: memberID, Name: who.Name, Email: strings.ToLower(who.Email),
		Roles: []string{auth.RoleAdmin, auth.RoleEngineer}, Status: member.UserActive, CreatedAt: now, UpdatedAt: now, Version: 1,
		UpdatedBy: "Tandem (going live)",
	}
	// Every user has an API token; this one's secret is never shown (the
	// admin signs in by mail and makes tokens on the people page).
	_, hash := auth.NewToken(auth.TokenPrefix)
	u.TokenHash = hash
	return AdminSignIn{User: u, New: true, Credential: member.Credential{Hash: hash, UserID: u.ID, MemberID: memberID, Roles: u.Roles}}, true
}

// hasAdmin reports whether one of users is an active admin.
func hasAdmin(users []member.User) bool {
	return slices.ContainsFunc(users, func(u member.User) bool {
		return u.Status == member.UserActive && slices.Contains(u.Roles, auth.RoleAdmin)
	})
}

// ConsoleAdmin is who becomes the partner's first admin when e goes live,
// in member m: its primary contact when that address is at m's domain;
// else the verified address that signed up, when it is at m's domain or m
// has none (a free-mail sign-up, whose only proven address it is). A typed
// address elsewhere never gets the member's console: a typo, or a
// stranger's address, would. ok is false when neither qualifies (an
// enrollment moved to another member by a merger: that member's admins
// are in the console already).
func ConsoleAdmin(e Enrollment, m member.Member) (member.Contact, bool) {
	p := e.Contacts.Primary
	at := func(addr string) bool {
		_, d, ok := strings.Cut(addr, "@")
		return ok && m.Domain != "" && strings.EqualFold(d, m.Domain)
	}
	if at(p.Email) || (m.Domain == "" && strings.EqualFold(p.Email, e.Email)) {
		return p, true
	}
	if e.Email != "" && (at(e.Email) || m.Domain == "") {
		name := e.Addendum.Name
		if name == "" {
			name, _, _ = strings.Cut(e.Email, "@")
		}
		return member.Contact{Name: name, Email: e.Email}, true
	}
	return member.Contact{}, false
}
