package browser

import (
	"context"
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// A partner's whole lifecycle as people live it, in the browser, with no
// API token and no curl for the partner's steps: a new company signs up to
// a member-paid program from its landing page, the host approves it from
// its mail, the partner acknowledges the test case from its mail and pays
// the membership invoice through the mail's "Pay now" link and the local
// checkout; the go-live mail's link lands its admin in the console, who
// invites an engineer. The operator watches the partner wait for payment
// and leave that list once it paid.
func TestPartnerLifecycleWithoutCurl(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	if e.Checkout == nil {
		t.Fatal("no local Stripe: run the browser tests under scripts/stack, which sets TANDEM_TEST_STRIPE")
	}
	h := e2etest.NewHost(t, e, "Lifecycle Host", nil) // member-paid, USD 500 a year
	domain := "labs." + e.Domain
	owner := "olga@" + domain
	company := "Lifecycle Labs"

	// Each person has a browser of their own.
	partner, partnerProblems := browser(t)
	host, hostProblems := browser(t)
	operator, operatorProblems := browser(t)
	run := func(ctx context.Context, what string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string, out *string) chromedp.Action { return chromedp.Text(sel, out, chromedp.ByQuery) }
	visible := func(sel string) chromedp.Action { return chromedp.WaitVisible(sel, chromedp.ByQuery) }
	click := func(sel string) chromedp.Action { return chromedp.Click(sel, chromedp.ByQuery) }
	fill := func(sel, v string) chromedp.Action { return chromedp.SetValue(sel, v, chromedp.ByQuery) }
	want := func(where, got string, parts ...string) {
		t.Helper()
		for _, p := range parts {
			if !strings.Contains(got, p) {
				t.Errorf("%s lacks %q: %q", where, p, got)
			}
		}
	}
	for _, ctx := range []context.Context{partner, host, operator} {
		run(ctx, "the browser", cdppage.SetBypassCSP(true))
	}

	// 1. The landing page states the price; the company registers its address.
	var terms, checkMail string
	run(partner, "the landing page",
		chromedp.Navigate(e.URL+"/p/"+h.Slug),
		visible(`#email`),
		text(`.terms`, &terms),
		both(t, "lc01-landing"),
		chromedp.SendKeys(`#email`, owner, chromedp.ByQuery),
		click(`button[type=submit]`),
		visible(`.ok`),
		text(`main`, &checkMail),
		both(t, "lc02-check-email"),
	)
	want("the landing page's terms", terms, "USD 500.00 a year")
	want("the page after registering", checkMail, "Check your email", owner)

	// 2. The confirmation mail's link opens the sign-up form: the country
	// and the time zone are chosen from their lists, the other three
	// contacts are "same as the primary contact".
	confirm := e2etest.LinkIn(t, e.Mail(owner, "registration_verify"), "/signup?token=")
	var formTerms, zone, done string
	run(partner, "the sign-up form",
		chromedp.Navigate(confirm),
		visible(`#company-name`),
		text(`.terms`, &formTerms),
		both(t, "lc03-signup-form"),
		fill(`#company-name`, company),
		fill(`#company-website`, "https://"+domain),
		choose(`#company-country`, "Germany"),
		fill(`#contacts-primary-name`, "Olga Owner"), fill(`#contacts-primary-email`, owner), fill(`#contacts-primary-phone`, "+49 30 5555"),
		click(`#contacts-support-sameAsPrimary`),
		click(`#contacts-escalation-sameAsPrimary`),
		click(`#contacts-billing-sameAsPrimary`),
		fill(`#inbound-email`, "support@"+domain), fill(`#inbound-phone`, "+49 30 5556"),
		choose(`#inbound-hours-timezone`, "Berlin"),
		chromedp.Value(`#inbound-hours-timezone`, &zone, chromedp.ByQuery),
		fill(`#acceptAddendum-name`, "Olga Owner"), fill(`#acceptAddendum-title`, "Managing director"),
		click(`input[name="acceptAddendum.accept"]`),
		click(`form button[type=submit]`),
		visible(`.ok`),
		text(`main`, &done),
		both(t, "lc04-signed-up"),
	)
	if zone != "Europe/Berlin" {
		t.Errorf("typing Berlin on the time zone list chose %q", zone)
	}
	want("the sign-up form's terms", formTerms, "USD 500.00 a year")
	want("the done page", done, "You are signed up", "What happens next", "Lifecycle Host reviews your sign-up", "support@"+domain, owner)
	if strings.Contains(done, "pending_approval") {
		t.Errorf("the done page shows a status name: %q", done)
	}

	// 3. The host approves from its mail.
	approve := e2etest.LinkIn(t, e.Mail(h.Notify, "signup_host"), "/h/")
	var question, approved string
	run(host, "the host's approval",
		chromedp.Navigate(approve),
		visible(`form button`),
		text(`h1`, &question),
		both(t, "lc05-host-approve"),
		click(`form button`),
		visible(`.ok`),
		text(`.ok`, &approved),
		both(t, "lc06-host-approved"),
	)
	want("the host's decision page", question, "Approve "+company)
	want("the host's page after approving", approved, "pproved")

	// 4. The partner's support team acknowledges the test case from its mail.
	ack := e2etest.LinkIn(t, e.Mail("support@"+domain, "validation_test"), "/v/")
	var acked string
	run(partner, "the test case",
		chromedp.Navigate(ack),
		visible(`form button`),
		both(t, "lc07-test-case"),
		click(`form button`),
		visible(`.ok`),
		text(`.ok`, &acked),
		both(t, "lc08-test-case-acknowledged"),
	)
	// The support team is told where the invoice went (billing is the
	// primary contact: the box was ticked) and how it is paid.
	want("the acknowledged test case", acked, "membership invoice is paid", "mailed to your billing contact, "+owner, "Pay now")
	if strings.Contains(acked, "awaiting_payment") {
		t.Errorf("the acknowledged test case shows a status name: %q", acked)
	}

	// 5. The operator sees the partner waiting for payment.
	var opBefore string
	run(operator, "the operator's page before paying",
		signInAs(t, e, "ops@operators.test", "/operator", ""),
		visible(`#awaiting-payment`),
		text(`main`, &opBefore),
		both(t, "lc09-operator-awaiting"),
	)
	want("waiting for payment", section(opBefore, "Waiting for payment", "Overdue invoices"), company, "Lifecycle Host Partner Connect")

	// 6. The invoice mail's "Pay now" link: the local checkout, its Pay
	// button, back on Tandem's page saying the invoice is paid.
	invoiceMail := e.Mail(owner, "invoice_issued")
	want("the invoice mail", invoiceMail.Body.Text, "USD 500.00", "Pay now")
	payLink := e2etest.LinkIn(t, invoiceMail, "/pay/")
	var checkout, at, paid string
	run(partner, "paying",
		chromedp.Navigate(payLink),
		visible(`form[action$="/pay"] button`),
		text(`main`, &checkout),
		both(t, "lc10-checkout"),
		click(`form[action$="/pay"] button`),
		visible(`.ok`),
		chromedp.Location(&at),
		text(`main`, &paid),
		both(t, "lc11-paid"),
	)
	want("the local checkout", checkout, "USD 500.00")
	if !strings.HasPrefix(at, payLink) {
		t.Errorf("after Pay the browser is at %s, want back at %s", at, payLink)
	}
	want("the page after paying", paid, "is paid", "you are live", "signs them in to Tandem")
	receipt := e.Mail(owner, "payment_received")
	want("the receipt", receipt.Body.Text, "USD 500.00", "pi_local_")

	// 7. Paid, the partner leaves the operator's list.
	var opAfter string
	run(operator, "the operator's page after paying",
		chromedp.Reload(),
		visible(`#awaiting-payment`),
		text(`main`, &opAfter),
	)
	if strings.Contains(section(opAfter, "Waiting for payment", "Overdue invoices"), company) {
		t.Errorf("the operator's page still lists %s as waiting for payment: %q", company, opAfter)
	}

	// 8. The go-live mail's link lands the admin in the console inbox; the
	// invoices show the membership paid; the admin invites an engineer.
	live := e2etest.LinkIn(t, e.Mail(owner, "enrollment_live_partner"), "/login/")
	engineer := "eve@" + domain
	var landed, invoices, status, notice, people string
	run(partner, "from the go-live mail into the console",
		chromedp.Navigate(live),
		visible(`form button`),
		both(t, "lc12-golive-signin"),
		click(`form button`),
		visible(`nav.console`),
		chromedp.Location(&landed),
		both(t, "lc13-inbox"),
		click(`nav.console a[href="/invoices"]`),
		visible(`main table`),
		text(`main`, &invoices),
		both(t, "lc14-invoices"),
		click(`main table a[href^="/invoices/"]`),
		visible(`.status`),
		text(`.status`, &status),
		both(t, "lc15-invoice-paid"),
		click(`nav.console a[href$="/users"]`),
		visible(`#invite-name`),
		both(t, "lc16-people"),
		chromedp.SendKeys(`#invite-name`, "Eve Engineer", chromedp.ByQuery),
		chromedp.SendKeys(`#invite-email`, engineer, chromedp.ByQuery),
		click(`form:has(#invite-name) button[type=submit]`),
		visible(`.ok`),
		text(`.ok`, &notice),
		text(`table.people`, &people),
		both(t, "lc17-invited"),
	)
	if !strings.HasSuffix(landed, "/inbox") {
		t.Errorf("the go-live link landed on %s, want the inbox", landed)
	}
	want("the invoices page", invoices, "paid")
	if !strings.EqualFold(strings.TrimSpace(status), "paid") {
		t.Errorf("the membership invoice's status: %q, want paid", status)
	}
	want("the invitation notice", notice, "Invitation sent")
	want("the people page", people, "Olga Owner", "Eve Engineer")
	e2etest.LinkIn(t, e.Mail(engineer, "user_invited"), "/login/")

	for name, problems := range map[string]func() []string{"partner": partnerProblems, "host": hostProblems, "operator": operatorProblems} {
		for _, p := range problems() {
			t.Errorf("the %s's browser: %s", name, p)
		}
	}
}
