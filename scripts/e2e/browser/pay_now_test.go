package browser

import (
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// A partner's admin pays the renewal invoice in the console: "Pay now" on
// the invoice page, the local checkout (the stand-in for Stripe Checkout)
// showing the amount and the invoice, its Pay button, and back on the
// invoice page, paid, with a receipt mailed.
func TestPayNowJourney(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	if e.Checkout == nil {
		t.Fatal("no local Stripe: run the browser tests under scripts/stack, which sets TANDEM_TEST_STRIPE")
	}
	h := e2etest.NewHost(t, e, "Till Host", nil)
	p, _ := e2etest.Onboard(t, e, h, "Till Partner")
	rd, err := time.Parse(time.RFC3339, e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin, nil).Str("renewalDate"))
	if err != nil {
		t.Fatalf("the renewal date: %v", err)
	}
	if n := e2etest.Num(e2etest.RunSchedule(t, e, "renewals", rd.Add(-29*24*time.Hour)), "invoices"); n != 1 {
		t.Fatalf("renewal invoices issued: %d, want 1", n)
	}
	inv := ""
	for _, it := range e.Do("GET", "/v1/invoices?memberId="+p.MemberID, e.Operator, nil).JSON()["items"].([]any) {
		if m := it.(map[string]any); m["kind"] == "renewal" && m["status"] == "open" {
			inv = m["id"].(string)
		}
	}
	if inv == "" {
		t.Fatal("no open renewal invoice")
	}

	ctx, problems := browser(t)
	payNow := `form[action="/invoices/` + inv + `/checkout"] button`
	var checkoutText, notice, status, doc string
	err = chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, p.Email, "/invoices/"+inv, ""),
		chromedp.WaitVisible(payNow, chromedp.ByQuery),
		both(t, "p1-invoice-open"),
		chromedp.Click(payNow, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/pay"] button`, chromedp.ByQuery),
		chromedp.Text(`main`, &checkoutText, chromedp.ByQuery),
		both(t, "p2-local-checkout"),
		chromedp.Click(`form[action$="/pay"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`article.invoice .ok`, chromedp.ByQuery),
		chromedp.Text(`article.invoice .ok`, &notice, chromedp.ByQuery),
		chromedp.Text(`.status`, &status, chromedp.ByQuery),
		chromedp.Text(`article.invoice`, &doc, chromedp.ByQuery),
		both(t, "p3-invoice-paid"),
	)
	if err != nil {
		t.Fatalf("the Pay now journey: %v", err)
	}
	if !strings.Contains(checkoutText, "USD 500.00") || !strings.Contains(checkoutText, inv) {
		t.Errorf("the local checkout page: %q", checkoutText)
	}
	if !strings.EqualFold(strings.TrimSpace(status), "paid") || !strings.Contains(notice, "payment is confirmed") || !strings.Contains(doc, "pi_local_") {
		t.Errorf("back on the invoice: status %q, notice %q, document %q", status, notice, doc)
	}
	if strings.Contains(doc, "Pay now") {
		t.Errorf("a paid invoice still offers Pay now: %q", doc)
	}
	e.Mail("billing@"+p.Domain, "Receipt for invoice "+inv)
	for _, p := range problems() {
		t.Errorf("browser problem: %s", p)
	}
}
