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

// An operator records a bank transfer on the invoice page: the amount
// prefilled, a wrong one refused beside the field, the right one paying the
// invoice and taking the partner live.
func TestRecordTransferJourney(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Wire Host", nil)
	p := e2etest.SignUp(t, e, h, "Wire Partner")
	e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/approve", h.Admin, nil), 200, "approve")
	ack := e2etest.LinkIn(t, e.Mail("support@"+p.Domain, "[Test case]"), "/v/")
	e2etest.Expect(t, e.Do("POST", "/v1/validations/"+ack[strings.LastIndex(ack, "/")+1:]+"/acknowledge", "", nil), 200, "acknowledge")
	inv := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin, nil).Str("membershipInvoiceId")

	ctx, problems := browser(t)
	submit := `form[action="/invoices/` + inv + `/payments"] button`
	var prefilled, refused, doc string
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, "ops@operators.test", "/invoices/"+inv, ""),
		chromedp.WaitVisible(`#reference`, chromedp.ByQuery),
		chromedp.Value(`#amountCents`, &prefilled, chromedp.ByQuery),
		both(t, "t1-transfer-form"),
		chromedp.SendKeys(`#reference`, "BANK-2026-11", chromedp.ByQuery),
		chromedp.SetValue(`#amountCents`, "40000", chromedp.ByQuery),
		chromedp.Click(submit, chromedp.ByQuery),
		chromedp.WaitVisible(`#amountCents-error`, chromedp.ByQuery),
		chromedp.Text(`#amountCents-error`, &refused, chromedp.ByQuery),
		both(t, "t2-transfer-refused"),
		chromedp.SetValue(`#amountCents`, "50000", chromedp.ByQuery),
		chromedp.Click(submit, chromedp.ByQuery),
		chromedp.WaitVisible(`article.invoice .ok`, chromedp.ByQuery),
		chromedp.Text(`article.invoice`, &doc, chromedp.ByQuery),
		both(t, "t3-transfer-recorded"),
	)
	if err != nil {
		t.Fatalf("the transfer journey: %v", err)
	}
	if prefilled != "50000" || !strings.Contains(refused, "must be the invoice total, 50000") {
		t.Errorf("the form: prefilled %q, refusal %q", prefilled, refused)
	}
	if !strings.Contains(doc, "bank transfer is recorded") || !strings.Contains(doc, "reference BANK-2026-11") {
		t.Errorf("the recorded transfer: %q", doc)
	}
	if st := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin, nil).Str("status"); st != "active" {
		t.Errorf("the enrollment after the transfer: %s, want active", st)
	}
	for _, p := range problems() {
		if strings.Contains(p, "status of 422") && strings.HasSuffix(p, "/payments") {
			continue // the refused amount's page, on purpose
		}
		t.Errorf("browser problem: %s", p)
	}
}
