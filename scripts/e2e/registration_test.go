package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

func TestRegistrationAndSignupOverTheAPI(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Acme", nil)
	domain := "globex." + e.Domain
	email := "ann@" + domain
	tok := e2etest.SignupToken(t, e, h.Slug, email)

	res := e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.SignupBody(tok, "Globex", domain)), 201, "sign-up")
	if res.Str("status") != "pending_approval" || !strings.HasPrefix(res.Str("memberId"), "mem_") {
		t.Fatalf("sign-up: %d %s", res.Status, res.Body)
	}
	hostMail := e.Mail(h.Notify, "New partner sign-up for Acme Partner Connect: Globex")
	for _, want := range []string{"support@" + domain, "Europe/Berlin", "/h/", "version 2026-1, accepted by Pat Partner (CEO)"} {
		if !strings.Contains(hostMail.Body.Text, want) {
			t.Errorf("host mail lacks %q:\n%s", want, hostMail.Body.Text)
		}
	}
	confirm := e.Mail(email, "We received your sign-up")
	if !strings.Contains(confirm.From, "Acme Partner Connect") {
		t.Errorf("partner mail is not co-branded: from %q", confirm.From)
	}
	invoice := e.Mail("billing@"+domain, "Invoice")
	if !strings.Contains(invoice.Body.Text, "USD 500.00") {
		t.Errorf("membership invoice mail: %s", invoice.Body.Text)
	}
	// The link is single use.
	e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.SignupBody(tok, "Globex", domain)), http.StatusConflict, "reusing the link")
}

func TestSameCompanyJoinsAsOneMember(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	a := e2etest.NewHost(t, e, "Alpha", nil)
	b := e2etest.NewHost(t, e, "Beta", map[string]any{"payment": "host"})
	domain := "initech." + e.Domain

	first := e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.SignupBody(e2etest.SignupToken(t, e, a.Slug, "ann@"+domain), "Initech", domain)), 201, "Ann's sign-up to Alpha")
	second := e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.SignupBody(e2etest.SignupToken(t, e, b.Slug, "bob@"+domain), "Initech", domain)), 201, "Bob's sign-up to Beta")
	if first.Str("memberId") != second.Str("memberId") {
		t.Fatalf("two members for one company: %s and %s", first.Str("memberId"), second.Str("memberId"))
	}
	// The second person does not speak for the member the first created
	// until its contact consents (TestJoiningAnExistingMemberNeedsItsConsent).
	if second.Str("status") != "pending_member_consent" {
		t.Fatalf("a second sign-up of a known company: %s, want pending_member_consent", second.Str("status"))
	}
	if first.Str("enrollmentId") == second.Str("enrollmentId") {
		t.Fatal("one enrollment for two programs")
	}
	// The same program again, even with a fresh link, is a conflict.
	dup := e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.SignupBody(e2etest.SignupToken(t, e, a.Slug, "carl@"+domain), "Initech", domain)), http.StatusConflict, "same program twice")
	if !strings.Contains(dup.ErrorMessage(), "already enrolled") {
		t.Fatalf("same program twice: got %d %s, want 409", dup.Status, dup.Body)
	}
	// A host-paid program sends no invoice.
	for _, m := range e.MailsTo("billing@" + domain) {
		if strings.Contains(m.Subject, "Beta") {
			t.Errorf("host-paid program invoiced the partner: %s", m.Subject)
		}
	}
}

func TestConcurrentSignupsOfANewCompanyMakeOneMember(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	hosts := []e2etest.Host{e2etest.NewHost(t, e, "One", nil), e2etest.NewHost(t, e, "Two", nil), e2etest.NewHost(t, e, "Three", nil), e2etest.NewHost(t, e, "Four", nil)}
	domain := "umbrella." + e.Domain
	var tokens []string
	for i, h := range hosts {
		tokens = append(tokens, e2etest.SignupToken(t, e, h.Slug, fmt.Sprintf("p%d@%s", i, domain)))
	}
	var wg sync.WaitGroup
	answers := make([]localtest.Response, len(tokens))
	for i, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = e.Do("POST", "/v1/signups", "", e2etest.SignupBody(tok, "Umbrella", domain))
		}()
	}
	wg.Wait()
	members := make([]string, len(tokens))
	for i, res := range answers {
		members[i] = e2etest.Expect(t, res, 201, fmt.Sprintf("sign-up %d", i)).Str("memberId")
	}
	for _, m := range members[1:] {
		if m != members[0] {
			t.Fatalf("concurrent sign-ups made several members: %v", members)
		}
	}
}

