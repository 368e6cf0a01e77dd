package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// awaitingPayment signs company up to a new member-paid program and takes
// it to awaiting_payment; it returns the partner, the host's admin token and
// the membership invoice.
func awaitingPayment(t *testing.T, e *localtest.Env, company string) (e2etest.Partner, string, string) {
	t.Helper()
	if e.Checkout == nil {
		t.Fatal("no local Stripe: run the e2e tests under scripts/stack, which sets TANDEM_TEST_STRIPE")
	}
	h := e2etest.NewHost(t, e, "Paid "+company, nil)
	p := e2etest.SignUp(t, e, h, company)
	e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/approve", h.Admin, map[string]any{"version": 1}), 200, "approve")
	ack := e2etest.LinkIn(t, e.Mail("support@"+p.Domain, "[Test case]"), "/v/")
	if st := e2etest.Expect(t, e.Do("POST", "/v1/validations/"+ack[strings.LastIndex(ack, "/")+1:]+"/acknowledge", "", nil), 200, "acknowledge").Str("status"); st != "awaiting_payment" {
		t.Fatalf("after the test case: %s, want awaiting_payment", st)
	}
	return p, h.Admin, e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin, nil).Str("membershipInvoiceId")
}

// stripeEvent is a checkout.session.completed for invoice, paid by card.
func stripeEvent(id, invoice string) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": id, "object": "event", "type": "checkout.session.completed", "api_version": stripe.APIVersion, "created": time.Now().Unix(),
		"data": map[string]any{"object": map[string]any{"id": "cs_test_" + id, "object": "checkout.session", "client_reference_id": invoice,
			"payment_intent": "pi_" + id, "payment_status": "paid", "amount_total": 50000, "currency": "usd"}},
	})
	return b
}

func signStripe(payload []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at}).Header
}

