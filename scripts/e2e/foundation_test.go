package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/notify/sesmail"
)

// The first vertical slice: HTTP → local gateway → authorizer → handler →
// DynamoDB Local → stream → notifier → local SES → a mail read back.
func TestCreateMemberEndToEnd(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	body := e2etest.NewMemberBody(e, "Acme Storage", "full")
	res := e2etest.Expect(t, e.Do("POST", "/v1/members", e.Operator, body), http.StatusCreated, "create member")
	id, token := res.Str("id"), res.Str("adminToken")
	if !strings.HasPrefix(id, "mem_") || !strings.HasPrefix(token, "tdm_") {
		t.Fatalf("create member: got id %q token %q", id, token)
	}

	mail := e.Mail(e.Addr("primary-acmestorage"), "Welcome to Tandem, Acme Storage")
	if !strings.Contains(mail.Body.Text, id) || !strings.Contains(mail.Body.HTML, "<strong>Acme Storage</strong>") {
		t.Errorf("welcome mail lacks the member: text %q", mail.Body.Text)
	}
	if !strings.HasPrefix(mail.Header(sesmail.MessageIDHeader), "obx_") {
		t.Errorf("welcome mail has no outbox id header: %+v", mail.Headers)
	}
	if strings.Contains(mail.Body.Text, token) {
		t.Error("the welcome mail leaks the admin token")
	}

	// The admin's token works, and sees its own member.
	if got := e2etest.Expect(t, e.Do("GET", "/v1/members/"+id, token, nil), http.StatusOK, "get own member"); got.Str("domain") != body["domain"] {
		t.Fatalf("get own member: got %d %s", got.Status, got.Body)
	}
	// The same domain again is a conflict, and nothing is mailed for it.
	e2etest.Expect(t, e.Do("POST", "/v1/members", e.Operator, body), http.StatusConflict, "same domain again")
	if n := len(e.MailsTo(e.Addr("primary-acmestorage"))); n != 1 {
		t.Errorf("welcome mails: got %d, want 1", n)
	}
}

func TestGatewayAndContractErrors(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	created := e2etest.Expect(t, e.Do("POST", "/v1/members", e.Operator, e2etest.NewMemberBody(e, "Host Co", "full")), 201, "setup: create Host Co")
	other := e2etest.Expect(t, e.Do("POST", "/v1/members", e.Operator, e2etest.NewMemberBody(e, "Other Co", "limited")), 201, "setup: create Other Co")
	admin := created.Str("adminToken")
	big := `{"name":"` + strings.Repeat("x", 300<<10) + `"}`

	cases := []struct {
		name, method, path, token string
		body                      any
		headers                   []string
		status                    int
		field                     string
	}{
		{"no token", "POST", "/v1/members", "", e2etest.NewMemberBody(e, "A", "full"), nil, 401, ""},
		{"unknown token", "POST", "/v1/members", "tdm_nope", e2etest.NewMemberBody(e, "A", "full"), nil, 401, ""},
		{"not an operator", "POST", "/v1/members", admin, e2etest.NewMemberBody(e, "A", "full"), nil, 403, ""},
		{"malformed json", "POST", "/v1/members", e.Operator, `{"name": `, nil, 400, ""},
		{"two json values", "POST", "/v1/members", e.Operator, `{} {}`, nil, 400, ""},
		{"not json", "POST", "/v1/members", e.Operator, "name=x", []string{"Content-Type", "text/plain"}, 415, ""},
		{"too large", "POST", "/v1/members", e.Operator, big, nil, 413, ""},
		{"unknown field", "POST", "/v1/members", e.Operator, map[string]any{"name": "A", "status": "active"}, nil, 422, "status"},
		{"wrong type", "POST", "/v1/members", e.Operator, map[string]any{"name": 5}, nil, 422, "name"},
		{"missing fields", "POST", "/v1/members", e.Operator, map[string]any{"name": "A"}, nil, 422, "domain"},
		{"bad email", "POST", "/v1/members", e.Operator, map[string]any{"name": "A", "domain": "a.example", "kind": "full",
			"contacts": map[string]any{"primary": map[string]any{"name": "P", "email": "not-an-email"}}}, nil, 422, "contacts.primary.email"},
		{"bad kind", "POST", "/v1/members", e.Operator, map[string]any{"name": "A", "domain": "a.example", "kind": "gold",
			"contacts": map[string]any{"primary": map[string]any{"name": "P", "email": "p@a.example"}}}, nil, 422, "kind"},
		{"other tenant", "GET", "/v1/members/" + other.Str("id"), admin, nil, nil, 404, ""},
		{"garbage id", "GET", "/v1/members/%00%ff", admin, nil, nil, 404, ""},
		{"unknown route", "GET", "/v1/nothing-here", admin, nil, nil, 404, ""},
		{"bad limit", "GET", "/v1/dead-letters?limit=5000", e.Operator, nil, nil, 422, "limit"},
		{"forged cursor", "GET", "/v1/dead-letters?cursor=eyJQSyI6IngifQ.abc", e.Operator, nil, nil, 400, ""},
		{"dead letters need an operator", "GET", "/v1/dead-letters", admin, nil, nil, 403, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := e2etest.Expect(t, e.Do(c.method, c.path, c.token, c.body, c.headers...), c.status, c.name)
			if res.Header.Get("Content-Type") != "application/json" || res.ErrorMessage() == "" {
				t.Errorf("error is not the contract's JSON: %s %s", res.Header.Get("Content-Type"), res.Body)
			}
			if c.field != "" {
				if _, ok := res.ErrorFields()[c.field]; !ok {
					t.Errorf("error does not name field %q: %s", c.field, res.Body)
				}
			}
		})
	}
}