func TestPreApprovedSkipsApproval(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	domain := "trusted." + e.Domain
	h := e2etest.NewHost(t, e, "Gamma", map[string]any{"preApproved": []string{domain}})
	res := e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.SignupBody(e2etest.SignupToken(t, e, h.Slug, "ann@"+domain), "Trusted", domain)), 201, "pre-approved sign-up")
	if res.Str("status") != "validating" {
		t.Fatalf("pre-approved sign-up: %d %s", res.Status, res.Body)
	}
	test := e.Mail("support@"+domain, "[Test case]")
	e2etest.LinkIn(t, test, "/v/val_")
}

func TestSignupValidationNamesTheField(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Delta", nil)
	domain := "v." + e.Domain
	tok := e2etest.SignupToken(t, e, h.Slug, "ann@"+domain)
	good := e2etest.SignupBody(tok, "Valid Co", domain)

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
			res := e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.Set(good, c.path, c.value, c.del)), 422, "a sign-up with "+c.path+" "+fmt.Sprint(c.value))
			if _, ok := res.ErrorFields()[c.field]; !ok {
				t.Fatalf("error does not name %q: %s", c.field, res.Body)
			}
		})
	}
	t.Run("stale addendum version", func(t *testing.T) {
		res := e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.Set(good, "acceptAddendum.version", "2025-9", false)), 409, "a sign-up accepting a stale addendum version")
		if res.ErrorFields()["acceptAddendum.version"] == nil {
			t.Fatalf("got %d %s, want 409 naming acceptAddendum.version", res.Status, res.Body)
		}
	})
	// None of the refused attempts used up the link.
	e2etest.Expect(t, e.Do("POST", "/v1/signups", "", good), 201, "the valid sign-up after the refusals")
}

func TestProgramValidationAndAccess(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Epsilon", nil)
	other := e.Do("POST", "/v1/members", e.Operator, e2etest.NewMemberBody(e, "Stranger", "full"))
	stranger := other.Str("adminToken")
	base := map[string]any{
		"slug": "eps-two-" + e.Domain[:6], "name": "Second", "hostMemberId": h.MemberID, "type": "oem", "payment": "host",
		"primaryContact": map[string]any{"name": "A", "email": e.Addr("a")},
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
		{"bands on member-paid", "payment", "member", false, 0, ""},
		{"bad banner url", "landing", map[string]any{"bannerUrl": "http://insecure.example/b.png"}, false, 422, "landing.bannerUrl"},
		{"bad start date", "startDate", "15/01/2026", false, 422, "startDate"},
		{"bad pre-approved", "preApproved", []string{"not an address"}, false, 422, "preApproved[0]"},
		{"bad form", "form", map[string]any{"fields": []any{map[string]any{"name": "1x", "label": "L", "type": "text"}}}, false, 422, "form.fields[0].name"},
		{"missing addendum", "addendum", nil, true, 422, "addendum.version"},
		{"unknown field", "version", 3, false, 422, "version"},
	}
	for _, c := range cases {
		if c.status == 0 {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			res := e2etest.Expect(t, e.Do("POST", "/v1/programs", h.Admin, e2etest.Set(base, c.path, c.value, c.del)), c.status, c.name)
			if res.ErrorFields()[c.field] == nil {
				t.Fatalf("got %d %s, want %d naming %s", res.Status, res.Body, c.status, c.field)
			}
		})
	}
	withBands := e2etest.Set(base, "priceBands", []any{map[string]any{"upTo": 10, "unitCents": 100}}, false)
	if res := e2etest.Expect(t, e.Do("POST", "/v1/programs", h.Admin, e2etest.Set(withBands, "payment", "member", false)), 422, "bands on a member-paid program"); res.ErrorFields()["priceBands"] == nil {
		t.Errorf("bands on a member-paid program: %d %s", res.Status, res.Body)
	}
	if res := e2etest.Expect(t, e.Do("POST", "/v1/programs", stranger, base), 422, "another member's program"); res.ErrorFields()["hostMemberId"] == nil {
		t.Errorf("another member's program: %d %s, want 422 naming hostMemberId", res.Status, res.Body)
	}
	created := e2etest.Expect(t, e.Do("POST", "/v1/programs", h.Admin, base), 201, "create")
	if created.JSON()["sla"].(map[string]any)["low"] != "PT8H" {
		t.Fatalf("create: %d %s", created.Status, created.Body)
	}
	e2etest.Expect(t, e.Do("POST", "/v1/programs", h.Admin, base), 409, "slug taken")
	id := created.Str("id")
	e2etest.Expect(t, e.Do("GET", "/v1/programs/"+id, stranger, nil), 404, "stranger reads program")
	e2etest.Expect(t, e.Do("PATCH", "/v1/programs/"+id, stranger, map[string]any{"name": "x"}), 404, "stranger patches program")
	patched := e2etest.Expect(t, e.Do("PATCH", "/v1/programs/"+id, h.Admin, map[string]any{"name": "Renamed", "sla": map[string]any{"high": "PT1H"}, "version": 1}), 200, "rename the program and change its SLA")
	if patched.Str("name") != "Renamed" || patched.JSON()["sla"].(map[string]any)["high"] != "PT1H" || patched.JSON()["sla"].(map[string]any)["low"] != "PT8H" {
		t.Fatalf("patch: %d %s", patched.Status, patched.Body)
	}
	e2etest.Expect(t, e.Do("PATCH", "/v1/programs/"+id, h.Admin, map[string]any{"name": "Again", "version": 1}), 409, "stale version")
	if res := e2etest.Expect(t, e.Do("PATCH", "/v1/programs/"+id, h.Admin, map[string]any{"slug": "new-slug"}), 422, "changing the slug"); res.ErrorFields()["slug"] == nil {
		t.Errorf("changing the slug: %d %s", res.Status, res.Body)
	}
}

