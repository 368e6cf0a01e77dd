package httpapp_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"
)

// signupTokenFor registers email for h's program and returns the token of
// the sign-up link mailed to it.
func signupTokenFor(e *httpapptest.Env, h httpapptest.Host, email string) string {
	e.T.Helper()
	link := e.SignupLink(h, email)
	q, _ := url.ParseQuery(link[strings.Index(link, "?")+1:])
	return q.Get("token")
}

// header is a response header by name, whatever its case.
func header(res *httpapptest.Response, name string) string {
	for k, v := range res.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// A sign-up's refusals name the field at fault; none uses up the link.
// (Was scripts/e2e TestSignupValidationNamesTheField.)
func TestSignupValidationNamesTheField(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Delta", nil)
	domain := "v.example"
	good := httpapptest.SignupBody(signupTokenFor(e, h, "ann@"+domain), "Valid Co", domain)

	cases := []struct {
		path  string
		value any
		del   bool
		field string
	}{
		{"token", nil, true, "token"},
		{"token", "sgn_forged", false, "token"},
		{"company.name", nil, true, "company.name"},
		{"company.website", "not a url", false, "company.website"},
		{"company.website", "javascript:alert(1)", false, "company.website"},
		{"company.country", "XX", false, "company.country"},
		{"contacts.primary.email", "nope", false, "contacts.primary.email"},
		{"contacts.support", nil, true, "contacts.support.name"},
		{"contacts.escalation.email", "a@b", false, "contacts.escalation.email"},
		{"contacts.billing.name", "", false, "contacts.billing.name"},
		{"contacts.primary.phone", "call me maybe", false, "contacts.primary.phone"},
		{"inbound.email", nil, true, "inbound.email"},
		{"inbound.phone", nil, true, "inbound.phone"},
		{"inbound.webhookUrl", "http://hooks.example/x", false, "inbound.webhookUrl"},
		{"inbound.hours", nil, true, "inbound.hours"},
		{"inbound.hours", "9to5", false, "inbound.hours"},
		{"inbound.hours.timezone", "Mars/Olympus", false, "inbound.hours.timezone"},
		{"inbound.hours.days", []string{"funday"}, false, "inbound.hours.days[0]"},
		{"inbound.hours.start", "8am", false, "inbound.hours.start"},
		{"acceptAddendum.name", nil, true, "acceptAddendum.name"},
		{"status", "active", false, "status"},
		{"memberId", "mem_x", false, "memberId"},
		{"company.size", 5, false, "company.size"},
		{"company.name", 42, false, "company.name"},
	}
	for _, c := range cases {
		t.Run(c.path+"/"+fmt.Sprint(c.value), func(t *testing.T) {
			res := e.Do("POST", "/v1/signups", "", httpapptest.Set(good, c.path, c.value, c.del))
			if res.Status != 422 {
				t.Fatalf("a sign-up with %s %v: got %d %s, want 422", c.path, c.value, res.Status, res.Body)
			}
			if _, ok := res.ErrorFields()[c.field]; !ok {
				t.Fatalf("error does not name %q: %s", c.field, res.Body)
			}
		})
	}
	t.Run("stale addendum version", func(t *testing.T) {
		res := e.Do("POST", "/v1/signups", "", httpapptest.Set(good, "acceptAddendum.version", "2025-9", false))
		if res.Status != 409 || res.ErrorFields()["acceptAddendum.version"] == nil {
			t.Fatalf("got %d %s, want 409 naming acceptAddendum.version", res.Status, res.Body)
		}
	})
	// None of the refused attempts used up the link.
	e.Do("POST", "/v1/signups", "", good).Expect(201, "the valid sign-up after the refusals")
}

// A program's refusals name the field at fault; a program is the host's
// own, its slug taken once and never changed, its SLA patched field by
// field at the current version. (Was scripts/e2e
// TestProgramValidationAndAccess.)
func TestProgramValidationAndAccess(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Epsilon", nil)
	stranger := e.NewMember("Stranger", "full").Admin.Token
	base := map[string]any{
		"slug": "eps-two", "name": "Second", "hostMemberId": h.ID, "type": "oem", "payment": "host",
		"primaryContact": map[string]any{"name": "A", "email": "a@partners.example"},
		"addendum":       map[string]any{"version": "1", "text": "t"},
	}
	cases := []struct {
		name   string
		path   string
		value  any
		del    bool
		status int
		field  string
	}{
		{"bad duration", "sla", map[string]any{"high": "2 hours"}, false, 422, "sla.high"},
		{"years in duration", "sla", map[string]any{"low": "P1Y"}, false, 422, "sla.low"},
		{"bad slug", "slug", "Has Spaces", false, 422, "slug"},
		{"bad type", "type", "reseller", false, 422, "type"},
		{"bands not increasing", "priceBands", []any{map[string]any{"upTo": 50, "unitCents": 100}, map[string]any{"upTo": 10, "unitCents": 50}}, false, 422, "priceBands[1].upTo"},
		{"bad banner url", "landing", map[string]any{"bannerUrl": "http://insecure.example/b.png"}, false, 422, "landing.bannerUrl"},
		{"bad start date", "startDate", "15/01/2026", false, 422, "startDate"},
		{"bad pre-approved", "preApproved", []string{"not an address"}, false, 422, "preApproved[0]"},
		{"bad form", "form", map[string]any{"fields": []any{map[string]any{"name": "1x", "label": "L", "type": "text"}}}, false, 422, "form.fields[0].name"},
		{"missing addendum", "addendum", nil, true, 422, "addendum.version"},
		{"unknown field", "version", 3, false, 422, "version"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := e.Do("POST", "/v1/programs", h.Admin.Token, httpapptest.Set(base, c.path, c.value, c.del))
			if res.Status != c.status || res.ErrorFields()[c.field] == nil {
				t.Fatalf("got %d %s, want %d naming %s", res.Status, res.Body, c.status, c.field)
			}
		})
	}
	withBands := httpapptest.Set(base, "priceBands", []any{map[string]any{"upTo": 10, "unitCents": 100}}, false)
	if res := e.Do("POST", "/v1/programs", h.Admin.Token, httpapptest.Set(withBands, "payment", "member", false)).Expect(422, "bands on a member-paid program"); res.ErrorFields()["priceBands"] == nil {
		t.Errorf("bands on a member-paid program: %d %s", res.Status, res.Body)
	}
	if res := e.Do("POST", "/v1/programs", stranger, base).Expect(422, "another member's program"); res.ErrorFields()["hostMemberId"] == nil {
		t.Errorf("another member's program: %d %s, want 422 naming hostMemberId", res.Status, res.Body)
	}
	created := e.Do("POST", "/v1/programs", h.Admin.Token, base).Expect(201, "create")
	if created.JSON()["sla"].(map[string]any)["low"] != "PT8H" {
		t.Fatalf("create: %d %s", created.Status, created.Body)
	}
	e.Do("POST", "/v1/programs", h.Admin.Token, base).Expect(409, "slug taken")
	id := created.Str("id")
	e.Do("GET", "/v1/programs/"+id, stranger, nil).Expect(404, "stranger reads program")
	e.Do("PATCH", "/v1/programs/"+id, stranger, map[string]any{"name": "x"}).Expect(404, "stranger patches program")
	patched := e.Do("PATCH", "/v1/programs/"+id, h.Admin.Token, map[string]any{"name": "Renamed", "sla": map[string]any{"high": "PT1H"}, "version": 1}).Expect(200, "rename the program and change its SLA")
	if patched.Str("name") != "Renamed" || patched.JSON()["sla"].(map[string]any)["high"] != "PT1H" || patched.JSON()["sla"].(map[string]any)["low"] != "PT8H" {
		t.Fatalf("patch: %d %s", patched.Status, patched.Body)
	}
	e.Do("PATCH", "/v1/programs/"+id, h.Admin.Token, map[string]any{"name": "Again", "version": 1}).Expect(409, "stale version")
	if res := e.Do("PATCH", "/v1/programs/"+id, h.Admin.Token, map[string]any{"slug": "new-slug"}).Expect(422, "changing the slug"); res.ErrorFields()["slug"] == nil {
		t.Errorf("changing the slug: %d %s", res.Status, res.Body)
	}
}

