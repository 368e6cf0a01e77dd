package httpapp_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"
	"github.com/tandemhq/tandem/shared/jobs"
	"github.com/tandemhq/tandem/shared/notify"
)

// renewalInvoice advances the World to 30 days before the partner's
// renewal date and runs the renewals, which issue the renewal invoice.
func renewalInvoice(w *httpapptest.World) map[string]string {
	w.Advance(340 * 24 * time.Hour)
	r := &jobs.Renewals{Due: w.Store.DueRenewals, Enrollments: w.Services.Enrollments}
	if _, err := r.Run(context.Background(), w.Now()); err != nil {
		w.T.Fatal(err)
	}
	for _, it := range w.Do("GET", "/v1/invoices?memberId="+w.Partner.ID, w.Operator, nil).Expect(200, "the partner's invoices").Items() {
		inv := it.(map[string]any)
		if inv["kind"] == "renewal" && inv["status"] == "open" {
			return map[string]string{"invoice": inv["id"].(string)}
		}
	}
	w.T.Fatal("the renewals issued no renewal invoice")
	return nil
}

// payLink is the pay link of an open renewal invoice's mail.
func payLink(w *httpapptest.World) map[string]string {
	vals := renewalInvoice(w)
	vals["token"] = httpapptest.Token(w.LastLink("billing@"+w.Partner.Domain, "/pay/"))
	return vals
}

// awaitingPayment takes a new partner of the World's member-paid program
// to awaiting_payment and returns its enrollment and membership invoice.
func awaitingPayment(t *testing.T, w *httpapptest.World, company string) (httpapptest.Partner, string) {
	t.Helper()
	p := w.SignUp(w.Host, company)
	w.Approve(w.Host, p)
	ack := w.LastLink("support@"+p.Domain, "/v/")
	if st := w.Do("POST", "/v1/validations/"+httpapptest.Token(ack)+"/acknowledge", "", nil).Expect(200, "acknowledge").Str("status"); st != "awaiting_payment" {
		t.Fatalf("after the test case: got %s, want awaiting_payment", st)
	}
	inv := w.Do("GET", "/v1/enrollments/"+p.EnrollmentID, w.Host.Admin.Token, nil).Expect(200, "enrollment").Str("membershipInvoiceId")
	return p, inv
}

func invoiceOf(w *httpapptest.World, id string) map[string]any {
	return w.Do("GET", "/v1/invoices/"+id, w.Operator, nil).Expect(200, "the invoice").JSON()
}

func receipts(w *httpapptest.World, to string) int {
	n := 0
	for _, m := range w.Mails(to) {
		if _, ok := m.Data.(notify.PaymentReceived); ok {
			n++
		}
	}
	return n
}

