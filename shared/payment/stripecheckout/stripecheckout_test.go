package stripecheckout_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/tandemhq/tandem/shared/payment"
	"github.com/tandemhq/tandem/shared/payment/stripecheckout"
)

const secret = "whsec_unit"

func event(t *testing.T, apiVersion string, livemode bool) ([]byte, string) {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"id": "evt_1", "object": "event", "type": "checkout.session.completed", "api_version": apiVersion,
		"livemode": livemode, "created": time.Now().Unix(),
		"data": map[string]any{"object": map[string]any{
			"id": "cs_1", "object": "checkout.session", "client_reference_id": "inv_1", "payment_intent": "pi_1",
			"payment_status": "paid", "amount_total": 50000, "currency": "usd",
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b, webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: b, Secret: secret, Timestamp: time.Now()}).Header
}

// An endpoint on another API version than the library's (an account's
// older default) still pays: only fields stable across versions are read.
func TestEventsOfAnotherAPIVersionRead(t *testing.T) {
	p := stripecheckout.New(stripecheckout.Config{APIKey: "sk_test_x", WebhookSecret: secret})
	payload, sig := event(t, "2020-08-27", false)
	ev, err := p.ReadEvent(payload, sig)
	if err != nil {
		t.Fatalf("an event of API version 2020-08-27: %v", err)
	}
	if ev.InvoiceID != "inv_1" || ev.PaymentIntent != "pi_1" || ev.AmountTotal != 50000 || ev.Currency != "USD" || ev.WrongMode {
		t.Fatalf("read %+v", ev)
	}
	if _, err := p.ReadEvent(payload, sig+"0"); !errors.Is(err, payment.ErrBadSignature) {
		t.Fatalf("a bad signature: %v, want ErrBadSignature", err)
	}
}

// With a live key, a test-mode event (paid with a card number anyone
// knows) is marked as of the wrong mode; with a test key it is not, and a
// live event with a live key is not.
func TestTestModeEventsDoNotPayALiveInstallation(t *testing.T) {
	for _, c := range []struct {
		key       string
		livemode  bool
		wrongMode bool
	}{
		{"sk_live_x", false, true},
		{"sk_live_x", true, false},
		{"rk_live_x", false, true},
		{"sk_test_x", false, false},
	} {
		p := stripecheckout.New(stripecheckout.Config{APIKey: c.key, WebhookSecret: secret})
		payload, sig := event(t, "2025-08-27.basil", c.livemode)
		ev, err := p.ReadEvent(payload, sig)
		if err != nil {
			t.Fatalf("%s, livemode %v: %v", c.key, c.livemode, err)
		}
		if ev.WrongMode != c.wrongMode {
			t.Errorf("%s, livemode %v: WrongMode %v, want %v", c.key, c.livemode, ev.WrongMode, c.wrongMode)
		}
	}
}
