package browser

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// A host's admin registers the member's sending domain in the console: a
// domain it may not send from is refused beside the field; its own
// subdomain shows the three DKIM records to publish and the status,
// pending, with "Check now" (SES's stand-in has not verified it).
func TestSendingDomainJourney(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Mail Host", map[string]any{"payment": "host"})
	admin := e.Addr("primary-mailhost") // the host's first admin, its primary contact
	domain := "mail-host." + e.Domain
	path := "/members/" + h.MemberID + "/sending-domain"

	ctx, problems := browser(t)
	var empty, refused, registered, checked string
	err := chromedp.Run(ctx,
		signInAs(t, e, admin, path, ""),
		chromedp.WaitVisible(`#domain`, chromedp.ByQuery),
		chromedp.Text(`main`, &empty, chromedp.ByQuery),
		both(t, "sd1-sending-domain"),
		chromedp.SendKeys(`#domain`, "other-company.example", chromedp.ByQuery),
		chromedp.Click(`form[action="`+path+`"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.error`, chromedp.ByQuery),
		chromedp.Text(`main`, &refused, chromedp.ByQuery),
		both(t, "sd2-sending-domain-refused"),
		chromedp.SetValue(`#domain`, "mail."+domain, chromedp.ByQuery),
		chromedp.Click(`form[action="`+path+`"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`table.cases`, chromedp.ByQuery),
		chromedp.Text(`main`, &registered, chromedp.ByQuery),
		both(t, "sd3-sending-domain-records"),
		chromedp.Click(`form[action="`+path+`/check"] button`, chromedp.ByQuery),
		// The page before had a notice too: wait for the check's own.
		chromedp.WaitVisible(`//p[contains(., "Checked with SES just now")]`, chromedp.BySearch),
		chromedp.Text(`main`, &checked, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("the sending-domain page: %v", err)
	}
	if !strings.Contains(empty, "Register your sending domain") || strings.Contains(empty, "Check now") {
		t.Errorf("the page before a domain: %q", empty)
	}
	if !strings.Contains(refused, "must be "+domain+" or a subdomain of it") {
		t.Errorf("a domain not the host's: %q", refused)
	}
	for _, want := range []string{"Registered. Publish the records below", "mail." + domain, "Status: Pending",
		"tandemlocal1._domainkey.mail." + domain, "tandemlocal3.dkim.amazonses.com", "Check now"} {
		if !strings.Contains(registered, want) {
			t.Errorf("after registering the page lacks %q: %q", want, registered)
		}
	}
	if !strings.Contains(checked, "Checked with SES just now") || !strings.Contains(checked, "Status: Pending") {
		t.Errorf("after Check now: %q", checked)
	}
	for _, p := range problems() {
		if strings.Contains(p, "status of 422") && strings.HasSuffix(p, path) {
			continue // the form sent back with its error, as the contract says
		}
		t.Errorf("browser problem: %s", p)
	}
}
