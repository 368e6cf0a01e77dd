package enrollment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// renewalsActor names the schedule in audit trails.
const renewalsActor = "renewals schedule"

// Renewals is what the renewals run needs (Renew): the enrollment, its
// program and invoices, the member billed, and each step's change.
type Renewals interface {
	GetEnrollment(ctx context.Context, id string) (Enrollment, error)
	GetProgram(ctx context.Context, id string) (program.Program, error)
	GetInvoice(ctx context.Context, id string) (billing.Invoice, error)
	// GetMember reads a member's standing record (renewals bill its
	// current billing contact).
	GetMember(ctx context.Context, id string) (member.Member, error)
	// ApplyEnrollmentChange writes a change in one transaction; a
	// moved-on enrollment is a conflict.
	ApplyEnrollmentChange(ctx context.Context, c Change) error
}

// Renew does every renewal step of enrollment id due at or before now, in
// order, each in its own conditional transaction: a run that comes late
// catches up; a run that races another does each step once (the loser's
// write is refused and it stops). It returns the steps it did.
func (s *Service) Renew(ctx context.Context, id string, now time.Time) ([]RenewalStep, error) {
	var done []RenewalStep
	for i := 0; i < int(RenewalTerminated); i++ {
		e, err := s.store.GetEnrollment(ctx, id)
		if err != nil {
			return done, err
		}
		step, at, ok := e.NextRenewal()
		if !ok || at.After(now) {
			return done, nil
		}
		c, err := s.renewalStep(ctx, e, step, now)
		if err != nil {
			return done, err
		}
		if err := s.store.ApplyEnrollmentChange(ctx, c); err != nil {
			if errors.Is(err, apperr.ErrConflict) {
				return done, nil // another run did it
			}
			return done, fmt.Errorf("renewal step %d of %s: %w", step, id, err)
		}
		done = append(done, step)
	}
	return done, nil
}

func (s *Service) renewalStep(ctx context.Context, e Enrollment, step RenewalStep, now time.Time) (Change, error) {
	prg, err := s.store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return Change{}, err
	}
	to, err := s.billTo(ctx, e)
	if err != nil {
		return Change{}, err
	}
	after := e
	after.RenewalStep, after.UpdatedAt, after.Version = step, now, e.Version+1
	c := Change{Before: e, After: after}
	action := Action(fmt.Sprintf("renewal_%d", step))
	r := e.RenewalDate
	data := notify.RenewalMail{
		ProgramMail: s.programMail(prg), ContactName: to.Contact.Name, CompanyName: to.Company,
		RenewalDate: r.Format("2 January 2006"), Fee: billing.Money(billing.MembershipFeeCents),
		TerminationDate: RenewalStepAt(r, RenewalTerminated).Format("2 January 2006"), EnrollmentID: e.ID,
	}
	partner := []string{e.Contacts.Primary.Email}
	if to.Contact.Email != e.Contacts.Primary.Email {
		partner = append(partner, to.Contact.Email)
	}
	switch step {
	case RenewalHeadsUp:
		c.Messages = append(c.Messages, s.mail(prg, partner, e.ID, notify.RenewalHeadsUp{RenewalMail: data}, now, false))
	case RenewalInvoiced:
		inv := billing.Invoice{
			ID: ident.New(ident.Invoice, now), MemberID: e.MemberID, ProgramID: e.ProgramID, EnrollmentID: e.ID, Kind: billing.Renewal,
			PeriodStart: billing.Date(r), PeriodEnd: billing.Date(billing.AddYears(r, 1)),
			Lines:    []billing.Line{billing.NewLine(fmt.Sprintf("%s membership renewal, %s to %s", prg.Name, billing.Date(r), billing.Date(billing.AddYears(r, 1))), 1, billing.MembershipFeeCents)},
			Currency: billing.Currency, Status: billing.Open, IssuedAt: now, DueAt: r, CreatedAt: now, UpdatedAt: now, Version: 1,
		}
		inv.TotalCents = billing.Total(inv.Lines)
		c.NewInvoice = &inv
		c.InvoiceKey = fmt.Sprintf("renewal#%s#%s", e.ID, billing.Date(r))
		c.After.RenewalInvoiceID = inv.ID
		c.Messages = append(c.Messages, s.mail(prg, []string{to.Contact.Email}, inv.ID,
			billing.InvoiceMail(inv, to.Contact.Name, to.Company, prg.Name, "renewal", billing.PayLinks{Keys: s.Links.Keys}.URL(s.Origin.BaseURL, inv)), now, false))
	case RenewalLapsed:
		next, err := Next(e.Status, Lapse, e.Settled())
		if err != nil {
			return Change{}, err
		}
		c.After.Status = next
		c.Messages = append(c.Messages, s.mail(prg, partner, e.ID, notify.RenewalLapsed{RenewalMail: data}, now, false))
	case RenewalWarned:
		c.Messages = append(c.Messages, s.mail(prg, prg.NotifyEmails, e.ID, notify.RenewalWarning{RenewalMail: data}, now, true))
	case RenewalTerminated:
		next, err := Next(e.Status, Terminate, e.Settled())
		if err != nil {
			return Change{}, err
		}
		c.After.Status = next
		c.After.Reason = "renewal unpaid 90 days after the renewal date"
		if e.RenewalInvoiceID != "" {
			inv, err := s.store.GetInvoice(ctx, e.RenewalInvoiceID)
			if err != nil {
				return Change{}, err
			}
			if inv.Status == billing.Open {
				void := inv
				void.Status, void.UpdatedAt, void.Version = billing.Void, now, inv.Version+1
				c.Invoices = append(c.Invoices, InvoiceChange{Before: inv, After: void})
			}
		}
		c.Messages = append(c.Messages,
			s.mail(prg, partner, e.ID, notify.RenewalTerminated{RenewalMail: data}, now, false),
			s.mail(prg, prg.NotifyEmails, e.ID, notify.RenewalTerminated{RenewalMail: data}, now, true))
	}
	c.Event = Event{ID: ident.New(ident.Event, now), At: now, Actor: renewalsActor, Action: action, From: e.Status, To: c.After.Status,
		Reason: fmt.Sprintf("renewal of %s", billing.Date(r))}
	return c, nil
}

// billee is who a renewal is billed to.
type billee struct {
	Contact member.Contact
	Company string
}

// billTo is the member's billing contact and name as they stand today, so a
// partner admin's correction (PATCH /v1/members/{id}) reaches the next
// renewal; the contact typed at sign-up is the fallback for a member that
// has none on record.
func (s *Service) billTo(ctx context.Context, e Enrollment) (billee, error) {
	to := billee{Contact: e.Contacts.Billing, Company: e.Company.Name}
	m, err := s.store.GetMember(ctx, e.MemberID)
	if errors.Is(err, apperr.ErrNotFound) {
		return to, nil
	}
	if err != nil {
		return billee{}, err
	}
	if m.Contacts.Billing.Email != "" {
		to.Contact = m.Contacts.Billing
	}
	if m.Name != "" {
		to.Company = m.Name
	}
	return to, nil
}
