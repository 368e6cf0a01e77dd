package httpapptest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/tandemhq/tandem/shared/payment"
	"github.com/tandemhq/tandem/shared/payment/stripecheckout"
)

// StripeSecret is the webhook secret of an Env's Stripe.
const StripeSecret = "whsec_httpapptest"

// Stripe is an Env's Stripe: Checkout Sessions are made up in process
// (their pages on checkout.stripe.test), webhook events are verified by
// the real adapter with StripeSecret.
type Stripe struct {
	mu sync.Mutex
	// Requests are the sessions asked for, in order.
	Requests []payment.SessionRequest
	byKey    map[string]payment.Session
	verify   *stripecheckout.Provider
}

func newStripe() *Stripe {
	return &Stripe{byKey: map[string]payment.Session{}, verify: stripecheckout.New(stripecheckout.Config{APIKey: "sk_test_unused", WebhookSecret: StripeSecret})}
}

// CreateSession implements payment.Provider; a repeated idempotency key
// returns the session it made, as Stripe does.
func (s *Stripe) CreateSession(_ context.Context, r payment.SessionRequest) (payment.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess, ok := s.byKey[r.IdempotencyKey]; ok && r.IdempotencyKey != "" {
		return sess, nil
	}
	s.Requests = append(s.Requests, r)
	id := fmt.Sprintf("cs_test_%d", len(s.Requests))
	sess := payment.Session{ID: id, URL: "https://checkout.stripe.test/c/pay/" + id}
	if r.IdempotencyKey != "" {
		s.byKey[r.IdempotencyKey] = sess
	}
	return sess, nil
}

// ReadEvent implements payment.Provider with the real verification.
func (s *Stripe) ReadEvent(payload []byte, signature string) (payment.Event, error) {
	return s.verify.ReadEvent(payload, signature)
}

// StripeEvent is the JSON of a Stripe event of type typ about a Checkout
// Session paying invoice: paymentStatus "paid" or "unpaid", amount in
// cents of USD.
func StripeEvent(id, typ, invoice, paymentIntent, paymentStatus string, amount int64) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": id, "object": "event", "type": typ, "api_version": stripe.APIVersion, "created": time.Now().Unix(),
		"data": map[string]any{"object": map[string]any{
			"id": "cs_test_" + strings.TrimPrefix(id, "evt_"), "object": "checkout.session", "client_reference_id": invoice,
			"payment_intent": paymentIntent, "payment_status": paymentStatus, "amount_total": amount, "currency": "usd", "mode": "payment",
		}},
	})
	return b
}

// SignStripe is the Stripe-Signature of payload signed at t with secret.
func SignStripe(payload []byte, secret string, t time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: t}).Header
}

// StripeHook posts a Stripe event to the webhook, signed with StripeSecret
// now (wall clock: Stripe's tolerance is checked against it).
func (e *Env) StripeHook(payload []byte) *Response {
	e.T.Helper()
	return e.Serve(Request{Method: "POST", Path: "/v1/hooks/stripe", Body: payload,
		Headers: map[string]string{"content-type": "application/json; charset=utf-8", "stripe-signature": SignStripe(payload, StripeSecret, time.Now())}})
}
