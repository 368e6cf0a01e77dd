package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/app"
)

// newBrowserFrom is newBrowser on its own client address (another
// loopback address: the gateway sees it as the request's source IP).
func newBrowserFrom(t *testing.T, e *localtest.Env, ip string) *e2etest.Client {
	b := e2etest.NewClient(t, e)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	b.HTTP.Transport = &http.Transport{DialContext: d.DialContext}
	return b
}

// sessionCookie is the value of b's session cookie, or "".
func sessionCookie(t *testing.T, e *localtest.Env, b *e2etest.Client) string {
	for _, c := range b.HTTP.Jar.Cookies(mustURL(t, e.URL)) {
		if c.Name == "tandem_session" {
			return c.Value
		}
	}
	return ""
}

// Signing in, asking for a link and signing out act only when posted from
// Tandem's own pages: from another site (Fetch Metadata, or else an Origin
// that is not the installation's) they are a 403 that sets no cookie,
// mails nothing and ends nothing. (Today a page elsewhere posted the
// attacker's own sign-in link, read from its page by the attacker, and the
// victim's browser worked in the attacker's account.)
func TestSignInRefusesPostsFromOtherSites(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Forgery", nil)
	mallory, vera := e.Addr("mallory"), e.Addr("vera")
	e2etest.AddUser(t, e, h, "Mallory", mallory)
	e2etest.AddUser(t, e, h, "Vera Victim", vera)
	link, token := e2etest.AskLink(t, e, e2etest.NewClient(t, e), mallory, "/inbox")

	sibling := "http://127.0.0.1:1" // the same site (host), another origin (port)
	victim := e2etest.NewClient(t, e)
	for _, from := range [][]string{
		{"Sec-Fetch-Site", "cross-site", "Origin", "http://evil.example"},
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site", "Origin", sibling},
		{"Origin", "http://evil.example"}, // a browser without Fetch Metadata
		{"Origin", "null"},                // a sandboxed frame, a data: URL
		{"Origin", strings.Replace(e.URL, "http://", "https://", 1)},
	} {
		p := e2etest.Expect(t, victim.Do("POST", link, url.Values{"csrf": {token}}, from...), 403, fmt.Sprintf("the sign-in link posted with %q", from))
		if p.Header.Get("Set-Cookie") != "" {
			t.Errorf("the sign-in link posted with %q: %d, cookie %q, want 403 and none", from, p.Status, p.Header.Get("Set-Cookie"))
		}
	}
	if c := sessionCookie(t, e, victim); c != "" {
		t.Fatalf("the victim's browser holds a session after the cross-site posts")
	}
	// Refused, the link was not used up: from its own page it signs in.
	if p := e2etest.Expect(t, victim.Do("POST", link, url.Values{"csrf": {token}}, "Sec-Fetch-Site", "same-origin", "Origin", e.URL), 303, "the link posted from its own page after the refusals"); !strings.HasPrefix(p.Header.Get("Set-Cookie"), "tandem_session=ses_") {
		t.Fatalf("the link posted from its own page after the refusals: %d, cookie %q", p.Status, p.Header.Get("Set-Cookie"))
	}

	// Asking for a link from another site mails nothing.
	asker := e2etest.NewClient(t, e)
	form := e2etest.CSRFOf(t, asker.Do("GET", "/login", nil).Body)
	before := e2etest.CountMails(t, e, vera, "Your sign-in link")
	e2etest.Expect(t, asker.Do("POST", "/login", url.Values{"csrf": {form}, "email": {vera}}, "Sec-Fetch-Site", "cross-site", "Origin", "http://evil.example"), 403, "asking for a link from another site")
	if n := e2etest.CountMails(t, e, vera, "Your sign-in link"); n != before {
		t.Errorf("asking for a link from another site mailed %d links", n-before)
	}

	// Signing out from another site ends nothing.
	b := e2etest.SignIn(t, e, vera)
	inbox := b.Do("GET", "/inbox", nil)
	e2etest.Expect(t, b.Do("POST", "/logout", url.Values{"csrf": {e2etest.CSRFOf(t, inbox.Body)}}, "Sec-Fetch-Site", "cross-site", "Origin", "http://evil.example"), 403, "signing out from another site")
	e2etest.Expect(t, b.Do("GET", "/inbox", nil), 200, "after a cross-site sign-out the session is gone")
	e2etest.Expect(t, b.Do("POST", "/logout", url.Values{"csrf": {e2etest.CSRFOf(t, inbox.Body)}}, "Sec-Fetch-Site", "same-origin", "Origin", e.URL), 303, "signing out from the console")
}

