// Package payment is paying invoices online with Stripe Checkout: a
// Checkout Session for an open invoice (its billed member's admins, or
// anyone holding the invoice mail's signed pay link), and Stripe's events,
// verified and applied once each by enrollment's one payment rule. The
// provider itself is behind Provider (package payment/stripecheckout).
package payment

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/ident"
)

// SessionRequest asks for a Checkout Session paying one invoice by card.
type SessionRequest struct {
	// InvoiceID is the session's client_reference_id: the webhook's
	// events name the invoice by it.
	InvoiceID   string
	Description string
	AmountCents int64
	Currency    string
	SuccessURL  string
	CancelURL   string
	// IdempotencyKey makes a retried create return the same session ("" for
	// a fresh one).
	IdempotencyKey string
}

// Session is a created Checkout Session: where to send the payer.
type Session struct {
	ID  string `json:"sessionId"`
	URL string `json:"url"`
}

// Event types the webhook acts on.
const (
	SessionCompleted      = "checkout.session.completed"
	AsyncPaymentSucceeded = "checkout.session.async_payment_succeeded"
	AsyncPaymentFailed    = "checkout.session.async_payment_failed"
)

// Event is a verified webhook event about a Checkout Session.
type Event struct {
	ID   string
	Type string
	// InvoiceID is the session's client_reference_id ("" when it has none:
	// not a session Tandem made).
	InvoiceID     string
	SessionID     string
	PaymentIntent string
	// PaymentStatus is "paid", "unpaid" (a delayed method still running)
	// or "no_payment_required".
	PaymentStatus string
	AmountTotal   int64
	// Currency is upper case, as invoices spell it.
	Currency string
	// WrongMode: a test-mode event reaching an installation with a live
	// key; it pays nothing.
	WrongMode bool
}

// ErrBadSignature is a webhook whose signature does not verify with the
// configured secret, or that was signed too long ago (a replay).
var ErrBadSignature = errors.New("bad Stripe-Signature")

// Provider is the payment provider: Stripe's API and its webhook
// signatures.
type Provider interface {
	CreateSession(ctx context.Context, r SessionRequest) (Session, error)
	// ReadEvent verifies payload against its Stripe-Signature header and
	// reads it; ErrBadSignature when it does not verify or is stale.
	ReadEvent(payload []byte, signature string) (Event, error)
}

// Invoices is how invoices are read for a signed-in principal.
type Invoices interface {
	Get(ctx context.Context, p auth.Principal, id string) (billing.Invoice, error)
}

// Store is what a pay link reads: the invoice it names.
type Store interface {
	GetInvoice(ctx context.Context, id string) (billing.Invoice, error)
}

// Recorder applies an online payment to its invoice once (enrollment).
type Recorder interface {
	RecordOnlinePayment(ctx context.Context, op enrollment.OnlinePayment) (enrollment.PaymentOutcome, error)
}

// Service takes invoices to Stripe Checkout and applies Stripe's events.
type Service struct {
	store    Store
	Invoices Invoices
	Payments Recorder
	// Provider is Stripe; nil where online payment is not configured.
	Provider Provider
	Links    billing.PayLinks
	// BaseURL is where people reach the pages (Checkout comes back there).
	BaseURL string
	Now     func() time.Time
}

// NewService is the service over st configured as c (its exported fields).
func NewService(st Store, c Service) *Service {
	c.store = st
	return &c
}

// Returns from Checkout, as the query of the page it comes back to.
const (
	ReturnDone      = "done"
	ReturnCancelled = "cancelled"
)

// Checkout creates a Checkout Session for open invoice id, for the billed
// member's admins (others: 404, its non-admins 403; operators record
// transfers instead). The payer comes back to the invoice page. key, the
// caller's Idempotency-Key, makes a retry return the same session.
func (s *Service) Checkout(ctx context.Context, p auth.Principal, id, key string) (Session, error) {
	inv, err := s.Invoices.Get(ctx, p, id)
	if err != nil {
		return Session{}, err
	}
	if p.Operator {
		return Session{}, apperr.Forbidden("paying online is for the billed member's admins; operators record bank transfers")
	}
	back := s.BaseURL + "/invoices/" + inv.ID + "?payment="
	idem := ""
	if key != "" {
		idem = "tandem-checkout-" + inv.ID + "-" + p.UserID + "-" + key
	}
	return s.session(ctx, inv, back+ReturnDone, back+ReturnCancelled, idem)
}