// POST /v1/invoices/{id}/checkout: a Checkout Session of the invoice's
// amount for the billed member's admins, once per Idempotency-Key; 409 for
// an invoice not open, 404 for another member's.
func TestCheckoutSession(t *testing.T) {
	w, _ := newWorld(t)
	inv := renewalInvoice(w)["invoice"]
	path := "/v1/invoices/" + inv + "/checkout"
	res := w.Do("POST", path, w.Partner.Admin.Token, nil, "Idempotency-Key", "k1").Expect(201, "checkout")
	if !strings.HasPrefix(res.Str("url"), "https://checkout.stripe.test/") || res.Str("sessionId") == "" {
		t.Fatalf("the session: got %s", res.Body)
	}
	req := w.Stripe.Requests[len(w.Stripe.Requests)-1]
	if req.InvoiceID != inv || req.AmountCents != 50000 || req.Currency != "USD" || req.SuccessURL != httpapptest.BaseURL+"/invoices/"+inv+"?payment=done" ||
		req.CancelURL != httpapptest.BaseURL+"/invoices/"+inv+"?payment=cancelled" {
		t.Errorf("the session asked for: got %+v", req)
	}
	again := w.Do("POST", path, w.Partner.Admin.Token, nil, "Idempotency-Key", "k1").Expect(201, "the same key again")
	if again.Str("sessionId") != res.Str("sessionId") {
		t.Errorf("the same Idempotency-Key: got session %s, want %s", again.Str("sessionId"), res.Str("sessionId"))
	}
	if n := len(w.Stripe.Requests); n != 1 {
		t.Errorf("sessions created for one key: got %d, want 1", n)
	}
	for _, tc := range []struct {
		who, token string
		want       int
	}{
		{"the partner's engineer", w.Partner.Engineer.Token, 403},
		{"the host's admin", w.Host.Admin.Token, 404},
		{"an unrelated member's admin", w.Unrelated.Admin.Token, 404},
		{"an operator", w.Operator, 403},
	} {
		if got := w.Do("POST", path, tc.token, nil); got.Status != tc.want {
			t.Errorf("%s: got %d %s, want %d", tc.who, got.Status, got.Body, tc.want)
		}
	}
	w.Do("POST", "/v1/invoices/"+w.Partner.Invoice+"/checkout", w.Partner.Admin.Token, nil).Expect(409, "a paid invoice")
	w.Do("POST", "/v1/invoices/inv_01JZZZZZZZZZZZZZZZZZZZZZZZ/checkout", w.Partner.Admin.Token, nil).Expect(404, "an unknown invoice")
}

// The webhook: a bad, missing or stale signature is 400 and writes
// nothing; a completed session pays the invoice and moves the enrollment
// on once, however often the event comes; later events about a paid
// invoice are noted, never counted.
func TestStripeWebhook(t *testing.T) {
	w, _ := newWorld(t)
	p, inv := awaitingPayment(t, w, "Paying Co")
	billingAddr := "billing@" + p.Domain
	completed := httpapptest.StripeEvent("evt_paid1", "checkout.session.completed", inv, "pi_1", "paid", 50000)
	post := func(body []byte, sig string) *httpapptest.Response {
		return w.Serve(httpapptest.Request{Method: "POST", Path: "/v1/hooks/stripe", Body: body,
			Headers: map[string]string{"content-type": "application/json", "stripe-signature": sig}})
	}
	for _, tc := range []struct {
		name, sig string
	}{
		{"unsigned", ""},
		{"signed with another secret", httpapptest.SignStripe(completed, "whsec_other", time.Now())},
		{"signed ten minutes ago (a replay)", httpapptest.SignStripe(completed, httpapptest.StripeSecret, time.Now().Add(-10*time.Minute))},
		{"signed for another body", httpapptest.SignStripe([]byte(`{"id":"evt_x"}`), httpapptest.StripeSecret, time.Now())},
	} {
		res := post(completed, tc.sig)
		if res.Status != 400 {
			t.Errorf("%s: got %d %s, want 400", tc.name, res.Status, res.Body)
		}
	}
	if got := invoiceOf(w, inv)["status"]; got != "open" {
		t.Fatalf("after refused deliveries the invoice is %v, want open", got)
	}
	if done, _ := w.Store.PaymentEventRecorded(context.Background(), "stripe:evt_paid1"); done {
		t.Fatal("a refused delivery recorded the event")
	}

	// A session still waiting for a delayed payment changes nothing.
	w.StripeHook(httpapptest.StripeEvent("evt_wait", "checkout.session.completed", inv, "pi_1", "unpaid", 50000)).Expect(200, "a delayed payment")
	if got := invoiceOf(w, inv)["status"]; got != "open" {
		t.Fatalf("after an unpaid completion the invoice is %v, want open", got)
	}

	if out := w.StripeHook(completed).Expect(200, "completed").Str("outcome"); out != "paid" {
		t.Errorf("completed: got outcome %s, want paid", out)
	}
	paid := invoiceOf(w, inv)
	if paid["status"] != "paid" || paid["paymentReference"] != "pi_1" || paid["paidCents"] != float64(50000) {
		t.Fatalf("the invoice after the event: got %v", paid)
	}
	if st := w.Do("GET", "/v1/enrollments/"+p.EnrollmentID, w.Host.Admin.Token, nil).Str("status"); st != "active" {
		t.Errorf("the enrollment after paying online: got %s, want active", st)
	}
	for _, tc := range []struct {
		name, outcome string
		event         []byte
	}{
		{"the same event again", "duplicate", completed},
		{"a failure reported after the payment", "noted", httpapptest.StripeEvent("evt_fail1", "checkout.session.async_payment_failed", inv, "pi_1", "unpaid", 50000)},
		{"the same payment succeeding again", "noted", httpapptest.StripeEvent("evt_ok2", "checkout.session.async_payment_succeeded", inv, "pi_1", "paid", 50000)},
		{"an event of another type", "ignored", httpapptest.StripeEvent("evt_other", "checkout.session.expired", inv, "", "unpaid", 50000)},
		{"a session of no invoice of ours", "ignored", httpapptest.StripeEvent("evt_foreign", "checkout.session.completed", "inv_01JZZZZZZZZZZZZZZZZZZZZZZZ", "pi_9", "paid", 50000)},
	} {
		if out := w.StripeHook(tc.event).Expect(200, tc.name).Str("outcome"); out != tc.outcome {
			t.Errorf("%s: got outcome %s, want %s", tc.name, out, tc.outcome)
		}
	}
	after := invoiceOf(w, inv)
	if after["version"] != paid["version"] || after["status"] != "paid" {
		t.Errorf("later events changed the invoice: got %v, want %v", after, paid)
	}
	if n := receipts(w, billingAddr); n != 1 {
		t.Errorf("receipts: got %d, want 1", n)
	}
	evs := w.Do("GET", "/v1/invoices/"+inv+"/events", w.Operator, nil).Expect(200, "timeline").Items()
	var notes []string
	for _, e := range evs {
		ev := e.(map[string]any)
		if ev["action"] == "payment_noted" {
			notes = append(notes, ev["reason"].(string))
			if ev["actor"] != "Stripe (checkout)" {
				t.Errorf("a note's actor: got %v", ev["actor"])
			}
		}
	}
	// Entries at one version sort by id, not by time: look for each.
	joined := strings.Join(notes, " | ")
	if len(notes) != 2 || !strings.Contains(joined, "failed after the invoice was paid") || !strings.Contains(joined, "recorded already") {
		t.Errorf("the invoice's notes: got %q", notes)
	}
}