// A browser signed in as one person that opens another's sign-in link is
// asked before it switches: the page names both, and only the POST that
// carries that choice signs in (ending the first session); without it the
// browser stays who it was. The same person's new link needs no question.
func TestSignInAsksBeforeSwitchingPeople(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Switch", nil)
	ann, bob := e.Addr("ann"), e.Addr("bob")
	e2etest.AddUser(t, e, h, "Ann Able", ann)
	e2etest.AddUser(t, e, h, "Bob Baker", bob)
	b := e2etest.SignIn(t, e, ann)
	annSession := sessionCookie(t, e, b)

	link, token := e2etest.AskLink(t, e, b, bob, "/inbox")
	page := b.Do("GET", link, nil)
	if !strings.Contains(page.Body, "You are signed in as") || !strings.Contains(page.Body, ann) || !strings.Contains(page.Body, "Continue as") || !strings.Contains(page.Body, bob) {
		t.Fatalf("another person's link, signed in: the page does not ask before switching:\n%.3000s", page.Body)
	}
	if p := e2etest.Expect(t, b.Do("POST", link, url.Values{"csrf": {token}}), 409, "the link posted without choosing to switch"); p.Header.Get("Set-Cookie") != "" || !strings.Contains(p.Body, "You are signed in as") {
		t.Fatalf("the link posted without choosing to switch: %d, cookie %q, want 409, none, and the question again", p.Status, p.Header.Get("Set-Cookie"))
	}
	if p := e2etest.Expect(t, b.Do("GET", "/inbox", nil), 200, "not switching keeps the first person"); !strings.Contains(p.Body, "Ann Able") {
		t.Fatalf("not switching keeps the first person: %d", p.Status)
	}
	if p := e2etest.Expect(t, b.Do("POST", link, url.Values{"csrf": {token}, "switch": {"yes"}}), 303, "switching by choice"); !strings.HasPrefix(p.Header.Get("Set-Cookie"), "tandem_session=ses_") {
		t.Fatalf("switching by choice: %d, cookie %q", p.Status, p.Header.Get("Set-Cookie"))
	}
	if p := e2etest.Expect(t, b.Do("GET", "/inbox", nil), 200, "after switching the inbox is not Bob's"); !strings.Contains(p.Body, "Bob Baker") {
		t.Fatalf("after switching the inbox is not Bob's: %d", p.Status)
	}
	old := e2etest.NewClient(t, e)
	old.HTTP.Jar.SetCookies(mustURL(t, e.URL), []*http.Cookie{{Name: "tandem_session", Value: annSession}})
	e2etest.Expect(t, old.Do("GET", "/inbox", nil), 303, "the session switched away from still works")
	// Bob's own new link: no question.
	link, token = e2etest.AskLink(t, e, b, bob, "/outbox")
	if p := b.Do("GET", link, nil); strings.Contains(p.Body, "You are signed in as") {
		t.Errorf("the same person's link asks about switching")
	}
	if p := e2etest.Expect(t, b.Do("POST", link, url.Values{"csrf": {token}}), 303, "the same person's new link"); p.Header.Get("Location") != "/outbox" {
		t.Errorf("the same person's new link: %d to %q, want 303 to /outbox", p.Status, p.Header.Get("Location"))
	}
}

// Asking for sign-in links is limited per address and client: one client
// asking for an address over and over gets the same "check your mail" page
// and no more mail, while the address's owner asking from another client
// still gets its link; a flood from many clients stops at a looser limit
// per address. (Today five requests for any address, an operator's too,
// answered 429 and stopped its owner from getting links for an hour.)
func TestSignInLinksReachTheOwnerDespiteAFlood(t *testing.T) {
	t.Parallel()
	clock := localtest.NewClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)) // one rate window throughout
	e := localtest.New(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Flooded", nil)
	ann := e.Addr("ann")
	e2etest.AddUser(t, e, h, "Ann Able", ann)

	ask := func(b *e2etest.Client, times int) {
		t.Helper()
		form := e2etest.CSRFOf(t, b.Do("GET", "/login", nil).Body)
		var first string
		for i := range times {
			p := e2etest.Expect(t, b.Do("POST", "/login", url.Values{"csrf": {form}, "email": {ann}}), 200, fmt.Sprintf("request %d for %s", i+1, ann))
			if first == "" {
				first = p.Body
			} else if p.Body != first {
				t.Fatalf("request %d for %s answered another page than the first", i+1, ann)
			}
		}
	}
	ask(newBrowserFrom(t, e, "127.0.0.2"), 8)
	if n := e2etest.CountMails(t, e, ann, "Your sign-in link"); n != 5 {
		t.Fatalf("8 requests from one client mailed %d links, want 5 (5 an hour per address and client)", n)
	}
	// The owner, elsewhere, gets its link and signs in.
	owner := newBrowserFrom(t, e, "127.0.0.3")
	link, token := e2etest.AskLink(t, e, owner, ann, "/inbox")
	e2etest.Expect(t, owner.Do("POST", link, url.Values{"csrf": {token}}), 303, "the owner signing in from another client during the flood")
	// A flood from many clients stops at 20 an hour for the address.
	for i := range 5 {
		ask(newBrowserFrom(t, e, fmt.Sprintf("127.0.1.%d", i+1)), 5)
	}
	if n := e2etest.CountMails(t, e, ann, "Your sign-in link"); n != 20 {
		t.Fatalf("%d links mailed for one address within the hour, want 20 (the limit per address alone)", n)
	}
}

