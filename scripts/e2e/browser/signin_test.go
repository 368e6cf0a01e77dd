package browser

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// Login CSRF in a real browser: a page on another site (another loopback
// origin: localhost instead of 127.0.0.1, its own port) auto-submits the
// attacker's own sign-in link, with the form token the attacker read from
// the link's page. Chromium sends it cross-site; Tandem answers 403 and the
// browser ends without a session cookie. Then the victim, signed in as
// themselves, opens the attacker's link: the page asks before switching.
func TestBrowserSignInPostedFromAnotherSite(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Cross Site", nil)
	mallory, vera := e.Addr("mallory"), e.Addr("vera")
	e2etest.AddUser(t, e, h, "Mallory", mallory)
	e2etest.AddUser(t, e, h, "Vera Victim", vera)
	link, token := e2etest.AskLink(t, e, e2etest.NewClient(t, e), mallory, "/inbox")

	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Win a prize</title><body>
<form method="post" action="%s"><input type="hidden" name="csrf" value="%s"><button>Claim</button></form>
<script>document.forms[0].submit()</script></body></html>`, html.EscapeString(link), html.EscapeString(token))
	}))
	t.Cleanup(evil.Close)
	evilURL := strings.Replace(evil.URL, "127.0.0.1", "localhost", 1) // another site than e.URL's 127.0.0.1

	ctx, problems := browser(t)
	var mu sync.Mutex
	statuses := map[string]int64{} // document URL → status
	chromedp.ListenTarget(ctx, func(ev any) {
		if ev, ok := ev.(*network.EventResponseReceived); ok && ev.Type == network.ResourceTypeDocument {
			mu.Lock()
			statuses[ev.Response.URL] = ev.Response.Status
			mu.Unlock()
		}
	})
	var at, heading, text string
	var cookies []*network.Cookie
	err := chromedp.Run(ctx, network.Enable(), cdppage.SetBypassCSP(true),
		chromedp.Navigate(evilURL),
		chromedp.Poll(fmt.Sprintf(`location.href.startsWith(%q) && document.readyState === "complete"`, e.URL), nil),
		chromedp.Location(&at),
		chromedp.Text(`h1`, &heading, chromedp.ByQuery),
		chromedp.Text(`main`, &text, chromedp.ByQuery),
		shot(t, "signin-cross-site-refused"),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			cookies, err = network.GetCookies().WithURLs([]string{e.URL + "/"}).Do(ctx)
			return err
		}),
	)
	if err != nil {
		t.Fatalf("the cross-site page: %v", err)
	}
	for _, c := range cookies {
		if strings.Contains(c.Name, "tandem_session") {
			t.Errorf("after the cross-site post the browser holds a session cookie %s (landed on %s: %q)", c.Name, at, heading)
		}
	}
	mu.Lock()
	status := statuses[link]
	mu.Unlock()
	if status != 403 || at != link || heading != "You may not do this" {
		t.Fatalf("the cross-site post: status %d at %s, heading %q, want 403 at the link and the refusal page:\n%s", status, at, heading, text)
	}

	// Vera, signed in, opens Mallory's link (it was not used up): asked first.
	var question string
	err = chromedp.Run(ctx,
		signInAs(t, e, vera, "/inbox", ""),
		chromedp.Navigate(link),
		chromedp.WaitVisible(`form button`, chromedp.ByQuery),
		chromedp.Text(`main`, &question, chromedp.ByQuery),
		both(t, "signin-switch-question"),
		chromedp.Click(`a[href="/inbox"]`, chromedp.ByQuery), // stays who she is
		chromedp.WaitVisible(`nav.console`, chromedp.ByQuery),
		chromedp.Text(`nav.console .who`, &heading, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("the switch question: %v", err)
	}
	if !strings.Contains(question, "You are signed in as "+vera) || !strings.Contains(question, "Continue as "+mallory) {
		t.Errorf("the page of another person's link, signed in: %q", question)
	}
	if !strings.Contains(heading, "Vera Victim") {
		t.Errorf("after declining, the console is %q's, want Vera's", heading)
	}
	for _, p := range problems() {
		if strings.Contains(p, "status of 403") { // the refusal page, as the contract says
			continue
		}
		t.Errorf("browser problem: %s", p)
	}
}