// A payment for an invoice the operator already recorded as a bank
// transfer is recorded on the invoice, not counted; a lapsed renewal paid
// online is active again.
func TestStripePaymentAfterTransferAndLapsedRenewal(t *testing.T) {
	w, _ := newWorld(t)
	p, inv := awaitingPayment(t, w, "Twice Paid Co")
	w.Do("POST", "/v1/invoices/"+inv+"/payments", w.Operator, map[string]any{"reference": "BANK-7", "amountCents": 50000}).Expect(200, "transfer")
	out := w.StripeHook(httpapptest.StripeEvent("evt_late", "checkout.session.completed", inv, "pi_late", "paid", 50000)).Expect(200, "late card payment").Str("outcome")
	got := invoiceOf(w, inv)
	if out != "noted" || got["paymentReference"] != "BANK-7" || got["paidCents"] != float64(50000) {
		t.Errorf("a card payment after the transfer: got %s, invoice %v", out, got)
	}
	var note string
	for _, e := range w.Do("GET", "/v1/invoices/"+inv+"/events", w.Operator, nil).Expect(200, "timeline").Items() {
		if ev := e.(map[string]any); ev["action"] == "payment_noted" {
			note = ev["reason"].(string)
		}
	}
	if !strings.Contains(note, "pi_late") || !strings.Contains(note, "already paid (BANK-7)") || !strings.Contains(note, "refund") {
		t.Errorf("the invoice's note of the card payment: got %q", note)
	}
	if n := receipts(w, "billing@"+p.Domain); n != 1 {
		t.Errorf("receipts: got %d, want 1 (the transfer's)", n)
	}

	// The World's partner: its renewal unpaid on the renewal date lapses;
	// paying it online restores it.
	ren := renewalInvoice(w)["invoice"]
	w.Advance(31 * 24 * time.Hour)
	r := &jobs.Renewals{Due: w.Store.DueRenewals, Enrollments: w.Services.Enrollments}
	if _, err := r.Run(context.Background(), w.Now()); err != nil {
		t.Fatal(err)
	}
	if st := w.Do("GET", "/v1/enrollments/"+w.Partner.EnrollmentID, w.Host.Admin.Token, nil).Str("status"); st != "lapsed" {
		t.Fatalf("after the renewal date unpaid: got %s, want lapsed", st)
	}
	w.StripeHook(httpapptest.StripeEvent("evt_renew", "checkout.session.async_payment_succeeded", ren, "pi_renew", "paid", 50000)).Expect(200, "renewal paid")
	if st := w.Do("GET", "/v1/enrollments/"+w.Partner.EnrollmentID, w.Host.Admin.Token, nil).Str("status"); st != "active" {
		t.Errorf("a lapsed renewal paid online: got %s, want active", st)
	}
}

