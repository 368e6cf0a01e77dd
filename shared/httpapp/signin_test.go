package httpapp_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"
)

// askLink asks for a sign-in link for email from the sign-in page, as a
// person does, and returns the link's path from the mail.
func askLink(e *httpapptest.Env, email, next string) string {
	e.T.Helper()
	b := e.Browser()
	f := b.Get("/login").Expect(200, "the sign-in page").Form("/login")
	if f == nil {
		e.T.Fatal("the sign-in page offers no form to /login")
	}
	before := len(httpapptest.Links(e.Mails(email), "/login/"))
	if p := b.Submit(f, url.Values{"email": {email}, "next": {next}}).Expect(200, "asking for a sign-in link for "+email); !strings.Contains(p.Text(), "Check your email") {
		e.T.Fatalf("asking for a sign-in link for %s: %d %.500s", email, p.Status, p.Text())
	}
	links := httpapptest.Links(e.Mails(email), "/login/")
	if len(links) != before+1 {
		e.T.Fatalf("asking for a sign-in link for %s mailed %d links", email, len(links)-before)
	}
	return links[len(links)-1]
}

func nextIn(body string) string {
	_, after, ok := strings.Cut(body, `name="next" value="`)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, `"`)
	return v
}

// next stays on this site: a control character (raw or percent-encoded),
// whitespace, a backslash, a second slash at the start or a scheme sends
// the person to the inbox; a console path with its query is kept. (`/%09/host`
// — a tab, which browsers drop from a Location — once got through, and the
// server redirected off-site after sign-in.) (Was scripts/e2e
// TestSignInNextStaysOnSite.)
func TestSignInNextStaysOnSite(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Nexus", nil)
	ann := e.AddUser(h.Member, "Ann Able", "engineer").Email
	bad := []string{"/\t/evil.example", "/%09/evil.example", "/%0a/evil.example", "/%0d%0a/evil.example", "/%00/x", "/ /evil.example",
		"/\\evil.example", "/%5cevil.example", "//evil.example", "/%2f/evil.example", "/%2F%2Fevil.example", "https://evil.example/",
		"javascript:alert(1)", "/%252f%252fevil.example", "/\u2028/evil.example", "/inbox\x7f", "/" + strings.Repeat("a", 600), "%zz", "inbox"}
	for _, next := range bad {
		p := e.Browser().Get("/login?next="+url.QueryEscape(next)).Expect(200, fmt.Sprintf("next %q", next))
		if !strings.Contains(string(p.Body), `name="next" value="/inbox"`) {
			t.Errorf("next %q: %d, the form carries %q, want /inbox", next, p.Status, nextIn(string(p.Body)))
		}
	}
	for next, want := range map[string]string{"/%09/evil.example": "/inbox", "/\t/evil.example": "/inbox", "/outbox?status=open": "/outbox?status=open"} {
		link := askLink(e, ann, next)
		anon := e.Browser()
		f := anon.Get(link).Expect(200, "the sign-in link's page").Form(link)
		if f == nil {
			t.Fatalf("the sign-in link's page offers no form to %s", link)
		}
		if p := anon.Submit(f, nil).Expect(303, fmt.Sprintf("signing in with next %q", next)); p.Location() != want {
			t.Errorf("signing in with next %q: %d to %q, want 303 to %q", next, p.Status, p.Location(), want)
		}
	}
}

// A session ends 90 days after its sign-in however active it was: the
// sliding 30 days stop at the cap. (A session used once a month once
// lasted for ever.) (Was scripts/e2e TestSessionsEndNinetyDaysAfterSignIn.)
func TestSessionsEndNinetyDaysAfterSignIn(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Lasting", nil)
	ann := e.AddUser(h.Member, "Ann Able", "engineer")
	b := e.SignedIn(ann.MemberID, ann.UserID)
	for day := 29; day <= 87; day += 29 {
		e.Advance(29 * 24 * time.Hour)
		b.Get("/inbox").Expect(200, fmt.Sprintf("day %d of an active session", day))
	}
	e.Advance(3*24*time.Hour - time.Minute)
	b.Get("/inbox").Expect(200, "a minute before 90 days")
	e.Advance(2 * time.Minute)
	if p := b.Get("/inbox").Expect(303, "a minute after 90 days"); !strings.HasPrefix(p.Location(), "/login") {
		t.Fatalf("a minute after 90 days: %d to %q, want 303 to sign in", p.Status, p.Location())
	}
}
