package enrollment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/notify"
)

// PayInvoice records a payment (operators). A membership invoice lets a
// validated partner go live; a renewal invoice restores a lapsed one.
func (s *Service) PayInvoice(ctx context.Context, p auth.Principal, id, reference string, amount int64) (billing.Invoice, error) {
	if !p.Operator {
		return billing.Invoice{}, apperr.Forbidden("only platform operators record payments")
	}
	f := apperr.Fields{}
	reference = input.Text(f, "reference", reference, 200)
	if err := f.Err(); err != nil {
		return billing.Invoice{}, err
	}
	if !ident.Valid(ident.Invoice, id) {
		return billing.Invoice{}, apperr.NotFound("invoice %s not found", id)
	}
	inv, err := s.store.GetInvoice(ctx, id)
	if err != nil {
		return billing.Invoice{}, err
	}
	if amount != inv.TotalCents {
		return billing.Invoice{}, apperr.InvalidField("amountCents", fmt.Sprintf("must be the invoice total, %d", inv.TotalCents))
	}
	if inv.Status != billing.Open {
		return billing.Invoice{}, &apperr.StateError{Object: "invoice " + id, Action: "pay", Current: string(inv.Status)}
	}
	now := s.Now()
	paid := inv
	paid.Status, paid.PaidAt, paid.PaymentRef, paid.PaidCents = billing.Paid, now, reference, amount
	paid.UpdatedAt, paid.Version = now, inv.Version+1
	ic := InvoiceChange{Before: inv, After: paid}
	if inv.EnrollmentID == "" {
		return paid, s.store.ApplyEnrollmentChange(ctx, Change{Invoices: []InvoiceChange{ic}})
	}
	e, err := s.store.GetEnrollment(ctx, inv.EnrollmentID)
	if err != nil {
		return billing.Invoice{}, err
	}
	var c Change
	switch inv.Kind {
	case billing.Membership:
		c, err = s.transition(e, Pay, p.Actor(), "invoice "+id+" paid ("+reference+")", now)
		if err != nil {
			// Removed or rejected: the payment is still recorded.
			if errors.Is(err, apperr.ErrConflict) {
				return paid, s.store.ApplyEnrollmentChange(ctx, Change{Invoices: []InvoiceChange{ic}})
			}
			return billing.Invoice{}, err
		}
		c.After.Paid = true
		c.Invoices = []InvoiceChange{ic}
		if c.After.Status == Active && e.Status != Active {
			prg, err := s.store.GetProgram(ctx, e.ProgramID)
			if err != nil {
				return billing.Invoice{}, err
			}
			if err := s.goLive(ctx, &c, prg, now); err != nil {
				return billing.Invoice{}, err
			}
			paid = c.Invoices[0].After
		}
	case billing.Renewal:
		c, err = s.renewalPaid(ctx, e, inv, p.Actor(), now)
		if err != nil {
			if errors.Is(err, apperr.ErrConflict) {
				return paid, s.store.ApplyEnrollmentChange(ctx, Change{Invoices: []InvoiceChange{ic}})
			}
			return billing.Invoice{}, err
		}
		c.Invoices = []InvoiceChange{ic}
	default:
		return paid, s.store.ApplyEnrollmentChange(ctx, Change{Invoices: []InvoiceChange{ic}})
	}
	if _, err := s.apply(ctx, c); err != nil {
		return billing.Invoice{}, err
	}
	return paid, nil
}

// renewalPaid: the renewal year is paid; the renewal date moves a year and a
// lapsed enrollment is active again.
func (s *Service) renewalPaid(ctx context.Context, e Enrollment, inv billing.Invoice, actor string, now time.Time) (Change, error) {
	c, err := s.transition(e, Renew, actor, "renewal invoice "+inv.ID+" paid", now)
	if err != nil {
		return Change{}, err
	}
	// The paid year runs to the invoice's period end: the next renewal
	// date, from which the next year's steps start afresh.
	if end, perr := time.Parse("2006-01-02", inv.PeriodEnd); perr == nil && end.After(e.RenewalDate) {
		c.After.RenewalDate = time.Date(end.Year(), end.Month(), end.Day(), e.RenewalDate.Hour(), e.RenewalDate.Minute(), e.RenewalDate.Second(), 0, time.UTC)
		c.After.RenewalStep, c.After.RenewalInvoiceID = RenewalNone, ""
	}
	if e.Status == Lapsed {
		prg, err := s.store.GetProgram(ctx, e.ProgramID)
		if err != nil {
			return Change{}, err
		}
		c.Messages = append(c.Messages, s.mail(prg, append(partnerAddrs(e), prg.NotifyEmails...), e.ID, notify.EnrollmentRestored{
			ProgramMail: s.programMail(prg), CompanyName: e.Company.Name,
		}, now, false))
	}
	return c, nil
}
