package localstack

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

// Checkout is the local stand-in for Stripe Checkout, in front of
// stripe-mock: the app creates sessions through it as through Stripe's API
// (every other API call goes on to stripe-mock), it keeps the sessions it
// made in memory, and their url is its own page showing the amount and the
// invoice with a "Pay" button. Pressing it does what Stripe does when a
// card payment succeeds: it posts a signed checkout.session.completed
// event to the app's webhook and sends the browser to the session's
// success_url. Nothing here is deployed.
type Checkout struct {
	// URL is where the checkout itself is reached (its pages' links).
	URL string
	// WebhookURL is the app's POST /v1/hooks/stripe.
	WebhookURL string
	// WebhookSecret signs the events, as the Stripe account's does.
	WebhookSecret string

	mock     *httputil.ReverseProxy
	mockURL  string
	client   *http.Client
	mu       sync.Mutex
	sessions map[string]*localSession
	byKey    map[string][]byte
}

// localSession is a Checkout Session the stand-in made.
type localSession struct {
	ID, InvoiceID, Description, Currency string
	SuccessURL, CancelURL                string
	AmountCents                          int64
	Paid                                 bool
	PaymentIntent                        string
}

// NewCheckout fronts stripe-mock at mockURL.
func NewCheckout(mockURL, webhookURL, webhookSecret string) (*Checkout, error) {
	u, err := url.Parse(mockURL)
	if err != nil {
		return nil, err
	}
	return &Checkout{
		WebhookURL: webhookURL, WebhookSecret: webhookSecret,
		mock: httputil.NewSingleHostReverseProxy(u), mockURL: strings.TrimRight(mockURL, "/"),
		client: &http.Client{Timeout: 30 * time.Second}, sessions: map[string]*localSession{}, byKey: map[string][]byte{},
	}, nil
}

// NewWebhookSecret is a random webhook secret for a local run.
func NewWebhookSecret() string { return "whsec_local_" + randomHex(16) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ServeHTTP serves the API's session creation, the checkout pages, and
// everything else from stripe-mock.
func (c *Checkout) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/checkout/sessions":
		c.createSession(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/checkout/"):
		c.page(w, strings.TrimPrefix(r.URL.Path, "/checkout/"))
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/checkout/") && strings.HasSuffix(r.URL.Path, "/pay"):
		c.pay(w, r, strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/checkout/"), "/pay"))
	default:
		c.mock.ServeHTTP(w, r)
	}
}

// Sessions are the sessions made so far (tests look at them).
func (c *Checkout) Sessions() []localSession {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]localSession, 0, len(c.sessions))
	for _, s := range c.sessions {
		out = append(out, *s)
	}
	return out
}

