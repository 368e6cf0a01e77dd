package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/localtest"
)

// host is a host member with a program.
type host struct {
	MemberID, Admin, ProgramID, Slug string
	Notify                           string
}

// newHost creates a host member and a program with body overrides.
func newHost(t *testing.T, e *localtest.Env, name string, program map[string]any) host {
	t.Helper()
	m := expect(t, e.Do("POST", "/v1/members", e.Operator, newMemberBody(e, name, "full")), 201, "create host")
	slug := strings.ToLower(strings.ReplaceAll(name, " ", "-")) + "-" + e.Domain[:8]
	h := host{MemberID: m.Str("id"), Admin: m.Str("adminToken"), Slug: slug, Notify: e.Addr("alliances-" + strings.ToLower(strings.ReplaceAll(name, " ", "")))}
	body := map[string]any{
		"slug": slug, "name": name + " Partner Connect", "hostMemberId": h.MemberID, "type": "partner_program", "payment": "member",
		"primaryContact": map[string]any{"name": "Alex Host", "email": h.Notify},
		"notifyEmails":   []string{h.Notify},
		"addendum":       map[string]any{"version": "2026-1", "text": "Be excellent to each other."},
		"landing":        map[string]any{"about": "Join us.", "links": []any{map[string]any{"title": "Guide", "url": "https://host.example/guide"}}},
	}
	for k, v := range program {
		body[k] = v
	}
	p := expect(t, e.Do("POST", "/v1/programs", h.Admin, body), 201, "create program")
	h.ProgramID = p.Str("id")
	return h
}

var linkRE = regexp.MustCompile(`https?://\S+`)

// linkIn returns the first link in a mail's text containing part.
func linkIn(t *testing.T, m localtest.Mail, part string) string {
	t.Helper()
	for _, l := range linkRE.FindAllString(m.Body.Text, -1) {
		if strings.Contains(l, part) {
			return l
		}
	}
	t.Fatalf("no link with %q in mail %q:\n%s", part, m.Subject, m.Body.Text)
	return ""
}

// signupToken registers email for slug and returns the token from the mail.
func signupToken(t *testing.T, e *localtest.Env, slug, email string) string {
	t.Helper()
	res := e.Do("POST", "/v1/programs/"+slug+"/registrations", "", map[string]any{"email": email})
	if res.Status != 202 || res.Str("status") != "verification_sent" {
		t.Fatalf("register %s: %d %s", email, res.Status, res.Body)
	}
	link := linkIn(t, e.Mail(email, "Confirm your email"), "/signup?token=")
	_, tok, _ := strings.Cut(link, "token=")
	return tok
}

// signupBody is a complete, valid sign-up for company at domain.
func signupBody(token, company, domain string) map[string]any {
	c := func(role string) map[string]any {
		return map[string]any{"name": strings.ToUpper(role[:1]) + role[1:] + " Person", "email": role + "@" + domain, "phone": "+49 30 123456"}
	}
	return map[string]any{
		"token":    token,
		"company":  map[string]any{"name": company, "website": "https://" + domain, "country": "DE"},
		"contacts": map[string]any{"primary": c("primary"), "support": c("support"), "escalation": c("escalation"), "billing": c("billing")},
		"inbound": map[string]any{
			"email": "support@" + domain, "phone": "+49 30 999",
			"hours":        map[string]any{"timezone": "Europe/Berlin", "days": []string{"mon", "tue", "wed", "thu", "fri"}, "start": "08:00", "end": "18:00"},
			"instructions": "Quote the customer's serial number.",
		},
		"acceptAddendum": map[string]any{"version": "2026-1", "name": "Pat Partner", "title": "CEO"},
	}
}

// clone deep-copies a JSON-like value.
func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, vv := range x {
			out[k] = clone(vv)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = clone(vv)
		}
		return out
	case []string:
		return append([]string(nil), x...)
	}
	return v
}

// set replaces (or, with del, removes) the value at a dotted path.
func set(body map[string]any, path string, v any, del bool) map[string]any {
	out := clone(body).(map[string]any)
	cur := out
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	last := parts[len(parts)-1]
	if del {
		delete(cur, last)
	} else {
		cur[last] = v
	}
	return out
}