// Registration answers known and unknown addresses alike, 404 for an
// unknown program, 422 naming a bad address, 429 with Retry-After for the
// sixth request of an address in the hour; the landing page escapes the
// host's text and carries the security headers; unknown programs and bad
// sign-up links are pages saying so. (Was scripts/e2e
// TestRegistrationRulesAndPages.)
func TestRegistrationRulesAndPages(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Zeta", map[string]any{"landing": map[string]any{
		"about": `<script>alert("x")</script> We "partner".`, "bannerUrl": "https://cdn.example/banner.png",
		"links": []any{map[string]any{"title": "Guide", "url": "https://host.example/guide"}},
	}})
	reg := "/v1/programs/" + h.Slug + "/registrations"
	// Known and unknown addresses get the same answer; unknown programs 404.
	known := e.Do("POST", reg, "", map[string]any{"email": h.Admin.Email}).Expect(202, "registering a known address")
	unknown := e.Do("POST", reg, "", map[string]any{"email": "nobody@zeta-visitors.example"}).Expect(202, "registering an unknown address")
	if string(known.Body) != string(unknown.Body) {
		t.Errorf("known %d %s vs unknown %d %s", known.Status, known.Body, unknown.Status, unknown.Body)
	}
	e.Do("POST", "/v1/programs/no-such-program/registrations", "", map[string]any{"email": "a@b.example"}).Expect(404, "unknown program")
	if res := e.Do("POST", reg, "", map[string]any{"email": "not-an-email"}).Expect(422, "bad email"); res.ErrorFields()["email"] == nil {
		t.Errorf("bad email: %d %s", res.Status, res.Body)
	}
	// Rate limit per address: the 6th request in the hour is refused.
	var last *httpapptest.Response
	for range 6 {
		last = e.Do("POST", reg, "", map[string]any{"email": "eager@zeta-visitors.example"})
	}
	last.Expect(429, "6th registration")
	if header(last, "Retry-After") == "" {
		t.Errorf("6th registration: got %d (Retry-After %q), want 429 with Retry-After", last.Status, header(last, "Retry-After"))
	}

	page := e.Browser().Get("/p/"+h.Slug).Expect(200, "the landing page")
	body := string(page.Body)
	if !strings.Contains(body, "&lt;script&gt;") || strings.Contains(body, `<script>alert`) {
		t.Fatalf("landing page does not escape the host's text: %d\n%s", page.Status, body)
	}
	for _, want := range []string{`<label for="email">`, `https://cdn.example/banner.png`, "Zeta Partner Connect", `action="/p/` + h.Slug + `"`, "Guide"} {
		if !strings.Contains(body, want) {
			t.Errorf("landing page lacks %q", want)
		}
	}
	for k, want := range map[string]string{"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
		if !strings.Contains(header(page, k), want) {
			t.Errorf("header %s = %q, want it to contain %q", k, header(page, k), want)
		}
	}
	notFound := e.Browser().Get("/p/no-such-program").Expect(404, "unknown slug")
	if !strings.Contains(header(notFound, "Content-Type"), "text/html") || !strings.Contains(string(notFound.Body), "Page not found") {
		t.Errorf("unknown slug: %d %s %s", notFound.Status, header(notFound, "Content-Type"), notFound.Body)
	}
	expired := e.Browser().Get("/p/"+h.Slug+"/signup?token=sgn_nonsense").Expect(404, "bad sign-up link page")
	if !strings.Contains(string(expired.Body), "Get a new link") {
		t.Errorf("bad sign-up link page: %d %s", expired.Status, expired.Body)
	}
}