func TestIdempotencyKeyOverTheGateway(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	body := e2etest.NewMemberBody(e, "Idem Co", "full")
	first := e2etest.Expect(t, e.Do("POST", "/v1/members", e.Operator, body, "Idempotency-Key", "k-1"), 201, "create a member with an Idempotency-Key")
	again := e2etest.Expect(t, e.Do("POST", "/v1/members", e.Operator, body, "Idempotency-Key", "k-1"), 201, "the retry with the same Idempotency-Key")
	if again.Str("id") != first.Str("id") || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: got %d %s (replayed=%q), want the first response", again.Status, again.Body, again.Header.Get("Idempotent-Replayed"))
	}
	if again.Str("adminToken") != "" {
		t.Error("a replay shows the admin token again; it must be shown once")
	}
	changed := e2etest.NewMemberBody(e, "Idem Co Two", "full")
	e2etest.Expect(t, e.Do("POST", "/v1/members", e.Operator, changed, "Idempotency-Key", "k-1"), 422, "same key, other body")
	if n := len(e.MailsTo(e.Addr("primary-idemco"))); n != 1 {
		t.Errorf("welcome mails after a replay: got %d, want 1", n)
	}
}

func TestUsersAndRevocation(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	m := e.Do("POST", "/v1/members", e.Operator, e2etest.NewMemberBody(e, "Users Co", "full"))
	id, admin := m.Str("id"), m.Str("adminToken")
	u := e2etest.Expect(t, e.Do("POST", "/v1/members/"+id+"/users", admin, map[string]any{"name": "Eng", "email": e.Addr("eng"), "roles": []string{"engineer"}}), 201, "add user")
	if u.Str("token") == "" {
		t.Fatalf("add user: %d %s", u.Status, u.Body)
	}
	eng := u.Str("token")
	e2etest.Expect(t, e.Do("GET", "/v1/members/"+id, eng, nil), 403, "engineer reads its member's record")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+id+"/users", eng, map[string]any{"name": "X", "email": e.Addr("x"), "roles": []string{"admin"}}), 403, "engineer adds a user")
	if res := e2etest.Expect(t, e.Do("POST", "/v1/members/"+id+"/users", admin, map[string]any{"name": "X", "email": e.Addr("x"), "roles": []string{"boss"}}), 422, "unknown role"); res.ErrorFields()["roles[0]"] == nil {
		t.Fatalf("unknown role: got %d %s, want 422 naming roles[0]", res.Status, res.Body)
	}
	if res := e2etest.Expect(t, e.Do("DELETE", fmt.Sprintf("/v1/members/%s/users/%s", id, u.Str("id")), admin, nil), 200, "revoke"); res.Str("status") != "revoked" {
		t.Fatalf("revoke: %d %s", res.Status, res.Body)
	}
	res := e2etest.Expect(t, e.Do("GET", "/v1/members/"+id, eng, nil), 401, "revoked token")
	if !strings.Contains(res.ErrorMessage(), "revoked") {
		t.Fatalf("revoked token: got %d %s, want 401 saying revoked", res.Status, res.Body)
	}
}

func TestLocalScheduleEndpoint(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	res := e2etest.Expect(t, e.Do("POST", "/_local/schedules/redrive?at=2027-01-15T06:00:00Z", "", nil, "Content-Type", "application/json"), 200, "run redrive")
	if !strings.Contains(string(res.Body), `"at":"2027-01-15T06:00:00Z"`) {
		t.Fatalf("run redrive: %d %s", res.Status, res.Body)
	}
	e2etest.Expect(t, e.Do("POST", "/_local/schedules/nope", "", nil, "Content-Type", "application/json"), 404, "unknown schedule")
	e2etest.Expect(t, e.Do("POST", "/_local/schedules/redrive?at=yesterday", "", nil, "Content-Type", "application/json"), 422, "bad at")
}
