// Package stripecheckout is payment.Provider on Stripe
// (github.com/stripe/stripe-go/v82): Checkout Sessions through Stripe's API
// (api.stripe.com deployed; the local stand-in in make run and tests), and
// webhook events verified with webhook.ConstructEvent.
package stripecheckout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/tandemhq/tandem/shared/payment"
)

// Config is a Stripe account as Tandem uses it.
type Config struct {
	// APIKey is the secret key (sk_live_… or sk_test_…).
	APIKey string
	// WebhookSecret verifies the webhook's Stripe-Signature (whsec_…).
	WebhookSecret string
	// APIBase points the client at another API (the local stand-in);
	// "" is api.stripe.com.
	APIBase string
}

// Provider is Stripe.
type Provider struct {
	// api and key call Stripe's API directly: stripe.Client would link
	// every service of the API into the function, a megabyte of zip for
	// the one call made here.
	api    stripe.Backend
	key    string
	secret string
	// live: the key is a live one, so only live-mode events pay invoices
	// (a test-mode event, from a card number anyone knows, never does).
	live bool
}

var _ payment.Provider = (*Provider)(nil)

// New is Stripe for c: one client, built once per process.
func New(c Config) *Provider {
	cfg := &stripe.BackendConfig{
		HTTPClient:        &http.Client{Timeout: 8 * time.Second},
		MaxNetworkRetries: stripe.Int64(1),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelError},
	}
	if c.APIBase != "" {
		cfg.URL = stripe.String(strings.TrimRight(c.APIBase, "/"))
	}
	return &Provider{api: stripe.GetBackendWithConfig(stripe.APIBackend, cfg), key: c.APIKey, secret: c.WebhookSecret,
		live: strings.HasPrefix(c.APIKey, "sk_live_") || strings.HasPrefix(c.APIKey, "rk_live_")}
}

// CreateSession creates a Checkout Session paying r's invoice by card.
func (p *Provider) CreateSession(ctx context.Context, r payment.SessionRequest) (payment.Session, error) {
	params := &stripe.CheckoutSessionCreateParams{
		Mode:               stripe.String(string(stripe.CheckoutSessionModePayment)),
		PaymentMethodTypes: stripe.StringSlice([]string{"card"}),
		ClientReferenceID:  stripe.String(r.InvoiceID),
		SuccessURL:         stripe.String(r.SuccessURL),
		CancelURL:          stripe.String(r.CancelURL),
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(strings.ToLower(r.Currency)),
				UnitAmount:  stripe.Int64(r.AmountCents),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(r.Description)},
			},
		}},
		PaymentIntentData: &stripe.CheckoutSessionCreatePaymentIntentDataParams{
			Description: stripe.String(r.Description),
			Metadata:    map[string]string{"invoice_id": r.InvoiceID},
		},
		Metadata: map[string]string{"invoice_id": r.InvoiceID},
	}
	params.Context = ctx
	if r.IdempotencyKey != "" {
		params.SetIdempotencyKey(r.IdempotencyKey)
	}
	s := &stripe.CheckoutSession{}
	if err := p.api.Call(http.MethodPost, "/v1/checkout/sessions", p.key, params, s); err != nil {
		return payment.Session{}, fmt.Errorf("create checkout session for %s: %w", r.InvoiceID, err)
	}
	return payment.Session{ID: s.ID, URL: s.URL}, nil
}

// ReadEvent verifies payload's Stripe-Signature with the webhook secret
// (and its age, at most webhook.DefaultTolerance) and reads the session
// in it.
func (p *Provider) ReadEvent(payload []byte, signature string) (payment.Event, error) {
	if p.secret == "" {
		return payment.Event{}, fmt.Errorf("%w: no webhook secret configured", payment.ErrBadSignature)
	}
	// The endpoint's API version may differ from the library's (an
	// account's default, an upgrade in Stripe's dashboard): only fields
	// stable across versions are read, so a mismatch is no reason to
	// refuse a payment that was made.
	ev, err := webhook.ConstructEventWithOptions(payload, signature, p.secret, webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil {
		return payment.Event{}, fmt.Errorf("%w: %v", payment.ErrBadSignature, err)
	}
	out := payment.Event{ID: ev.ID, Type: string(ev.Type), WrongMode: p.live && !ev.Livemode}
	if ev.Data == nil || !strings.HasPrefix(out.Type, "checkout.session.") {
		return out, nil
	}
	var s stripe.CheckoutSession
	if err := json.Unmarshal(ev.Data.Raw, &s); err != nil {
		return payment.Event{}, errors.New("stripe event " + ev.ID + ": the session does not read: " + err.Error())
	}
	out.InvoiceID, out.SessionID, out.PaymentStatus = s.ClientReferenceID, s.ID, string(s.PaymentStatus)
	out.AmountTotal, out.Currency = s.AmountTotal, strings.ToUpper(string(s.Currency))
	if s.PaymentIntent != nil {
		out.PaymentIntent = s.PaymentIntent.ID
	}
	return out, nil
}