var noRedirect = &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// The invoice mail's "Pay now" through the local checkout, as a person
// clicks it: the pay link 303s to the checkout page, whose Pay posts
// Stripe's signed event to the webhook and returns to the link's page; the
// invoice is paid, the partner live, the receipt mailed.
func TestPayingOnlineThroughTheLocalCheckout(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	p, host, inv := awaitingPayment(t, e, "Card Payer")
	link := e2etest.LinkIn(t, e.Mail("billing@"+p.Domain, "Invoice "+inv), "/pay/")
	res, err := noRedirect.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	checkout := res.Header.Get("Location")
	if res.StatusCode != 303 || !strings.HasPrefix(checkout, e.Checkout.URL+"/checkout/cs_test_") {
		t.Fatalf("the pay link: got %d to %q, want 303 to the local checkout", res.StatusCode, checkout)
	}
	page := e2etest.Page(t, "GET", checkout, nil)
	if page.Status != 200 || !strings.Contains(page.Body, "USD 500.00") || !strings.Contains(page.Body, inv) {
		t.Fatalf("the checkout page: %d %.600s", page.Status, page.Body)
	}
	res, err = noRedirect.Post(checkout+"/pay", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if back := res.Header.Get("Location"); res.StatusCode != 303 || back != link+"?payment=done" {
		t.Fatalf("Pay: got %d to %q, want 303 to %s?payment=done", res.StatusCode, back, link)
	}
	got := e2etest.Expect(t, e.Do("GET", "/v1/invoices/"+inv, e.Operator, nil), 200, "the invoice")
	if got.Str("status") != "paid" || !strings.HasPrefix(got.Str("paymentReference"), "pi_local_") {
		t.Fatalf("the invoice after paying: %s", got.Body)
	}
	if st := status(t, e, host, p.EnrollmentID); st != "active" {
		t.Errorf("the enrollment after paying online: %s, want active", st)
	}
	if back := e2etest.Page(t, "GET", link+"?payment=done", nil); back.Status != 200 || !strings.Contains(back.Body, "is paid") {
		t.Errorf("back from the checkout: %d %.400s", back.Status, back.Body)
	}
	receipt := e.Mail("billing@"+p.Domain, "Receipt for invoice "+inv)
	if !strings.Contains(receipt.Body.Text, "USD 500.00") || !strings.Contains(receipt.Body.Text, got.Str("paymentReference")) {
		t.Errorf("the receipt: %s", receipt.Body.Text)
	}
	e.Mail(p.Email, "You are live")
	// Pressing Pay again (a double click, the back button) pays nothing twice.
	if res, err := noRedirect.Post(checkout+"/pay", "application/x-www-form-urlencoded", nil); err != nil || res.StatusCode != 303 {
		t.Fatalf("Pay again: %v %v", res, err)
	}
	if again := e.Do("GET", "/v1/invoices/"+inv, e.Operator, nil); again.Str("updatedAt") != got.Str("updatedAt") {
		t.Errorf("Pay again changed the invoice: %s", again.Body)
	}
}

// The webhook over the wire, on DynamoDB Local: a bad or stale signature
// is 400 and writes nothing; ten concurrent deliveries of one event pay
// once, send one receipt and take the partner live once.
func TestStripeWebhookConcurrentDeliveries(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	p, host, inv := awaitingPayment(t, e, "Concurrent Payer")
	ev := stripeEvent("evt_concurrent1", inv)
	post := func(sig string) localtest.Response {
		return e.Do("POST", "/v1/hooks/stripe", "", ev, "Stripe-Signature", sig)
	}
	for _, tc := range []struct{ name, sig string }{
		{"no signature", ""},
		{"another secret", signStripe(ev, "whsec_wrong", time.Now())},
		{"signed six minutes ago", signStripe(ev, e.StripeSecret, time.Now().Add(-6*time.Minute))},
	} {
		e2etest.Expect(t, post(tc.sig), 400, tc.name)
	}
	if got := e.Do("GET", "/v1/invoices/"+inv, e.Operator, nil); got.Str("status") != "open" {
		t.Fatalf("refused deliveries changed the invoice: %s", got.Body)
	}

	const n = 10
	outcomes := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := post(signStripe(ev, e.StripeSecret, time.Now()))
			outcomes[i] = fmt.Sprintf("%d %s", res.Status, res.Str("outcome"))
		}()
	}
	wg.Wait()
	paid := 0
	for _, o := range outcomes {
		switch o {
		case "200 paid":
			paid++
		case "200 duplicate":
		default:
			t.Errorf("a delivery answered %q; want 200 paid once and 200 duplicate otherwise", o)
		}
	}
	if paid != 1 {
		t.Errorf("deliveries that paid: got %d of %v, want 1", paid, outcomes)
	}
	got := e2etest.Expect(t, e.Do("GET", "/v1/invoices/"+inv, e.Operator, nil), 200, "the invoice")
	if got.Str("status") != "paid" || got.Str("paymentReference") != "pi_evt_concurrent1" {
		t.Fatalf("the invoice: %s", got.Body)
	}
	evs := e2etest.Expect(t, e.Do("GET", "/v1/invoices/"+inv+"/events", e.Operator, nil), 200, "the invoice's timeline").JSON()["items"].([]any)
	payments := 0
	for _, x := range evs {
		if x.(map[string]any)["action"] == "paid" {
			payments++
		}
	}
	if payments != 1 {
		t.Errorf("payments on the invoice's timeline: got %d, want 1: %v", payments, evs)
	}
	if st := status(t, e, host, p.EnrollmentID); st != "active" {
		t.Errorf("the enrollment: %s, want active", st)
	}
	e.Mail("billing@"+p.Domain, "Receipt for invoice "+inv)
	e.Mail(p.Email, "You are live")
	e.Flush()
	if r := e2etest.CountMails(t, e, "billing@"+p.Domain, "Receipt for invoice"); r != 1 {
		t.Errorf("receipts: got %d, want 1", r)
	}
	if l := e2etest.CountMails(t, e, p.Email, "You are live"); l != 1 {
		t.Errorf("go-live mails: got %d, want 1", l)
	}
}
