package e2etest

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

// Client is an HTTP client for Tandem's pages: it keeps cookies like a
// browser and shows redirects instead of following them. HTTP is the
// client underneath, for its cookie jar and transport.
type Client struct {
	t    *testing.T
	base string
	HTTP *http.Client
}

// NewClient is a Client of e's pages without a session.
func NewClient(t *testing.T, e *localtest.Env) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, base: e.URL, HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// PageResult is what a page answered.
type PageResult struct {
	Status int
	Body   string
	Header http.Header
}

// Do sends a request as a browser would: path is a link or a path on
// the Client's site; headers are name, value pairs
// (what a browser adds on its own: Origin, Sec-Fetch-Site).
func (b *Client) Do(method, path string, form url.Values, headers ...string) PageResult {
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
	res, err := b.HTTP.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return PageResult{Status: res.StatusCode, Body: string(out), Header: res.Header}
}

// Page fetches a page (GET) or posts a form to it, as a browser would,
// without cookies.
func Page(t *testing.T, method, link string, form url.Values) PageResult {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, link, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return PageResult{Status: res.StatusCode, Body: string(b), Header: res.Header}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// CSRFOf is the form token in a page; the test fails without one.
func CSRFOf(t *testing.T, html string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no form token in the page:\n%.2000s", html)
	}
	return m[1]
}

// SignIn walks the sign-in flow as a person does and returns the Client
// with the session.
func SignIn(t *testing.T, e *localtest.Env, email string) *Client {
	t.Helper()
	b := NewClient(t, e)
	seen := CountMails(t, e, email, "Your sign-in link")
	p := Expect(t, b.Do("GET", "/login", nil), 200, "login page")
	if p = Expect(t, b.Do("POST", "/login", url.Values{"csrf": {CSRFOf(t, p.Body)}, "email": {email}, "next": {"/inbox"}}), 200, "asking for a sign-in link"); !strings.Contains(p.Body, "Check your email") {
		t.Fatalf("asking for a sign-in link: %d %.500s", p.Status, p.Body)
	}
	link := LinkIn(t, e.NthMail(email, "Your sign-in link", seen+1), "/login/")
	p = Expect(t, b.Do("GET", link, nil), 200, "sign-in link page")
	if p = Expect(t, b.Do("POST", link, url.Values{"csrf": {CSRFOf(t, p.Body)}}), 303, "signing in"); p.Header.Get("Location") != "/inbox" && p.Header.Get("Location") != "/operator" {
		t.Fatalf("signing in: %d to %q", p.Status, p.Header.Get("Location"))
	}
	return b
}

// AskLink asks for a sign-in link for email with b, as a person does, and
// returns the link from the mail and the form token of its page.
func AskLink(t *testing.T, e *localtest.Env, b *Client, email, next string) (string, string) {
	t.Helper()
	seen := CountMails(t, e, email, "Your sign-in link")
	p := b.Do("GET", "/login", nil)
	if p = Expect(t, b.Do("POST", "/login", url.Values{"csrf": {CSRFOf(t, p.Body)}, "email": {email}, "next": {next}}), 200, "asking for a sign-in link for "+email); !strings.Contains(p.Body, "Check your email") {
		t.Fatalf("asking for a sign-in link for %s: %d %.500s", email, p.Status, p.Body)
	}
	link := LinkIn(t, e.NthMail(email, "Your sign-in link", seen+1), "/login/")
	p = Expect(t, b.Do("GET", link, nil), 200, "the sign-in link's page")
	return link, CSRFOf(t, p.Body)
}