// The invoice mail's pay link: straight to a fresh Checkout Session while
// the invoice is open; pages for the way back, a paid invoice and a bad
// or expired link.
func TestPayLink(t *testing.T) {
	w, _ := newWorld(t)
	vals := payLink(w)
	b := w.Browser()
	link := "/pay/" + vals["token"]
	res := b.Get(link)
	if res.Status != 303 || !strings.HasPrefix(res.Location(), "https://checkout.stripe.test/") {
		t.Fatalf("the pay link: got %d %s", res.Status, res.Location())
	}
	req := w.Stripe.Requests[len(w.Stripe.Requests)-1]
	if req.InvoiceID != vals["invoice"] || req.SuccessURL != httpapptest.BaseURL+link+"?payment=done" {
		t.Errorf("the session asked for: got %+v", req)
	}
	for _, tc := range []struct {
		name, path string
		status     int
		see        string
	}{
		{"back from Checkout", link + "?payment=done", 200, "Stripe is confirming your payment"},
		{"cancelled", link + "?payment=cancelled", 200, "Nothing was charged"},
		{"a tampered link", link + "x", 404, "not valid"},
		{"no token at all", "/pay/nonsense", 404, "not valid"},
	} {
		page := b.Get(tc.path)
		if page.Status != tc.status || !strings.Contains(page.Text(), tc.see) {
			t.Errorf("%s: got %d %.300s, want %d with %q", tc.name, page.Status, page.Text(), tc.status, tc.see)
		}
	}
	w.StripeHook(httpapptest.StripeEvent("evt_link", "checkout.session.completed", vals["invoice"], "pi_link", "paid", 50000)).Expect(200, "paid")
	if page := b.Get(link); page.Status != 200 || !strings.Contains(page.Text(), "is paid") {
		t.Errorf("the link of a paid invoice: got %d %.300s", page.Status, page.Text())
	}
	w.Advance(400 * 24 * time.Hour)
	if page := b.Get(link); page.Status != 404 || !strings.Contains(page.Text(), "expired") {
		t.Errorf("an expired link: got %d %.300s", page.Status, page.Text())
	}
}

