package browser

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// A host's admin runs the member's webhooks in the console: makes the
// signing secret (shown once, on the answer to the form), the partner's
// case goes out to the department's webhook, and the delivery log shows
// the refused first attempt and the delivered retry. An engineer is
// refused the page and the form (403), a form without its token is 403,
// and another member's admin sees none of it.
func TestWebhooksPage(t *testing.T) {
	t.Parallel()
	rcv := e2etest.NewReceiver(1)
	defer rcv.Server.Close()
	clock := localtest.NewClock(time.Now().UTC())
	e := localtest.New(t, localtest.WithWebhookReceiver(rcv.Server), localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Hook Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, ptok := e2etest.LivePartner(t, e, h, "Hook Partner")
	admin, eng := e.Addr("hook-admin"), e.Addr("hook-engineer")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Ada Admin", "email": admin, "roles": []string{"admin"}}), 201, "host admin")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Eli Engineer", "email": eng, "roles": []string{"engineer"}}), 201, "host engineer")
	e2etest.Expect(t, e.Do("PATCH", "/v1/departments/"+dep, h.Admin, map[string]any{"inbound": map[string]any{
		"email": e.Addr("storage-support"), "webhookUrl": rcv.URL(), "hours": "24x7",
		"escalation": map[string]any{"name": "Esc", "email": e.Addr("esc")},
	}}), 200, "the department's webhook")

	engineer := e2etest.SignIn(t, e, eng)
	page := engineer.Do("GET", "/inbox", nil)
	if strings.Contains(page.Body, `href="/webhooks"`) {
		t.Error("an engineer's header links to the webhooks")
	}
	if r := e2etest.Expect(t, engineer.Do("GET", "/webhooks", nil), 403, "an engineer opens the webhooks"); !strings.Contains(r.Body, "admins") {
		t.Errorf("an engineer opens the webhooks: %d %.500s, want 403 saying who may", r.Status, r.Body)
	}
	e2etest.Expect(t, engineer.Do("POST", "/webhooks/secret", url.Values{"csrf": {e2etest.CSRFOf(t, page.Body)}}), 403, "an engineer rotates the secret")
	e2etest.Expect(t, engineer.Do("POST", "/webhooks/secret", nil), 403, "the form without its token")

	ctx, problems := browser(t)
	var before, secret, after, log string
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, admin, "/webhooks", ""),
		chromedp.WaitVisible(`form[action="/webhooks/secret"] button`, chromedp.ByQuery),
		chromedp.Text(`.card`, &before, chromedp.ByQuery),
		both(t, "e1-webhooks"),
		chromedp.Click(`form[action="/webhooks/secret"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`code.secret`, chromedp.ByQuery),
		chromedp.Text(`code.secret`, &secret, chromedp.ByQuery),
		both(t, "e2-webhook-secret"),
	)
	if err != nil {
		t.Fatalf("making the secret: %v", err)
	}
	if !strings.Contains(before, "No secret yet") || !strings.Contains(before, rcv.URL()) || !strings.Contains(before, "/v1/hooks/"+h.MemberID) {
		t.Errorf("the page before a secret: %q", before)
	}
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("the secret shown: %q", secret)
	}
	rcv.Mu.Lock()
	rcv.Secret, rcv.Now = secret, clock.Now
	rcv.Mu.Unlock()

	e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "the partner's case")
	e.Flush() // the first try, refused by the receiver
	clock.Advance(2 * time.Hour)
	if _, err := e.App.Redrive.Run(context.Background(), clock.Now()); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Run(ctx,
		chromedp.Navigate(e.URL+"/webhooks"),
		chromedp.WaitVisible(`table.cases`, chromedp.ByQuery),
		chromedp.Text(`.card`, &after, chromedp.ByQuery),
		chromedp.Text(`table.cases`, &log, chromedp.ByQuery),
		both(t, "e3-webhook-deliveries"),
	)
	if err != nil {
		t.Fatalf("the delivery log: %v", err)
	}
	if strings.Contains(after, secret) || !strings.Contains(after, "Rotate the secret") || !strings.Contains(after, "made on") {
		t.Errorf("the page after the secret was made (shown once, then only when): %q", after)
	}
	for _, want := range []string{"case.created", "failed (503)", "delivered (204)"} {
		if !strings.Contains(log, want) {
			t.Errorf("the delivery log lacks %q: %q", want, log)
		}
	}
	other := e2etest.SignIn(t, e, p.Email)
	if r := e2etest.Expect(t, other.Do("GET", "/webhooks", nil), 200, "another member's admin sees"); strings.Contains(r.Body, rcv.URL()) || !strings.Contains(r.Body, "Nothing delivered yet") {
		t.Errorf("another member's admin sees: %d %.800s", r.Status, r.Body)
	}
	for _, p := range problems() {
		t.Errorf("browser problem: %s", p)
	}
}
