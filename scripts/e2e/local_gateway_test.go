package e2e

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// rawRequest sends a request to the local gateway as any client could:
// its own Host header and content type ("" for none).
func rawRequest(t *testing.T, e *localtest.Env, method, path, host, contentType, body, token string) localtest.Response {
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
	return localtest.Response{Status: res.StatusCode, Header: res.Header, Body: out}
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
		e2etest.Expect(t, rawRequest(t, e, "POST", housekeeping, "", ct, body, ""), http.StatusUnsupportedMediaType, fmt.Sprintf("housekeeping posted as %q", ct))
	}
	bounce := string(e2etest.SESEvent(t, "storage-support@"+e.Domain, "Permanent"))
	e2etest.Expect(t, rawRequest(t, e, "POST", "/_local/events/mailevents", "", "text/plain", bounce, ""), http.StatusUnsupportedMediaType, "a bounce posted as text/plain")
	if got := e.Do("GET", "/v1/cases/"+c, ptok, nil).Str("status"); got != "open" {
		t.Errorf("after the cross-site posts the case is %s, want open", got)
	}
	if d := string(e.Do("GET", "/v1/departments/"+dep, h.Admin, nil).Body); strings.Contains(d, `"unreachable"`) {
		t.Errorf("after the cross-site bounce the department is unreachable: %s", d)
	}

	// Another name for this address, or another port: nothing, anywhere.
	for _, host := range []string{"attacker.example", "attacker.example:" + port, "127.0.0.1:1", "localhost.attacker.example:" + port, "127.0.0.2:" + port} {
		e2etest.Expect(t, rawRequest(t, e, "GET", "/login", host, "", "", ""), http.StatusMisdirectedRequest, "GET /login with Host "+host)
		e2etest.Expect(t, rawRequest(t, e, "GET", "/v1/directory", host, "", "", ptok), http.StatusMisdirectedRequest, "GET /v1/directory with Host "+host)
		e2etest.Expect(t, rawRequest(t, e, "POST", housekeeping, host, "application/json", "", ""), http.StatusMisdirectedRequest, "housekeeping with Host "+host)
	}
	if got := e.Do("GET", "/v1/cases/"+c, ptok, nil).Str("status"); got != "open" {
		t.Errorf("after the requests of other names the case is %s, want open", got)
	}

	// The gateway's own names still answer, and JSON runs a schedule.
	for _, host := range []string{"localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "LOCALHOST:" + port} {
		e2etest.Expect(t, rawRequest(t, e, "GET", "/login", host, "", "", ""), http.StatusOK, "GET /login with Host "+host)
	}
	e2etest.Expect(t, rawRequest(t, e, "POST", "/_local/schedules/redrive?at=2027-01-15T06:00:00Z", "", "application/json", "", ""), http.StatusOK, "redrive posted as JSON")
}