// LinkInvoice is the invoice a pay link names (see billing.PayLinks).
func (s *Service) LinkInvoice(ctx context.Context, token string) (billing.Invoice, error) {
	id, err := s.Links.Verify(token, s.Now())
	if err != nil {
		return billing.Invoice{}, err
	}
	inv, err := s.store.GetInvoice(ctx, id)
	if errors.Is(err, apperr.ErrNotFound) {
		return billing.Invoice{}, apperr.NotFound("this payment link is not valid; use the link in the latest invoice mail")
	}
	return inv, err
}

// LinkCheckout creates a fresh Checkout Session for the open invoice a pay
// link names; the payer comes back to the link's page.
func (s *Service) LinkCheckout(ctx context.Context, token string) (billing.Invoice, Session, error) {
	inv, err := s.LinkInvoice(ctx, token)
	if err != nil {
		return billing.Invoice{}, Session{}, err
	}
	back := s.BaseURL + "/pay/" + token + "?payment="
	sess, err := s.session(ctx, inv, back+ReturnDone, back+ReturnCancelled, "")
	return inv, sess, err
}

func (s *Service) session(ctx context.Context, inv billing.Invoice, success, cancel, idem string) (Session, error) {
	if inv.Status != billing.Open {
		return Session{}, &apperr.StateError{Object: "invoice " + inv.ID, Action: "pay", Current: string(inv.Status)}
	}
	if s.Provider == nil {
		return Session{}, apperr.Unavailable(errors.New("payment: no provider configured"), "paying online is not set up here; pay by bank transfer, quoting %s", inv.ID)
	}
	desc := "Invoice " + inv.ID
	if len(inv.Lines) > 0 {
		desc = inv.Lines[0].Description + " (invoice " + inv.ID + ")"
	}
	sess, err := s.Provider.CreateSession(ctx, SessionRequest{
		InvoiceID: inv.ID, Description: desc, AmountCents: inv.TotalCents, Currency: inv.Currency,
		SuccessURL: success, CancelURL: cancel, IdempotencyKey: idem,
	})
	if err != nil {
		return Session{}, apperr.Unavailable(err, "the payment provider did not answer; try again in a minute, or pay by bank transfer quoting %s", inv.ID)
	}
	return sess, nil
}

// Outcome is what a webhook event did.
type Outcome string

// Outcomes besides enrollment's (paid, duplicate, noted).
const (
	// Ignored: an event Tandem does not act on (another type, a session
	// still waiting for a delayed payment, not an invoice of Tandem's).
	Ignored Outcome = "ignored"
)

// HandleEvent verifies a Stripe webhook and applies it: a completed (and
// paid) session or a delayed payment that succeeded pays its invoice; a
// delayed payment that failed is noted on it. Each event is applied once,
// however often it comes; a bad or stale signature is refused with
// nothing written (malformed).
func (s *Service) HandleEvent(ctx context.Context, payload []byte, signature string) (Outcome, error) {
	if s.Provider == nil {
		return "", apperr.Unavailable(errors.New("payment: no provider configured"), "online payment is not set up here")
	}
	ev, err := s.Provider.ReadEvent(payload, signature)
	if errors.Is(err, ErrBadSignature) {
		return "", apperr.Malformed("the Stripe-Signature header does not verify with the webhook secret, or is older than 5 minutes; nothing was recorded")
	} else if err != nil {
		return "", apperr.Malformed("the event does not read as a Stripe event: %v", err)
	}
	op := enrollment.OnlinePayment{
		EventKey: "stripe:" + ev.ID, InvoiceID: ev.InvoiceID, Reference: ev.PaymentIntent,
		AmountCents: ev.AmountTotal, Currency: strings.ToUpper(ev.Currency),
	}
	if op.Reference == "" {
		op.Reference = ev.SessionID
	}
	if ev.WrongMode {
		return Ignored, nil
	}
	switch ev.Type {
	case SessionCompleted:
		if ev.PaymentStatus != "paid" {
			return Ignored, nil // a delayed method: its async_payment_* event follows
		}
	case AsyncPaymentSucceeded:
	case AsyncPaymentFailed:
		op.Failed = true
	default:
		return Ignored, nil
	}
	if ev.ID == "" || !ident.Valid(ident.Invoice, ev.InvoiceID) {
		return Ignored, nil
	}
	out, err := s.Payments.RecordOnlinePayment(ctx, op)
	if errors.Is(err, apperr.ErrNotFound) {
		// Not an invoice of this installation (another one shares the
		// Stripe account): acknowledged, so Stripe stops retrying.
		return Ignored, nil
	}
	return Outcome(out), err
}