// Over https the session cookie is __Host-tandem_session (Secure, Path=/,
// no Domain: no other host or plain-http page can set or shadow it), and
// the console reads only that name there; over http (the local stack) it
// stays tandem_session. The client here keeps cookies by hand: a cookie jar
// does not send Secure cookies over the test's plain-http connection.
func TestSessionCookieIsHostPrefixedOverHTTPS(t *testing.T) {
	t.Parallel()
	e := localtest.New(t, func(c *app.Config) { c.BaseURL = strings.Replace(c.BaseURL, "http://", "https://", 1) })
	h := e2etest.NewHost(t, e, "Secure", nil)
	ann := e.Addr("ann")
	e2etest.AddUser(t, e, h, "Ann Able", ann)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(method, path, cookie string, form url.Values) e2etest.PageResult {
		t.Helper()
		req, _ := http.NewRequest(method, e.URL+path, strings.NewReader(form.Encode()))
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return e2etest.PageResult{Status: res.StatusCode, Body: string(b), Header: res.Header}
	}
	login := send("GET", "/login", "", nil)
	nonce, _, _ := strings.Cut(login.Header.Get("Set-Cookie"), ";")
	e2etest.Expect(t, send("POST", "/login", nonce, url.Values{"csrf": {e2etest.CSRFOf(t, login.Body)}, "email": {ann}}), 200, "asking for a link")
	link := e2etest.LinkIn(t, e.Mail(ann, "Your sign-in link"), "/login/")
	if !strings.HasPrefix(link, "https://") {
		t.Fatalf("the link %q is not https", link)
	}
	path := strings.TrimPrefix(link, strings.Replace(e.URL, "http://", "https://", 1))
	confirm := send("GET", path, "", nil)
	signed := e2etest.Expect(t, send("POST", path, "", url.Values{"csrf": {e2etest.CSRFOf(t, confirm.Body)}}), 303, "signing in over https")
	set := signed.Header.Get("Set-Cookie")
	if !strings.HasPrefix(set, "__Host-tandem_session=ses_") {
		t.Fatalf("signing in over https: %d, cookie %q, want __Host-tandem_session", signed.Status, set)
	}
	for _, want := range []string{"; Path=/;", "; Secure", "; HttpOnly", "; SameSite=Lax"} {
		if !strings.Contains(set+";", want) {
			t.Errorf("the cookie %q lacks %q", set, want)
		}
	}
	if strings.Contains(strings.ToLower(set), "domain=") {
		t.Errorf("the __Host- cookie names a Domain: %q", set)
	}
	pair, _, _ := strings.Cut(set, ";")
	_, secret, _ := strings.Cut(pair, "=")
	inbox := e2etest.Expect(t, send("GET", "/inbox", pair, nil), 200, "the inbox with the __Host- cookie")
	e2etest.Expect(t, send("GET", "/inbox", "tandem_session="+secret, nil), 303, "over https the plain cookie name is read")
	out := e2etest.Expect(t, send("POST", "/logout", pair, url.Values{"csrf": {e2etest.CSRFOf(t, inbox.Body)}}), 303, "signing out over https")
	if cleared := out.Header.Get("Set-Cookie"); !strings.HasPrefix(cleared, "__Host-tandem_session=;") || !strings.Contains(cleared, "Max-Age=0") || !strings.Contains(cleared, "Secure") {
		t.Errorf("signing out over https: %d, cookie %q, want the __Host- cookie cleared", out.Status, cleared)
	}
	e2etest.Expect(t, send("GET", "/inbox", pair, nil), 303, "the session after signing out")
}