func TestRegistrationRulesAndPages(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Zeta", map[string]any{"landing": map[string]any{
		"about": `<script>alert("x")</script> We "partner".`, "bannerUrl": "https://cdn.example/banner.png",
		"links": []any{map[string]any{"title": "Guide", "url": "https://host.example/guide"}},
	}})
	// Known and unknown addresses get the same answer; unknown programs 404.
	known := e2etest.Expect(t, e.Do("POST", "/v1/programs/"+h.Slug+"/registrations", "", map[string]any{"email": e.Addr("primary-zeta")}), 202, "registering a known address")
	unknown := e2etest.Expect(t, e.Do("POST", "/v1/programs/"+h.Slug+"/registrations", "", map[string]any{"email": "nobody@" + e.Domain}), 202, "registering an unknown address")
	if string(known.Body) != string(unknown.Body) {
		t.Errorf("known %d %s vs unknown %d %s", known.Status, known.Body, unknown.Status, unknown.Body)
	}
	e2etest.Expect(t, e.Do("POST", "/v1/programs/no-such-program/registrations", "", map[string]any{"email": "a@b.example"}), 404, "unknown program")
	if res := e2etest.Expect(t, e.Do("POST", "/v1/programs/"+h.Slug+"/registrations", "", map[string]any{"email": "not-an-email"}), 422, "bad email"); res.ErrorFields()["email"] == nil {
		t.Errorf("bad email: %d %s", res.Status, res.Body)
	}
	// Rate limit per address: the 6th request in the hour is refused.
	addr := "eager@" + e.Domain
	var last localtest.Response
	for i := 0; i < 6; i++ {
		last = e.Do("POST", "/v1/programs/"+h.Slug+"/registrations", "", map[string]any{"email": addr})
	}
	e2etest.Expect(t, last, 429, "6th registration")
	if last.Header.Get("Retry-After") == "" {
		t.Errorf("6th registration: got %d (Retry-After %q), want 429 with Retry-After", last.Status, last.Header.Get("Retry-After"))
	}

	page := e.Do("GET", "/p/"+h.Slug, "", nil)
	body := string(page.Body)
	e2etest.Expect(t, page, 200, "landing page does not escape the host's text")
	if !strings.Contains(body, "&lt;script&gt;") || strings.Contains(body, `<script>alert`) {
		t.Fatalf("landing page does not escape the host's text: %d\n%s", page.Status, body)
	}
	for _, want := range []string{`<label for="email">`, `https://cdn.example/banner.png`, "Zeta Partner Connect", `action="/p/` + h.Slug + `"`, "Guide"} {
		if !strings.Contains(body, want) {
			t.Errorf("landing page lacks %q", want)
		}
	}
	for k, want := range map[string]string{"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
		if !strings.Contains(page.Header.Get(k), want) {
			t.Errorf("header %s = %q, want it to contain %q", k, page.Header.Get(k), want)
		}
	}
	notFound := e2etest.Expect(t, e.Do("GET", "/p/no-such-program", "", nil), 404, "unknown slug")
	if !strings.Contains(notFound.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(notFound.Body), "Page not found") {
		t.Errorf("unknown slug: %d %s %s", notFound.Status, notFound.Header.Get("Content-Type"), notFound.Body)
	}
	expired := e2etest.Expect(t, e.Do("GET", "/p/"+h.Slug+"/signup?token=sgn_nonsense", "", nil), 404, "bad sign-up link page")
	if !strings.Contains(string(expired.Body), "Get a new link") {
		t.Errorf("bad sign-up link page: %d %s", expired.Status, expired.Body)
	}
}
