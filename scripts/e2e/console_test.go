package e2e

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/localtest"
)

// browserClient keeps cookies like a browser and shows redirects instead of
// following them.
type browserClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, e *localtest.Env) *browserClient {
	jar, _ := cookiejar.New(nil)
	return &browserClient{t: t, base: e.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type pageResult struct {
	Status int
	Body   string
	Header http.Header
}

// do sends a request as the browser would; headers are name, value pairs
// (what a browser adds on its own: Origin, Sec-Fetch-Site).
func (b *browserClient) do(method, path string, form url.Values, headers ...string) pageResult {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	link := path
	if strings.HasPrefix(path, "/") {
		link = b.base + path
	}
	req, _ := http.NewRequest(method, link, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return pageResult{Status: res.StatusCode, Body: string(out), Header: res.Header}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, html string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no form token in the page:\n%.2000s", html)
	}
	return m[1]
}

// signIn walks the sign-in flow as a person does and returns the browser.
func signIn(t *testing.T, e *localtest.Env, email string) *browserClient {
	t.Helper()
	b := newBrowser(t, e)
	seen := countMails(t, e, email, "Your sign-in link")
	p := b.do("GET", "/login", nil)
	if p.Status != 200 {
		t.Fatalf("login page: %d", p.Status)
	}
	if p = b.do("POST", "/login", url.Values{"csrf": {csrfOf(t, p.Body)}, "email": {email}, "next": {"/inbox"}}); p.Status != 200 || !strings.Contains(p.Body, "Check your email") {
		t.Fatalf("asking for a sign-in link: %d %.500s", p.Status, p.Body)
	}
	link := linkIn(t, e.NthMail(email, "Your sign-in link", seen+1), "/login/")
	p = b.do("GET", link, nil)
	if p.Status != 200 {
		t.Fatalf("sign-in link page: %d %.500s", p.Status, p.Body)
	}
	if p = b.do("POST", link, url.Values{"csrf": {csrfOf(t, p.Body)}}); p.Status != 303 || (p.Header.Get("Location") != "/inbox" && p.Header.Get("Location") != "/operator") {
		t.Fatalf("signing in: %d to %q", p.Status, p.Header.Get("Location"))
	}
	return b
}

// The console over HTTP: sign-in by mail link (no enumeration, single use,
// the cookie's flags), the inbox, a case page and its accept form (form
// token checked, errors beside the field), another tenant's case a 404,
// the mail's action link without a session (once), sign-out ending the
// session on the server, and revoking a user ending theirs.
func TestConsoleOverHTTP(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := newHost(t, e, "Console Host", map[string]any{"payment": "host"})
	dep := hostDepartment(t, e, h)
	_, ptok := livePartner(t, e, h, "Console Partner")
	hostEng := e.Addr("host-engineer")
	expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Hana Host", "email": hostEng, "roles": []string{"engineer"}}), 201, "host engineer")
	c := expect(t, e.Do("POST", "/v1/cases", ptok, caseBody(dep, h.ProgramID)), 201, "open a case").Str("id")

	anon := newBrowser(t, e)
	if p := anon.do("GET", "/inbox?status=open", nil); p.Status != 303 || p.Header.Get("Location") != "/login?next=%2Finbox%3Fstatus%3Dopen" {
		t.Fatalf("the inbox without a session: %d to %q, want 303 to /login?next=…", p.Status, p.Header.Get("Location"))
	}
	login := anon.do("GET", "/login", nil)
	if p := anon.do("POST", "/login", url.Values{"email": {hostEng}}); p.Status != 403 {
		t.Fatalf("the sign-in form without its token: %d, want 403", p.Status)
	}
	known := anon.do("POST", "/login", url.Values{"csrf": {csrfOf(t, login.Body)}, "email": {hostEng}})
	unknown := anon.do("POST", "/login", url.Values{"csrf": {csrfOf(t, login.Body)}, "email": {e.Addr("nobody")}})
	if known.Status != 200 || unknown.Status != 200 ||
		strings.ReplaceAll(known.Body, hostEng, "X") != strings.ReplaceAll(unknown.Body, e.Addr("nobody"), "X") {
		t.Fatalf("a user and a stranger get different answers: %d / %d", known.Status, unknown.Status)
	}
	link := linkIn(t, e.Mail(hostEng, "Your sign-in link"), "/login/")
	confirm := anon.do("GET", link, nil)
	token := csrfOf(t, confirm.Body)
	signedIn := anon.do("POST", link, url.Values{"csrf": {token}})
	cookie := signedIn.Header.Get("Set-Cookie")
	if signedIn.Status != 303 || !strings.HasPrefix(cookie, "tandem_session=ses_") {
		t.Fatalf("signing in: %d, cookie %q", signedIn.Status, cookie)
	}
	for _, flag := range []string{"HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"} {
		if !strings.Contains(cookie, flag) {
			t.Errorf("the session cookie lacks %s: %s", flag, cookie)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("the cookie is Secure over plain http (the local stack): %s", cookie)
	}
	// The link worked once: a replay starts no session.
	replay := newBrowser(t, e)
	if p := replay.do("POST", link, url.Values{"csrf": {token}}); p.Status != 409 || p.Header.Get("Set-Cookie") != "" {
		t.Fatalf("a replayed sign-in link: %d, cookie %q, want 409 and none", p.Status, p.Header.Get("Set-Cookie"))
	}
	b := anon // now signed in
	inbox := b.do("GET", "/inbox", nil)
	if inbox.Status != 200 || !strings.Contains(inbox.Body, `href="/cases/`+c+`"`) || !strings.Contains(inbox.Body, "Console Partner") {
		t.Fatalf("the inbox: %d %.1500s", inbox.Status, inbox.Body)
	}
	page := b.do("GET", "/cases/"+c, nil)
	if page.Status != 200 || !strings.Contains(page.Body, "Accept the case") || !strings.Contains(page.Body, "VMs freeze during array snapshots") {
		t.Fatalf("the case page: %d %.1500s", page.Status, page.Body)
	}
	form := csrfOf(t, page.Body)
	if p := b.do("POST", "/cases/"+c+"/accept", url.Values{"engineer.name": {"Hana"}, "engineer.email": {hostEng}}); p.Status != 403 {
		t.Fatalf("accepting without the form token: %d, want 403", p.Status)
	}
	bad := b.do("POST", "/cases/"+c+"/accept", url.Values{"csrf": {form}, "engineer.name": {"Hana"}, "engineer.email": {"not-an-address"}})
	if bad.Status != 422 || !strings.Contains(bad.Body, `id="accept-engineer-email-error"`) || !strings.Contains(bad.Body, `value="Hana"`) {
		t.Fatalf("an invalid accept: %d %.1500s", bad.Status, bad.Body)
	}
	ok := b.do("POST", "/cases/"+c+"/accept", url.Values{"csrf": {form}, "engineer.name": {"Hana"}, "engineer.email": {hostEng}, "receiverCaseNumber": {"H-1"}})
	if ok.Status != 303 || ok.Header.Get("Location") != "/cases/"+c+"?done=accept" {
		t.Fatalf("accepting: %d to %q", ok.Status, ok.Header.Get("Location"))
	}
	if got := e.Do("GET", "/v1/cases/"+c, ptok, nil); got.Str("status") != "accepted" {
		t.Fatalf("after accepting on the page the case is %s", got.Str("status"))
	}
	// The same form sent again from the stale page: a lost race says what changed.
	stale := b.do("POST", "/cases/"+c+"/accept", url.Values{"csrf": {form}, "engineer.name": {"Hana"}, "engineer.email": {hostEng}})
	if stale.Status != 409 || !strings.Contains(stale.Body, "The case changed while you were looking at it") || !strings.Contains(stale.Body, "accepted") {
		t.Fatalf("accepting twice: %d %.1500s", stale.Status, stale.Body)
	}
	// Another tenant's case does not exist for this session.
	other := newHost(t, e, "Other Host", map[string]any{"payment": "host"})
	odep := hostDepartment(t, e, other)
	_, otok := livePartner(t, e, other, "Other Partner")
	oc := expect(t, e.Do("POST", "/v1/cases", otok, caseBody(odep, other.ProgramID)), 201, "the other case").Str("id")
	if p := b.do("GET", "/cases/"+oc, nil); p.Status != 404 {
		t.Fatalf("another tenant's case page: %d, want 404", p.Status)
	}

	// The mail's accept link, without a session, acts once.
	c2 := expect(t, e.Do("POST", "/v1/cases", ptok, set(caseBody(dep, h.ProgramID), "summary", "Second case", false)), 201, "second case").Str("id")
	accept := linkIn(t, e.Mail(e.Addr("storage-support"), "Second case"), "/r/")
	stranger := newBrowser(t, e)
	if p := stranger.do("GET", accept, nil); p.Status != 200 || !strings.Contains(p.Body, "Accept the case") {
		t.Fatalf("the mail's accept link: %d %.800s", p.Status, p.Body)
	}
	if e.Do("GET", "/v1/cases/"+c2, ptok, nil).Str("status") != "open" {
		t.Fatal("opening the mail's link changed the case")
	}
	if p := stranger.do("POST", accept, url.Values{"engineer.name": {"Mo Mail"}, "engineer.email": {"not-an-address"}}); p.Status != 422 {
		t.Fatalf("the mail link's form with an invalid address: %d", p.Status)
	}
	if p := stranger.do("POST", accept, url.Values{"engineer.name": {"Mo Mail"}, "engineer.email": {e.Addr("mo")}}); p.Status != 200 || !strings.Contains(p.Body, "accepted") {
		t.Fatalf("accepting from the mail: %d %.800s", p.Status, p.Body)
	}
	if p := stranger.do("POST", accept, url.Values{"engineer.name": {"Mo Mail"}, "engineer.email": {e.Addr("mo")}}); p.Status != 409 || !strings.Contains(p.Body, "already used") {
		t.Fatalf("the mail link a second time: %d %.800s", p.Status, p.Body)
	}
	if got := e.Do("GET", "/v1/cases/"+c2, ptok, nil); got.Str("status") != "accepted" {
		t.Fatalf("after the mail link the case is %s", got.Str("status"))
	}

	// Signing out ends the session on the server: the old cookie no longer works.
	old := b.c.Jar.Cookies(mustURL(t, e.URL))
	if p := b.do("POST", "/logout", url.Values{"csrf": {form}}); p.Status != 303 || p.Header.Get("Location") != "/login" {
		t.Fatalf("signing out: %d to %q", p.Status, p.Header.Get("Location"))
	}
	thief := newBrowser(t, e)
	thief.c.Jar.SetCookies(mustURL(t, e.URL), old)
	if p := thief.do("GET", "/inbox", nil); p.Status != 303 {
		t.Fatalf("the cookie after signing out: %d, want 303 to sign in", p.Status)
	}

	// Revoking a user ends their sessions.
	pe := e.Addr("partner-eng")
	pu := expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Pat", "email": pe, "roles": []string{"engineer"}}), 201, "second engineer")
	pb := signIn(t, e, pe)
	if p := pb.do("GET", "/outbox", nil); p.Status != 200 {
		t.Fatalf("outbox: %d", p.Status)
	}
	expect(t, e.Do("DELETE", "/v1/members/"+h.MemberID+"/users/"+pu.Str("id"), h.Admin, nil), 200, "revoke")
	if p := pb.do("GET", "/outbox", nil); p.Status != 303 {
		t.Fatalf("a revoked user's session: %d, want 303 to sign in", p.Status)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