// createSession asks stripe-mock (which checks the request against
// Stripe's API and answers a fixture), then keeps the session under an id
// of its own and points its url at the local page. A repeated
// Idempotency-Key answers what the first did, as Stripe does.
func (c *Checkout) createSession(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	c.mu.Lock()
	if prev, ok := c.byKey[key]; ok && key != "" {
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(prev)
		return
	}
	c.mu.Unlock()
	req, _ := http.NewRequestWithContext(r.Context(), http.MethodPost, c.mockURL+"/v1/checkout/sessions", bytes.NewReader(body))
	for _, h := range []string{"Authorization", "Content-Type", "Stripe-Version", "User-Agent"} {
		req.Header.Set(h, r.Header.Get(h))
	}
	res, err := c.client.Do(req)
	if err != nil {
		http.Error(w, "stripe-mock: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(res.StatusCode)
		_, _ = w.Write(out)
		return
	}
	form, _ := url.ParseQuery(string(body))
	amount, _ := strconv.ParseInt(form.Get("line_items[0][price_data][unit_amount]"), 10, 64)
	qty, _ := strconv.ParseInt(form.Get("line_items[0][quantity]"), 10, 64)
	s := &localSession{
		ID: "cs_test_local_" + randomHex(12), InvoiceID: form.Get("client_reference_id"),
		Description: form.Get("line_items[0][price_data][product_data][name]"), Currency: form.Get("line_items[0][price_data][currency]"),
		SuccessURL: form.Get("success_url"), CancelURL: form.Get("cancel_url"), AmountCents: amount * max(qty, 1),
	}
	var obj map[string]any
	if err := json.Unmarshal(out, &obj); err != nil {
		http.Error(w, "stripe-mock answered no JSON", http.StatusBadGateway)
		return
	}
	obj["id"], obj["url"], obj["amount_total"], obj["currency"] = s.ID, c.URL+"/checkout/"+s.ID, s.AmountCents, s.Currency
	out, _ = json.Marshal(obj)
	c.mu.Lock()
	c.sessions[s.ID] = s
	if key != "" {
		c.byKey[key] = out
	}
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

func (c *Checkout) session(id string) (localSession, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.sessions[id]
	if !ok {
		return localSession{}, false
	}
	return *s, true
}

var checkoutPage = template.Must(template.New("checkout").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Local checkout — {{.Amount}}</title><link rel="icon" href="data:,">
<style>
body{font:16px/1.5 system-ui,sans-serif;background:#f4f5f8;color:#1b1f2a;margin:0;padding:1rem}
h1{font-size:1.3rem;overflow-wrap:anywhere}
main{max-width:28rem;margin:2rem auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 3px #0002}
.note{background:#fff6d6;border-left:4px solid #d9a400;padding:.6rem .8rem;font-size:.9rem}
.amount{font-size:2rem;font-weight:700;margin:.3rem 0}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dt{color:#555}dd{margin:0;overflow-wrap:anywhere}
button{display:block;width:100%;background:#1f4fd1;color:#fff;border:0;border-radius:8px;padding:.85rem;font:inherit;font-weight:650;cursor:pointer;margin-top:1.2rem}
a{color:#1f4fd1}
</style></head>
<body><main>
<p class="note">Local stand-in for Stripe Checkout (make run and the tests). No card is charged: "Pay" tells Tandem the payment succeeded, the way Stripe's webhook would.</p>
<h1>Pay {{.Description}}</h1>
<p class="amount">{{.Amount}}</p>
<dl><dt>Invoice</dt><dd>{{.InvoiceID}}</dd><dt>Method</dt><dd>Card (test)</dd><dt>Session</dt><dd>{{.ID}}</dd></dl>
{{if .Paid}}<p>This session is paid already.</p><p><a href="{{.SuccessURL}}">Back to Tandem</a></p>
{{else}}<form method="post" action="/checkout/{{.ID}}/pay"><button type="submit">Pay {{.Amount}}</button></form>
<p><a href="{{.CancelURL}}">Cancel and go back</a></p>{{end}}
</main></body></html>`))

// page is the session's checkout page.
func (c *Checkout) page(w http.ResponseWriter, id string) {
	s, ok := c.session(id)
	if !ok {
		http.Error(w, "No such checkout session: it was made by another run of the local checkout, which keeps sessions only in memory. Press Pay now in Tandem again.", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = checkoutPage.Execute(w, map[string]any{
		"ID": s.ID, "InvoiceID": s.InvoiceID, "Description": s.Description, "Paid": s.Paid,
		"Amount":     fmt.Sprintf("%s %d.%02d", strings.ToUpper(s.Currency), s.AmountCents/100, s.AmountCents%100),
		"SuccessURL": s.SuccessURL, "CancelURL": s.CancelURL,
	})
}

// pay completes a session as a successful card payment: Stripe's signed
// checkout.session.completed to the app's webhook, then the browser to
// success_url. A session is paid once.
func (c *Checkout) pay(w http.ResponseWriter, r *http.Request, id string) {
	c.mu.Lock()
	s, ok := c.sessions[id]
	first := ok && !s.Paid
	if first {
		s.Paid, s.PaymentIntent = true, "pi_local_"+randomHex(12)
	}
	var sess localSession
	if ok {
		sess = *s
	}
	c.mu.Unlock()
	if !ok {
		http.Error(w, "No such checkout session.", http.StatusNotFound)
		return
	}
	if first {
		if err := c.Complete(r, sess); err != nil {
			c.mu.Lock()
			s.Paid = false
			c.mu.Unlock()
			http.Error(w, "Tandem's webhook refused the payment: "+err.Error(), http.StatusBadGateway)
			return
		}
	}
	http.Redirect(w, r, sess.SuccessURL, http.StatusSeeOther)
}

// Complete posts the signed checkout.session.completed of a paid session
// to the webhook.
func (c *Checkout) Complete(r *http.Request, s localSession) error {
	ev := map[string]any{
		"id": "evt_local_" + randomHex(12), "object": "event", "api_version": stripe.APIVersion, "created": time.Now().Unix(),
		"type": "checkout.session.completed", "livemode": false,
		"data": map[string]any{"object": map[string]any{
			"id": s.ID, "object": "checkout.session", "client_reference_id": s.InvoiceID, "mode": "payment", "status": "complete",
			"payment_status": "paid", "payment_intent": s.PaymentIntent, "amount_total": s.AmountCents, "currency": s.Currency,
			"success_url": s.SuccessURL, "cancel_url": s.CancelURL,
		}},
	}
	payload, _ := json.Marshal(ev)
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: c.WebhookSecret})
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, c.WebhookURL, bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Stripe-Signature", signed.Header)
	res, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s: %s", res.Status, b)
	}
	return nil
}
