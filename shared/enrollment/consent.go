package enrollment

import (
	"context"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// ConsentTTL is how long an existing member's confirm and decline links work.
const ConsentTTL = 14 * 24 * time.Hour

// Consent decisions (POST /v1/enrollments/{id}/member-consent).
const (
	Confirm = "confirm"
	Decline = "decline"
)

// ConsentAddresses are whom to ask whether a sign-up speaks for m: its
// active admins, or, while it has none yet, its primary contact.
func ConsentAddresses(m member.Member, users []member.User) []string {
	return uniqueAddrs(member.AdminsOrPrimary(m, users)...)
}

// AskConsent is the mail a sign-up into the existing member m sends: its
// admins (to) see everything that was typed and get a confirm and a decline
// link; the person who signed up is told that their company decides.
func AskConsent(e Enrollment, m member.Member, to []string, prg program.Program, o notify.Origin, links Links, now time.Time) []notify.Message {
	p := e.Proposal
	if p == nil {
		p = &Proposal{}
	}
	exp := now.Add(ConsentTTL)
	return []notify.Message{
		{
			ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: o.From,
			To: to, Ref: e.ID, CreatedAt: now, Data: notify.MemberConsent{
				MemberName: m.Name, ProgramName: prg.Name, HostName: prg.HostName, Email: e.Email,
				CompanyName: e.Company.Name, Website: e.Company.Website, Country: e.Company.Country,
				Primary: ContactLine(e.Contacts.Primary), Support: ContactLine(e.Contacts.Support),
				Escalation: ContactLine(e.Contacts.Escalation), Billing: ContactLine(e.Contacts.Billing),
				InboundEmail: p.Inbound.Email, InboundPhone: p.Inbound.Phone, Hours: HoursLine(p.Inbound.Hours),
				WebhookURL: p.Inbound.WebhookURL, Instructions: p.Inbound.Instructions, AddendumLine: addendumLine(e.Addendum),
				ConfirmLink: o.BaseURL + "/m/" + links.Sign(e.ID, ConfirmConsent, exp),
				DeclineLink: o.BaseURL + "/m/" + links.Sign(e.ID, DeclineConsent, exp),
				Expires:     exp.UTC().Format("2 January 2006"), EnrollmentID: e.ID,
			},
		},
		{
			ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: prg.From(o.From),
			To: []string{e.Email}, ReplyTo: []string{prg.PrimaryContact.Email}, Ref: e.ID, CreatedAt: now, Data: notify.ConsentPending{
				MemberName: m.Name, ProgramName: prg.Name, HostName: prg.HostName, ContactName: e.Addendum.Name,
			},
		},
	}
}

// Consent records the existing member's answer to a sign-up made in its
// name (the member's admins and operators; the host sees the enrollment
// but does not speak for the partner).
func (s *Service) Consent(ctx context.Context, p auth.Principal, id, decision string, version *int) (Enrollment, error) {
	f := apperr.Fields{}
	input.OneOf(f, "decision", decision, Confirm, Decline)
	if err := f.Err(); err != nil {
		return Enrollment{}, err
	}
	e, err := s.Get(ctx, p, id)
	if err != nil {
		return Enrollment{}, err
	}
	if !p.AdminOf(e.MemberID) {
		return Enrollment{}, apperr.Forbidden("only admins of %s decide whether this sign-up speaks for it", e.MemberName)
	}
	if err := checkVersion(e, version); err != nil {
		return Enrollment{}, err
	}
	return s.consent(ctx, e, p.Actor(), decision == Confirm)
}

// LookupConsent checks a /m/{token} link without acting on it.
func (s *Service) LookupConsent(ctx context.Context, token string) (Decision, error) {
	return s.lookupLink(ctx, token, memberLink)
}

// DecideConsent acts on a consent link's confirmation page.
func (s *Service) DecideConsent(ctx context.Context, token string) (Enrollment, error) {
	c, err := s.LookupConsent(ctx, token)
	if err != nil {
		return Enrollment{}, err
	}
	if c.Done != "" {
		return Enrollment{}, apperr.Conflict("%s", c.Done)
	}
	return s.consent(ctx, c.Enrollment, c.Enrollment.MemberName+" (link in the consent mail)", c.Action == ConfirmConsent)
}

// consent confirms (the sign-up is admitted: department, invoice, test
// case, the host told) or declines (rejected; the person is told).
func (s *Service) consent(ctx context.Context, e Enrollment, actor string, confirm bool) (Enrollment, error) {
	now := s.Now()
	prg, err := s.store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return Enrollment{}, err
	}
	if !confirm {
		c, err := s.transition(e, DeclineConsent, actor, "", now)
		if err != nil {
			return Enrollment{}, err
		}
		c.After.Proposal = nil
		c.Messages = append(c.Messages, s.mail(prg, []string{e.Email}, e.ID, notify.ConsentDeclined{
			ProgramMail: s.programMail(prg), ContactName: e.Addendum.Name, MemberName: e.MemberName,
		}, now, false))
		return s.apply(ctx, c)
	}
	c, err := s.transition(e, ConfirmConsent, actor, "", now)
	if err != nil {
		return Enrollment{}, err
	}
	if e.Proposal == nil {
		return Enrollment{}, fmt.Errorf("enrollment %s awaits consent but keeps no proposal", e.ID)
	}
	a := Admit(&c.After, prg, *e.Proposal, s.Origin, s.Links, false, actor, now)
	c.Event.To = c.After.Status
	c.Department = &a.Department
	c.NewInvoice, c.InvoiceKey = a.Invoice, "membership#"+e.ID
	if a.Validation != nil {
		c.Tokens = append(c.Tokens, *a.Validation)
	}
	c.Messages = append(c.Messages, a.Messages...)
	c.Enroll = true
	return s.apply(ctx, c)
}
