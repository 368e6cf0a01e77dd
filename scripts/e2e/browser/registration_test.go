package browser

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

func TestBrowserRegistrationAndSignup(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Browser Host", map[string]any{"landing": map[string]any{
		"about": "We <b>care</b> about partners.", "links": []any{map[string]any{"title": "Program guide", "url": "https://host.example/guide"}},
	}})
	ctx, problems := browser(t)
	domain := "shop." + e.Domain
	email := "owner@" + domain

	var heading, checkText string
	var overflow bool
	err := chromedp.Run(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.URL+"/p/"+h.Slug),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth > document.documentElement.clientWidth`, &overflow),
		shot(t, "1-landing-phone"),
		chromedp.EmulateViewport(1280, 900),
		chromedp.Text(`h1`, &heading, chromedp.ByQuery),
		shot(t, "2-landing"),
		chromedp.SendKeys(`#email`, email, chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`main`, &checkText, chromedp.ByQuery),
		shot(t, "3-check-email"),
	)
	if err != nil {
		t.Fatalf("landing page: %v", err)
	}
	if overflow {
		t.Error("the landing page scrolls sideways on a phone")
	}
	if heading != "Browser Host Partner Connect" || !strings.Contains(checkText, "Check your email") || !strings.Contains(checkText, email) {
		t.Fatalf("got heading %q and %q", heading, checkText)
	}

	link := e2etest.LinkIn(t, e.Mail(email, "Confirm your email"), "/signup?token=")
	fill := func(sel, v string) chromedp.Action { return chromedp.SetValue(sel, v, chromedp.ByQuery) }
	var errText string
	var invalid string
	err = chromedp.Run(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#company-name`, chromedp.ByQuery),
		shot(t, "4-signup-form"),
		fill(`#company-name`, "Shop & Co"),
		fill(`#company-website`, "https://"+domain),
		fill(`#company-country`, "DE"),
		fill(`#contacts-primary-name`, "Olga Owner"), fill(`#contacts-primary-email`, email),
		fill(`#contacts-support-name`, "Sam Support"), fill(`#contacts-support-email`, "support@"+domain),
		fill(`#contacts-escalation-name`, "Eve Escalation"), fill(`#contacts-escalation-email`, "esc@"+domain),
		fill(`#contacts-billing-name`, "Bo Billing"), fill(`#contacts-billing-email`, "billing@"+domain),
		fill(`#inbound-email`, "not-an-address"), fill(`#inbound-phone`, "+49 30 5555"),
		fill(`#inbound-hours-timezone`, "Europe/Berlin"),
		fill(`#acceptAddendum-name`, "Olga Owner"), fill(`#acceptAddendum-title`, "Owner"),
		chromedp.Click(`form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.alert`, chromedp.ByQuery),
		chromedp.Text(`#inbound-email-error`, &errText, chromedp.ByQuery),
		chromedp.AttributeValue(`#inbound-email`, "aria-invalid", &invalid, nil, chromedp.ByQuery),
		shot(t, "5-signup-errors"),
	)
	if err != nil {
		t.Fatalf("sign-up form with errors: %v", err)
	}
	if !strings.Contains(errText, "email address") || invalid != "true" {
		t.Fatalf("the bad support email is not flagged next to its input: %q aria-invalid=%q", errText, invalid)
	}

	var done string
	err = chromedp.Run(ctx,
		fill(`#inbound-email`, "support@"+domain),
		chromedp.Click(`input[name="acceptAddendum.accept"]`, chromedp.ByQuery),
		chromedp.Click(`form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`main`, &done, chromedp.ByQuery),
		shot(t, "6-signed-up"),
	)
	if err != nil {
		t.Fatalf("sign-up: %v", err)
	}
	if !strings.Contains(done, "You are signed up") || !strings.Contains(done, "pending_approval") {
		t.Fatalf("confirmation page: %q", done)
	}
	e.Mail(h.Notify, "New partner sign-up for Browser Host Partner Connect: Shop & Co")
	if p := problems(); len(p) > 0 {
		t.Fatalf("the browser reported problems:\n%s", strings.Join(p, "\n"))
	}
	if screenshots {
		fmt.Fprintln(os.Stderr, "browser test: screenshots in .artifacts/screenshots/")
	}
}
