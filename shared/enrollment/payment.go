package enrollment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/notify"
)

// Payment is money received for an invoice, however it came: a bank
// transfer an operator records, or a card payment Stripe reports.
type Payment struct {
	Reference   string
	AmountCents int64
	// Actor is who records it: the operator, or StripeActor.
	Actor string
	// Method says in the receipt how it was paid ("bank transfer", "card").
	Method string
	// EventKey, when set, is the provider's event that reported the
	// payment, recorded in the same transaction (processed once).
	EventKey string
}

// StripeActor is the actor of what Stripe's webhook records.
const StripeActor = "Stripe (checkout)"

// PaymentEvents is what processing a payment provider's events once
// needs: whether an event is already recorded (see Change.PaymentEvent).
type PaymentEvents interface {
	PaymentEventRecorded(ctx context.Context, key string) (bool, error)
}

// PayInvoice records a bank transfer (operators): reference and amount as
// the operator read them off the statement. A membership invoice lets a
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
	return s.recordPayment(ctx, inv, Payment{Reference: reference, AmountCents: amount, Actor: p.Actor(), Method: "bank transfer"})
}

// recordPayment is the one rule of a payment received for the open
// invoice inv, whoever records it: the invoice is paid, and in the same
// transaction a membership invoice lets a validated partner go live and a
// renewal invoice moves the renewal date on (restoring a lapsed
// enrollment); the billing contact is mailed a receipt. The caller has
// checked who records it and the amount.
func (s *Service) recordPayment(ctx context.Context, inv billing.Invoice, pay Payment) (billing.Invoice, error) {
	now := s.Now()
	paid := inv
	paid.Status, paid.PaidAt, paid.PaymentRef, paid.PaidCents = billing.Paid, now, pay.Reference, pay.AmountCents
	paid.UpdatedAt, paid.Version = now, inv.Version+1
	ic := InvoiceChange{Before: inv, After: paid}
	// invoiceOnly records the payment without moving an enrollment: an
	// invoice of none, or of one removed or rejected meanwhile.
	invoiceOnly := func() (billing.Invoice, error) {
		return paid, s.store.ApplyEnrollmentChange(ctx, Change{Invoices: []InvoiceChange{ic}, Event: Event{Actor: pay.Actor}, PaymentEvent: pay.EventKey})
	}
	if inv.EnrollmentID == "" {
		return invoiceOnly()
	}
	e, err := s.store.GetEnrollment(ctx, inv.EnrollmentID)
	if err != nil {
		return billing.Invoice{}, err
	}
	var c Change
	switch inv.Kind {
	case billing.Membership:
		c, err = s.transition(e, Pay, pay.Actor, "invoice "+inv.ID+" paid ("+pay.Reference+")", now)
		if err != nil {
			// Removed or rejected: the payment is still recorded.
			if errors.Is(err, apperr.ErrConflict) {
				return invoiceOnly()
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
		c, err = s.renewalPaid(ctx, e, inv, pay.Actor, now)
		if err != nil {
			if errors.Is(err, apperr.ErrConflict) {
				return invoiceOnly()
			}
			return billing.Invoice{}, err
		}
		c.Invoices = []InvoiceChange{ic}
	default:
		return invoiceOnly()
	}
	prg, err := s.store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return billing.Invoice{}, err
	}
	to := []string{e.Contacts.Billing.Email}
	if to[0] == "" {
		to = partnerAddrs(e)
	}
	c.Messages = append(c.Messages, s.mail(prg, to, e.ID, notify.PaymentReceived{
		ContactName: e.Contacts.Billing.Name, CompanyName: e.Company.Name, ProgramName: prg.Name, InvoiceID: inv.ID,
		Amount: billing.Money(pay.AmountCents), Reference: pay.Reference, Method: pay.Method, PaidOn: now.Format("2 January 2006"),
	}, now, false))
	c.PaymentEvent = pay.EventKey
	if _, err := s.apply(ctx, c); err != nil {
		return billing.Invoice{}, err
	}
	return paid, nil
}

// OnlinePayment is what a payment provider reported about an invoice: a
// payment that succeeded, or one that failed.
type OnlinePayment struct {
	// EventKey names the provider's event ("stripe:evt_…"): each is
	// processed once, however often or concurrently it is delivered.
	EventKey  string
	InvoiceID string
	// Reference is the provider's payment (Stripe's payment intent).
	Reference   string
	AmountCents int64
	Currency    string
	Failed      bool
}

// PaymentOutcome says what an online payment event did.
type PaymentOutcome string

// Outcomes of an online payment event.
const (
	// PaymentRecorded: the invoice is paid now.
	PaymentRecorded PaymentOutcome = "paid"
	// PaymentDuplicate: the event was processed before; nothing changed.
	PaymentDuplicate PaymentOutcome = "duplicate"
	// PaymentNoted: the event is recorded on the invoice's timeline and
	// changed nothing else (already paid, a failure, a wrong amount).
	PaymentNoted PaymentOutcome = "noted"
)

// onlineAttempts bounds the re-reads when the invoice changed between
// reading and writing (a concurrent delivery, an operator's transfer).
const onlineAttempts = 4

// RecordOnlinePayment applies a payment provider's event to its invoice
// once: a payment for an open invoice of the right amount pays it as an
// operator's transfer would (actor StripeActor); an event for an invoice
// already paid, a failure or a wrong amount is recorded on the invoice's
// timeline and changes nothing. The event's key is written in the same
// transaction as its effect, so a replay, a redelivery or a concurrent
// delivery of it finds it done.
func (s *Service) RecordOnlinePayment(ctx context.Context, op OnlinePayment) (PaymentOutcome, error) {
	if !ident.Valid(ident.Invoice, op.InvoiceID) {
		return "", apperr.NotFound("invoice %q not found", op.InvoiceID)
	}
	var err error
	for range onlineAttempts {
		var done bool
		if done, err = s.store.PaymentEventRecorded(ctx, op.EventKey); err != nil {
			return "", err
		} else if done {
			return PaymentDuplicate, nil
		}
		var out PaymentOutcome
		out, err = s.recordOnline(ctx, op)
		if !errors.Is(err, apperr.ErrConflict) {
			return out, err
		}
	}
	return "", err
}

func (s *Service) recordOnline(ctx context.Context, op OnlinePayment) (PaymentOutcome, error) {
	inv, err := s.store.GetInvoice(ctx, op.InvoiceID)
	if err != nil {
		return "", err
	}
	note := ""
	switch {
	case op.Failed && inv.Status == billing.Open:
		note = "online payment " + op.Reference + " failed; the invoice is still open"
	case op.Failed:
		note = "online payment " + op.Reference + " reported failed after the invoice was " + string(inv.Status) + "; nothing changed"
	case inv.Status == billing.Paid && inv.PaymentRef == op.Reference:
		note = "online payment " + op.Reference + " reported again; it is recorded already"
	case inv.Status == billing.Paid:
		note = fmt.Sprintf("online payment %s of %s received for an invoice already paid (%s); not counted again, refund it", op.Reference, billing.Money(op.AmountCents), inv.PaymentRef)
	case inv.Status != billing.Open:
		note = fmt.Sprintf("online payment %s of %s received for a %s invoice; not counted, refund it", op.Reference, billing.Money(op.AmountCents), inv.Status)
	case op.AmountCents != inv.TotalCents || op.Currency != inv.Currency:
		note = fmt.Sprintf("online payment %s of %d %s does not match the invoice total %s; not counted", op.Reference, op.AmountCents, op.Currency, billing.Money(inv.TotalCents))
	}
	if note != "" {
		now := s.Now()
		return PaymentNoted, s.store.ApplyEnrollmentChange(ctx, Change{PaymentEvent: op.EventKey, InvoiceNotes: []InvoiceNote{{
			InvoiceID: inv.ID, Version: inv.Version,
			Event: audit.Event{ID: ident.New(ident.Event, now), At: now, Actor: StripeActor, Action: "payment_noted", Reason: note},
		}}})
	}
	_, err = s.recordPayment(ctx, inv, Payment{Reference: op.Reference, AmountCents: op.AmountCents, Actor: StripeActor, Method: "card (online)", EventKey: op.EventKey})
	return PaymentRecorded, err
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
