package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// rawRequest sends a request to the local gateway as any client could:
// its own Host header and content type ("" for none).
func rawRequest(t *testing.T, e *localtest.Env, method, path, host, contentType, body, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}

// The local gateway acts only for its own host: a web page anywhere
// could post to /_local/* without a preflight (a form's content types, or
// no body at all) and ran housekeeping in 2030 or made a department
// unreachable; now /_local/* takes only JSON, which a page of another
// site cannot send without a CORS preflight the gateway never answers.
// And a page of another name resolving to 127.0.0.1 (DNS rebinding) gets
// nothing from any route: Host must be localhost, 127.0.0.1 or [::1] with
// the gateway's port.
func TestLocalGatewayServesOnlyItself(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Local Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Local Partner")
	c := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "case").Str("id")
	self := mustURL(t, e.URL).Host
	port := self[strings.LastIndex(self, ":")+1:]
	housekeeping := "/_local/schedules/housekeeping?at=2030-01-01T00:00:00Z"

	// What a page of another site can send without a preflight.
	for _, ct := range []string{"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", ""} {
		body := "x=1"
		if ct == "" {
			body = "" // fetch(url, {method: "POST", mode: "no-cors"})
		}
		if status, out := rawRequest(t, e, "POST", housekeeping, "", ct, body, ""); status != http.StatusUnsupportedMediaType {
			t.Errorf("housekeeping posted as %q: %d %.300s, want 415", ct, status, out)
		}
	}
	bounce := string(e2etest.SESEvent(t, "storage-support@"+e.Domain, "Permanent"))
	if status, out := rawRequest(t, e, "POST", "/_local/events/mailevents", "", "text/plain", bounce, ""); status != http.StatusUnsupportedMediaType {
		t.Errorf("a bounce posted as text/plain: %d %.300s, want 415", status, out)
	}
	if got := e.Do("GET", "/v1/cases/"+c, ptok, nil).Str("status"); got != "open" {
		t.Errorf("after the cross-site posts the case is %s, want open", got)
	}
	if d := string(e.Do("GET", "/v1/departments/"+dep, h.Admin, nil).Body); strings.Contains(d, `"unreachable"`) {
		t.Errorf("after the cross-site bounce the department is unreachable: %s", d)
	}

	// Another name for this address, or another port: nothing, anywhere.
	for _, host := range []string{"attacker.example", "attacker.example:" + port, "127.0.0.1:1", "localhost.attacker.example:" + port, "127.0.0.2:" + port} {
		if status, _ := rawRequest(t, e, "GET", "/login", host, "", "", ""); status != http.StatusMisdirectedRequest {
			t.Errorf("GET /login with Host %s: %d, want 421", host, status)
		}
		if status, _ := rawRequest(t, e, "GET", "/v1/directory", host, "", "", ptok); status != http.StatusMisdirectedRequest {
			t.Errorf("GET /v1/directory with Host %s: %d, want 421", host, status)
		}
		if status, _ := rawRequest(t, e, "POST", housekeeping, host, "application/json", "", ""); status != http.StatusMisdirectedRequest {
			t.Errorf("housekeeping with Host %s: %d, want 421", host, status)
		}
	}
	if got := e.Do("GET", "/v1/cases/"+c, ptok, nil).Str("status"); got != "open" {
		t.Errorf("after the requests of other names the case is %s, want open", got)
	}

	// The gateway's own names still answer, and JSON runs a schedule.
	for _, host := range []string{"localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "LOCALHOST:" + port} {
		if status, _ := rawRequest(t, e, "GET", "/login", host, "", "", ""); status != http.StatusOK {
			t.Errorf("GET /login with Host %s: %d, want 200", host, status)
		}
	}
	if status, out := rawRequest(t, e, "POST", "/_local/schedules/redrive?at=2027-01-15T06:00:00Z", "", "application/json", "", ""); status != http.StatusOK {
		t.Errorf("redrive posted as JSON: %d %.300s, want 200", status, out)
	}
}