// The invoice page: "Pay now" for the partner's admin goes to Checkout;
// the operator's transfer form refuses a wrong amount beside the field
// and records the right one.
func TestInvoicePagePayments(t *testing.T) {
	w, bs := newWorld(t)
	inv := renewalInvoice(w)["invoice"]
	page := bs.of(partnerAdmin).Get("/invoices/" + inv)
	f := page.Form("/invoices/" + inv + "/checkout")
	if f == nil {
		t.Fatalf("the partner admin's invoice page offers no Pay now: %v", formActions(page))
	}
	if res := bs.of(partnerAdmin).Submit(f, nil); res.Status != 303 || !strings.HasPrefix(res.Location(), "https://checkout.stripe.test/") {
		t.Fatalf("Pay now: got %d %s", res.Status, res.Location())
	}
	if back := bs.of(partnerAdmin).Get("/invoices/" + inv + "?payment=cancelled"); !strings.Contains(back.Text(), "nothing was charged") {
		t.Errorf("back from a cancelled Checkout: %.300s", back.Text())
	}
	if bs.of(partnerAdmin).Get("/invoices/"+inv).Form("/invoices/"+inv+"/payments") != nil {
		t.Error("the partner admin is offered the operators' transfer form")
	}
	op := bs.of(operator).Get("/invoices/" + inv)
	if op.Form("/invoices/"+inv+"/checkout") != nil {
		t.Error("the operator is offered Pay now")
	}
	tf := op.Form("/invoices/" + inv + "/payments")
	if tf == nil {
		t.Fatalf("the operator's invoice page offers no transfer form: %v", formActions(op))
	}
	bad := bs.of(operator).Submit(tf, url.Values{"reference": {"BANK-9"}, "amountCents": {"500.00"}})
	if bad.Status != 422 || !strings.Contains(bad.Text(), "whole number of cents") {
		t.Errorf("a transfer of 500.00: got %d %.400s", bad.Status, bad.Text())
	}
	wrong := bs.of(operator).Submit(tf, url.Values{"reference": {"BANK-9"}, "amountCents": {"40000"}})
	if wrong.Status != 422 || !strings.Contains(wrong.Text(), "must be the invoice total") {
		t.Errorf("a transfer of the wrong amount: got %d %.400s", wrong.Status, wrong.Text())
	}
	ok := bs.of(operator).Submit(tf, url.Values{"reference": {"BANK-9"}})
	if ok.Status != 303 || ok.Location() != "/invoices/"+inv+"?done=recorded" {
		t.Fatalf("the transfer: got %d %s %.300s", ok.Status, ok.Location(), ok.Text())
	}
	if got := invoiceOf(w, inv); got["status"] != "paid" || got["paymentReference"] != "BANK-9" {
		t.Errorf("the invoice after the transfer form: got %v", got)
	}
	again := bs.of(operator).Submit(tf, url.Values{"reference": {"BANK-9"}})
	if again.Status != 409 || !strings.Contains(again.Text(), "changed while you were looking") {
		t.Errorf("the transfer form again: got %d %.300s", again.Status, again.Text())
	}
}

// Where no Stripe account is configured, paying online says so and points
// to bank transfer: 503 from the API and on the invoice page, and the
// webhook writes nothing.
func TestOnlinePaymentNotSetUp(t *testing.T) {
	w := httpapptest.NewWorld(httpapptest.New(t, func(c *app.Config) { c.Payments = nil }))
	inv := renewalInvoice(w)["invoice"]
	res := w.Do("POST", "/v1/invoices/"+inv+"/checkout", w.Partner.Admin.Token, nil).Expect(503, "checkout without Stripe")
	if !strings.Contains(res.ErrorMessage(), "bank transfer") {
		t.Errorf("checkout without Stripe: %s", res.Body)
	}
	page := w.SignedIn(w.Partner.ID, w.Partner.Admin.UserID).Post("/invoices/"+inv+"/checkout", nil)
	if page.Status != 503 || !strings.Contains(page.Text(), "bank transfer") {
		t.Errorf("Pay now without Stripe: %d %.300s", page.Status, page.Text())
	}
	w.StripeHook(httpapptest.StripeEvent("evt_nostripe", "checkout.session.completed", inv, "pi_1", "paid", 50000)).Expect(503, "the webhook without Stripe")
	if got := invoiceOf(w, inv)["status"]; got != "open" {
		t.Errorf("the invoice: got %v, want open", got)
	}
}