// Enrollments are the host's and the partner's: strangers get 404, the
// host's engineers read but do not decide; a bad status filter is a 422,
// unknown ids and tokens 404; the program's list pages through every
// enrollment and filters by status. (Was scripts/e2e
// TestEnrollmentAccessAndLists.)
func TestEnrollmentAccessAndLists(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Lister", nil)
	var ps []httpapptest.Partner
	for i := range 5 {
		ps = append(ps, e.SignUp(h, fmt.Sprintf("Partner %d", i)))
	}
	stranger := e.NewMember("Nosy", "full").Admin.Token
	eng := h.Engineer.Token
	id := ps[0].EnrollmentID
	for name, c := range map[string]struct {
		method, path, token string
		status              int
	}{
		"stranger reads":           {"GET", "/v1/enrollments/" + id, stranger, 404},
		"stranger approves":        {"POST", "/v1/enrollments/" + id + "/approve", stranger, 404},
		"stranger lists":           {"GET", "/v1/programs/" + h.ProgramID + "/enrollments", stranger, 404},
		"host engineer approves":   {"POST", "/v1/enrollments/" + id + "/approve", eng, 403},
		"host engineer reads":      {"GET", "/v1/enrollments/" + id, eng, 200},
		"bad status filter":        {"GET", "/v1/programs/" + h.ProgramID + "/enrollments?status=happy", h.Admin.Token, 422},
		"garbage id":               {"GET", "/v1/enrollments/enr_nope", h.Admin.Token, 404},
		"unknown validation token": {"POST", "/v1/validations/val_nope/acknowledge", "", 404},
		"unknown credential token": {"POST", "/v1/credentials/crd_nope/claim", "", 404},
	} {
		t.Run(name, func(t *testing.T) {
			if res := e.Do(c.method, c.path, c.token, nil); res.Status != c.status {
				t.Fatalf("%s: got %d %s, want %d", name, res.Status, res.Body, c.status)
			}
		})
	}
	e.Do("POST", "/v1/enrollments/"+ps[1].EnrollmentID+"/approve", h.Admin.Token, nil).Expect(200, "approve")
	e.Do("POST", "/v1/enrollments/"+ps[2].EnrollmentID+"/reject", h.Admin.Token, map[string]any{"reason": "no"}).Expect(200, "reject")
	seen := map[string]bool{}
	cursor := ""
	for range 10 {
		res := e.Do("GET", "/v1/programs/"+h.ProgramID+"/enrollments?limit=2&cursor="+url.QueryEscape(cursor), h.Admin.Token, nil).Expect(200, "list")
		for _, it := range res.Items() {
			seen[it.(map[string]any)["id"].(string)] = true
		}
		if cursor = res.Str("nextCursor"); cursor == "" {
			break
		}
	}
	if len(seen) != 5 {
		t.Errorf("paged through %d enrollments, want 5", len(seen))
	}
	pending := e.Do("GET", "/v1/programs/"+h.ProgramID+"/enrollments?status=pending_approval", h.Admin.Token, nil).Expect(200, "pending")
	if n := len(pending.Items()); n != 3 {
		t.Errorf("pending: %d, want 3", n)
	}
	if res := e.Do("GET", "/v1/programs/"+h.ProgramID+"/enrollments?status=rejected", h.Admin.Token, nil).Expect(200, "rejected"); len(res.Items()) != 1 {
		t.Errorf("rejected: %s", res.Body)
	}
}

