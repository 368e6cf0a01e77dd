package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// The console over HTTP: sign-in by mail link (no enumeration, single use,
// the cookie's flags), the inbox, a case page and its accept form (form
// token checked, errors beside the field), another tenant's case a 404,
// the mail's action link without a session (once), sign-out ending the
// session on the server, and revoking a user ending theirs.
func TestConsoleOverHTTP(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Console Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Console Partner")
	hostEng := e.Addr("host-engineer")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Hana Host", "email": hostEng, "roles": []string{"engineer"}}), 201, "host engineer")
	c := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "open a case").Str("id")

	anon := e2etest.NewClient(t, e)
	if p := e2etest.Expect(t, anon.Do("GET", "/inbox?status=open", nil), 303, "the inbox without a session"); p.Header.Get("Location") != "/login?next=%2Finbox%3Fstatus%3Dopen" {
		t.Fatalf("the inbox without a session: %d to %q, want 303 to /login?next=…", p.Status, p.Header.Get("Location"))
	}
	login := anon.Do("GET", "/login", nil)
	e2etest.Expect(t, anon.Do("POST", "/login", url.Values{"email": {hostEng}}), 403, "the sign-in form without its token")
	known := e2etest.Expect(t, anon.Do("POST", "/login", url.Values{"csrf": {e2etest.CSRFOf(t, login.Body)}, "email": {hostEng}}), 200, "a user asks for a sign-in link")
	unknown := e2etest.Expect(t, anon.Do("POST", "/login", url.Values{"csrf": {e2etest.CSRFOf(t, login.Body)}, "email": {e.Addr("nobody")}}), 200, "a stranger asks for a sign-in link")
	if strings.ReplaceAll(known.Body, hostEng, "X") != strings.ReplaceAll(unknown.Body, e.Addr("nobody"), "X") {
		t.Fatalf("a user and a stranger get different answers: %d / %d", known.Status, unknown.Status)
	}
	link := e2etest.LinkIn(t, e.Mail(hostEng, "Your sign-in link"), "/login/")
	confirm := anon.Do("GET", link, nil)
	token := e2etest.CSRFOf(t, confirm.Body)
	signedIn := anon.Do("POST", link, url.Values{"csrf": {token}})
	cookie := signedIn.Header.Get("Set-Cookie")
	e2etest.Expect(t, signedIn, 303, "signing in")
	if !strings.HasPrefix(cookie, "tandem_session=ses_") {
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
	replay := e2etest.NewClient(t, e)
	if p := e2etest.Expect(t, replay.Do("POST", link, url.Values{"csrf": {token}}), 409, "a replayed sign-in link"); p.Header.Get("Set-Cookie") != "" {
		t.Fatalf("a replayed sign-in link: %d, cookie %q, want 409 and none", p.Status, p.Header.Get("Set-Cookie"))
	}
	b := anon // now signed in
	inbox := e2etest.Expect(t, b.Do("GET", "/inbox", nil), 200, "the inbox")
	if !strings.Contains(inbox.Body, `href="/cases/`+c+`"`) || !strings.Contains(inbox.Body, "Console Partner") {
		t.Fatalf("the inbox: %d %.1500s", inbox.Status, inbox.Body)
	}
	page := e2etest.Expect(t, b.Do("GET", "/cases/"+c, nil), 200, "the case page")
	if !strings.Contains(page.Body, "Accept the case") || !strings.Contains(page.Body, "VMs freeze during array snapshots") {
		t.Fatalf("the case page: %d %.1500s", page.Status, page.Body)
	}
	form := e2etest.CSRFOf(t, page.Body)
	e2etest.Expect(t, b.Do("POST", "/cases/"+c+"/accept", url.Values{"engineer.name": {"Hana"}, "engineer.email": {hostEng}}), 403, "accepting without the form token")
	bad := e2etest.Expect(t, b.Do("POST", "/cases/"+c+"/accept", url.Values{"csrf": {form}, "engineer.name": {"Hana"}, "engineer.email": {"not-an-address"}}), 422, "an invalid accept")
	if !strings.Contains(bad.Body, `id="accept-engineer-email-error"`) || !strings.Contains(bad.Body, `value="Hana"`) {
		t.Fatalf("an invalid accept: %d %.1500s", bad.Status, bad.Body)
	}
	ok := e2etest.Expect(t, b.Do("POST", "/cases/"+c+"/accept", url.Values{"csrf": {form}, "engineer.name": {"Hana"}, "engineer.email": {hostEng}, "receiverCaseNumber": {"H-1"}}), 303, "accepting")
	if ok.Header.Get("Location") != "/cases/"+c+"?done=accept" {
		t.Fatalf("accepting: %d to %q", ok.Status, ok.Header.Get("Location"))
	}
	if got := e.Do("GET", "/v1/cases/"+c, ptok, nil); got.Str("status") != "accepted" {
		t.Fatalf("after accepting on the page the case is %s", got.Str("status"))
	}
	// The same form sent again from the stale page: a lost race says what changed.
	stale := e2etest.Expect(t, b.Do("POST", "/cases/"+c+"/accept", url.Values{"csrf": {form}, "engineer.name": {"Hana"}, "engineer.email": {hostEng}}), 409, "accepting twice")
	if !strings.Contains(stale.Body, "The case changed while you were looking at it") || !strings.Contains(stale.Body, "accepted") {
		t.Fatalf("accepting twice: %d %.1500s", stale.Status, stale.Body)
	}
	// Another tenant's case does not exist for this session.
	other := e2etest.NewHost(t, e, "Other Host", map[string]any{"payment": "host"})
	odep := e2etest.HostDepartment(t, e, other)
	_, otok := e2etest.LivePartner(t, e, other, "Other Partner")
	oc := e2etest.Expect(t, e.Do("POST", "/v1/cases", otok, e2etest.CaseBody(odep, other.ProgramID)), 201, "the other case").Str("id")
	e2etest.Expect(t, b.Do("GET", "/cases/"+oc, nil), 404, "another tenant's case page")

	// The mail's accept link, without a session, acts once.
	c2 := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "summary", "Second case", false)), 201, "second case").Str("id")
	accept := e2etest.LinkIn(t, e.Mail(e.Addr("storage-support"), "Second case"), "/r/")
	stranger := e2etest.NewClient(t, e)
	if p := e2etest.Expect(t, stranger.Do("GET", accept, nil), 200, "the mail's accept link"); !strings.Contains(p.Body, "Accept the case") {
		t.Fatalf("the mail's accept link: %d %.800s", p.Status, p.Body)
	}
	if e.Do("GET", "/v1/cases/"+c2, ptok, nil).Str("status") != "open" {
		t.Fatal("opening the mail's link changed the case")
	}
	e2etest.Expect(t, stranger.Do("POST", accept, url.Values{"engineer.name": {"Mo Mail"}, "engineer.email": {"not-an-address"}}), 422, "the mail link's form with an invalid address")
	if p := e2etest.Expect(t, stranger.Do("POST", accept, url.Values{"engineer.name": {"Mo Mail"}, "engineer.email": {e.Addr("mo")}}), 200, "accepting from the mail"); !strings.Contains(p.Body, "accepted") {
		t.Fatalf("accepting from the mail: %d %.800s", p.Status, p.Body)
	}
	if p := e2etest.Expect(t, stranger.Do("POST", accept, url.Values{"engineer.name": {"Mo Mail"}, "engineer.email": {e.Addr("mo")}}), 409, "the mail link a second time"); !strings.Contains(p.Body, "already used") {
		t.Fatalf("the mail link a second time: %d %.800s", p.Status, p.Body)
	}
	if got := e.Do("GET", "/v1/cases/"+c2, ptok, nil); got.Str("status") != "accepted" {
		t.Fatalf("after the mail link the case is %s", got.Str("status"))
	}

	// Signing out ends the session on the server: the old cookie no longer works.
	old := b.HTTP.Jar.Cookies(mustURL(t, e.URL))
	if p := e2etest.Expect(t, b.Do("POST", "/logout", url.Values{"csrf": {form}}), 303, "signing out"); p.Header.Get("Location") != "/login" {
		t.Fatalf("signing out: %d to %q", p.Status, p.Header.Get("Location"))
	}
	thief := e2etest.NewClient(t, e)
	thief.HTTP.Jar.SetCookies(mustURL(t, e.URL), old)
	e2etest.Expect(t, thief.Do("GET", "/inbox", nil), 303, "the cookie after signing out")

	// Revoking a user ends their sessions.
	pe := e.Addr("partner-eng")
	pu := e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Pat", "email": pe, "roles": []string{"engineer"}}), 201, "second engineer")
	pb := e2etest.SignIn(t, e, pe)
	e2etest.Expect(t, pb.Do("GET", "/outbox", nil), 200, "outbox")
	e2etest.Expect(t, e.Do("DELETE", "/v1/members/"+h.MemberID+"/users/"+pu.Str("id"), h.Admin, nil), 200, "revoke")
	e2etest.Expect(t, pb.Do("GET", "/outbox", nil), 303, "a revoked user's session")
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
