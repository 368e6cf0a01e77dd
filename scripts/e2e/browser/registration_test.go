package browser

import (
	"fmt"
	"os"
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
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

	var heading, checkText, terms, title string
	var overflow bool
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.URL+"/p/"+h.Slug),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth > document.documentElement.clientWidth`, &overflow),
		shot(t, "1-landing-phone"),
		chromedp.EmulateViewport(1280, 900),
		chromedp.Text(`h1`, &heading, chromedp.ByQuery),
		chromedp.Text(`.terms`, &terms, chromedp.ByQuery),
		chromedp.Title(&title),
		both(t, "2-landing"),
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
	if title != "Browser Host Partner Connect" {
		t.Errorf("the landing page's title is %q, want the program's name once", title)
	}
	for _, want := range []string{"USD 500.00 a year", "2 hours around the clock", "4 business hours", "8 business hours"} {
		if !strings.Contains(terms, want) {
			t.Errorf("the landing page's price and response times lack %q: %q", want, terms)
		}
	}

	link := e2etest.LinkIn(t, e.Mail(email, "Confirm your email"), "/signup?token=")
	fill := func(sel, v string) chromedp.Action { return chromedp.SetValue(sel, v, chromedp.ByQuery) }
	// A person picks the country and the time zone from their lists
	// (keyboard on the focused select) and ticks "same as the primary
	// contact" for support and billing, leaving their fields empty.
	var errText, invalid, formTerms, zone, formTitle string
	var supportEmpty, billingTicked bool
	err = chromedp.Run(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#company-name`, chromedp.ByQuery),
		chromedp.Text(`.terms`, &formTerms, chromedp.ByQuery),
		chromedp.Title(&formTitle),
		both(t, "4-signup-form"),
		fill(`#company-name`, "Shop & Co"),
		fill(`#company-website`, "https://"+domain),
		choose(`#company-country`, "Germany"),
		fill(`#contacts-primary-name`, "Olga Owner"), fill(`#contacts-primary-email`, email),
		chromedp.Click(`#contacts-support-sameAsPrimary`, chromedp.ByQuery),
		fill(`#contacts-escalation-name`, "Eve Escalation"), fill(`#contacts-escalation-email`, "esc@"+domain),
		chromedp.Click(`#contacts-billing-sameAsPrimary`, chromedp.ByQuery),
		fill(`#inbound-email`, "not-an-address"), fill(`#inbound-phone`, "+49 30 5555"),
		choose(`#inbound-hours-timezone`, "Berlin"),
		chromedp.Value(`#inbound-hours-timezone`, &zone, chromedp.ByQuery),
		fill(`#acceptAddendum-name`, "Olga Owner"), fill(`#acceptAddendum-title`, "Owner"),
		chromedp.Click(`form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.alert`, chromedp.ByQuery),
		chromedp.Text(`#inbound-email-error`, &errText, chromedp.ByQuery),
		chromedp.AttributeValue(`#inbound-email`, "aria-invalid", &invalid, nil, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#contacts-support-email').value === ''`, &supportEmpty),
		chromedp.Evaluate(`document.querySelector('#contacts-billing-sameAsPrimary').checked`, &billingTicked),
		both(t, "5-signup-errors"),
	)
	if err != nil {
		t.Fatalf("sign-up form with errors: %v", err)
	}
	if zone != "Europe/Berlin" {
		t.Errorf("typing Berlin on the time zone list chose %q", zone)
	}
	if formTitle != "Sign up · Browser Host Partner Connect" {
		t.Errorf("the sign-up form's title is %q", formTitle)
	}
	if !strings.Contains(formTerms, "USD 500.00 a year") || !strings.Contains(formTerms, "4 business hours") {
		t.Errorf("the sign-up form's price and response times: %q", formTerms)
	}
	if !strings.Contains(errText, "email address") || invalid != "true" {
		t.Fatalf("the bad support email is not flagged next to its input: %q aria-invalid=%q", errText, invalid)
	}
	if !supportEmpty || !billingTicked {
		t.Errorf("the form came back without the ticked boxes as they were (support empty %v, billing ticked %v)", supportEmpty, billingTicked)
	}

	var done string
	err = chromedp.Run(ctx,
		fill(`#inbound-email`, "support@"+domain),
		chromedp.Click(`input[name="acceptAddendum.accept"]`, chromedp.ByQuery),
		chromedp.Click(`form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`main`, &done, chromedp.ByQuery),
		both(t, "6-signed-up"),
	)
	if err != nil {
		t.Fatalf("sign-up: %v", err)
	}
	for _, want := range []string{"You are signed up", "What happens next", "Browser Host reviews your sign-up", "support@" + domain,
		"mailed to your billing contact, " + email} {
		if !strings.Contains(done, want) {
			t.Errorf("the done page lacks %q: %q", want, done)
		}
	}
	if strings.Contains(done, "pending_approval") || strings.Contains(done, "pending approval") {
		t.Errorf("the done page shows a status name: %q", done)
	}
	e.Mail(h.Notify, "New partner sign-up for Browser Host Partner Connect: Shop & Co")
	enr := e.Do("GET", "/v1/programs/"+h.ProgramID+"/enrollments", h.Admin, nil)
	if !strings.Contains(string(enr.Body), `"billing":{"name":"Olga Owner","email":"`+email+`"`) || !strings.Contains(string(enr.Body), `"support":{"name":"Olga Owner","email":"`+email+`"`) {
		t.Errorf("support and billing are not the primary contact: %s", enr.Body)
	}
	if p := problems(); len(p) > 0 {
		t.Fatalf("the browser reported problems:\n%s", strings.Join(p, "\n"))
	}
	if screenshots {
		fmt.Fprintln(os.Stderr, "browser test: screenshots in .artifacts/screenshots/")
	}
}

// choose picks an option of select sel as a person does with the
// keyboard: focus the list, type the start of the option's words.
func choose(sel, typed string) chromedp.Action {
	return chromedp.Tasks{chromedp.Focus(sel, chromedp.ByQuery), chromedp.SendKeys(sel, typed, chromedp.ByQuery)}
}