// Registrations are limited per client, 30 an hour, with Retry-After; a
// quiet client is not held up by a noisy one. An idempotency key belongs to
// the user who sent it: the same key from another user is a new request,
// from its own user a replay. (Was scripts/e2e
// TestRegistrationIsLimitedPerClientAndKeysPerUser.)
func TestRegistrationIsLimitedPerClientAndKeysPerUser(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Busy", nil)
	register := func(ip, email string) *httpapptest.Response {
		return e.Serve(httpapptest.Request{Method: "POST", Path: "/v1/programs/" + h.Slug + "/registrations", Body: map[string]any{"email": email}, SourceIP: ip})
	}
	limited := 0
	for i := range 40 {
		res := register("203.0.113.2", fmt.Sprintf("n%d@noisy.example", i))
		if res.Status == 429 {
			if header(res, "Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
			limited++
			continue
		}
		res.Expect(202, fmt.Sprintf("registration %d", i))
	}
	if limited != 10 {
		t.Fatalf("%d of 40 registrations from one client were limited, want 10 (30 an hour)", limited)
	}
	register("203.0.113.3", "calm@calm.example").Expect(202, "another client after the noisy one")

	second := e.Do("POST", "/v1/members/"+h.ID+"/users", h.Admin.Token, map[string]any{"name": "Second Admin", "email": "second-admin@" + h.Domain, "roles": []string{"admin"}}).Expect(201, "second admin")
	body := map[string]any{"name": "Same", "programIds": []string{h.ProgramID}, "inbound": map[string]any{"email": "same@" + h.Domain, "hours": "24x7", "escalation": map[string]any{"name": "E", "email": "same-esc@" + h.Domain}}}
	a := e.Do("POST", "/v1/members/"+h.ID+"/departments", h.Admin.Token, body, "Idempotency-Key", "same-key").Expect(201, "one key from the first user")
	b := e.Do("POST", "/v1/members/"+h.ID+"/departments", second.Str("token"), body, "Idempotency-Key", "same-key").Expect(201, "one key from the second user")
	if a.Str("id") == b.Str("id") || header(b, "Idempotent-Replayed") != "" {
		t.Fatalf("one key from two users: %d %s / %d %s (replayed %q), want two departments", a.Status, a.Body, b.Status, b.Body, header(b, "Idempotent-Replayed"))
	}
	if again := e.Do("POST", "/v1/members/"+h.ID+"/departments", h.Admin.Token, body, "Idempotency-Key", "same-key"); again.Str("id") != a.Str("id") {
		t.Fatalf("the same user's retry: %s, want the replay of %s", again.Str("id"), a.Str("id"))
	}
}
