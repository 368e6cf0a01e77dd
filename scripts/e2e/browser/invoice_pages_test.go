package browser

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// A partner's admin reads the member's invoices in the console: the list
// from the header's link, one invoice laid out to print (the console's
// header left off the printout). An engineer is refused (403, no link in
// the header), another member's invoice does not exist (404), and without
// a session the page asks to sign in.
func TestInvoicePages(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Ledger Host", nil)
	p, ptok := e2etest.Onboard(t, e, h, "Ledger Partner")
	q, _ := e2etest.Onboard(t, e, h, "Other Ledger")
	eng := "erin@" + p.Domain
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+p.MemberID+"/users", ptok, map[string]any{"name": "Erin Engineer", "email": eng, "roles": []string{"engineer"}}), 201, "partner engineer")
	mine := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin, nil).Str("membershipInvoiceId")
	theirs := e.Do("GET", "/v1/enrollments/"+q.EnrollmentID, h.Admin, nil).Str("membershipInvoiceId")
	if mine == "" || theirs == "" {
		t.Fatalf("membership invoices: %q and %q", mine, theirs)
	}

	anon := e2etest.NewClient(t, e)
	if r := e2etest.Expect(t, anon.Do("GET", "/invoices/"+mine, nil), 303, "an invoice without a session"); r.Header.Get("Location") != "/login?next=%2Finvoices%2F"+mine {
		t.Errorf("an invoice without a session: %d to %q, want 303 to the sign-in page", r.Status, r.Header.Get("Location"))
	}
	engineer := e2etest.SignIn(t, e, eng)
	if r := e2etest.Expect(t, engineer.Do("GET", "/inbox", nil), 200, "an engineer's header"); strings.Contains(r.Body, `href="/invoices"`) {
		t.Errorf("an engineer's header: %d, links to invoices: %v", r.Status, strings.Contains(r.Body, `href="/invoices"`))
	}
	if r := e2etest.Expect(t, engineer.Do("GET", "/invoices", nil), 403, "an engineer opens the invoices"); !strings.Contains(r.Body, "admins of the billed member") {
		t.Errorf("an engineer opens the invoices: %d %.600s, want 403 saying who may", r.Status, r.Body)
	}
	e2etest.Expect(t, engineer.Do("GET", "/invoices/"+mine, nil), 403, "an engineer opens an invoice")
	admin := e2etest.SignIn(t, e, p.Email)
	e2etest.Expect(t, admin.Do("GET", "/invoices/"+theirs, nil), 404, "another member's invoice")
	e2etest.Expect(t, admin.Do("GET", "/invoices/inv_nonsense", nil), 404, "an invoice id that cannot be")

	ctx, problems := browser(t)
	var list, doc, status string
	var navShown, navPrinted string
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, p.Email, "/inbox", ""),
		chromedp.Click(`nav.console a[href="/invoices"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`table.cases`, chromedp.ByQuery),
		chromedp.Text(`table.cases`, &list, chromedp.ByQuery),
		both(t, "d1-invoices"),
		chromedp.Click(`a[href="/invoices/`+mine+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`table.lines`, chromedp.ByQuery),
		chromedp.Text(`article.invoice`, &doc, chromedp.ByQuery),
		chromedp.Text(`.status`, &status, chromedp.ByQuery),
		both(t, "d2-invoice"),
		chromedp.Evaluate(`getComputedStyle(document.querySelector("nav.console")).display`, &navShown),
		emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(`getComputedStyle(document.querySelector("nav.console")).display`, &navPrinted),
		shot(t, "d3-invoice-print"),
		emulation.SetEmulatedMedia().WithMedia(""),
	)
	if err != nil {
		t.Fatalf("the invoices journey: %v", err)
	}
	if !strings.Contains(list, "membership") || !strings.Contains(list, "Ledger Host Partner Connect") || !strings.Contains(list, "USD 500.00") {
		t.Errorf("the invoice list: %q", list)
	}
	for _, want := range []string{"Ledger Partner", "Ledger Host Partner Connect", "USD 500.00", "reference r", "membership"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the invoice lacks %q:\n%s", want, doc)
		}
	}
	if !strings.EqualFold(strings.TrimSpace(status), "paid") {
		t.Errorf("the invoice's status: %q, want paid", status)
	}
	if navShown == "none" || navPrinted != "none" {
		t.Errorf("the console header on screen %q, printed %q: want shown on screen, left off the printout", navShown, navPrinted)
	}
	for _, p := range problems() {
		t.Errorf("browser problem: %s", p)
	}
}
