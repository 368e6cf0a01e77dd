package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/store"
)

// newCaseForm is the console's new-case form filled in as a person would,
// for hostDepartment's form.
func newCaseForm(csrf, dep, programID string) url.Values {
	return url.Values{
		"csrf": {csrf}, "departmentId": {dep}, "programId": {programID}, "priority": {"high"},
		"summary": {"Snapshots stall"}, "description": {"Every nightly snapshot stalls guests for 40 s."},
		"customer.company": {"Initech"}, "customer.contactName": {"Peter Gibbons"}, "customer.contactEmail": {"peter@initech.example"},
		"fields.product": {"Array 9000"}, "fields.version": {"9.2.1"}, "fields.nodes": {"4"},
	}
}

// meteredForm posts form to path with b's cookies straight into the
// gateway, metering every DynamoDB call the request makes.
func meteredForm(t *testing.T, e *localtest.Env, b *e2etest.Client, path string, form url.Values) (e2etest.PageResult, *store.Meter) {
	t.Helper()
	base := mustURL(t, e.URL)
	m := &store.Meter{}
	ctx := store.WithMeter(context.Background(), m)
	// As if it came in on the gateway's own listener, as a browser's would.
	if addr, err := net.ResolveTCPAddr("tcp", base.Host); err == nil {
		ctx = context.WithValue(ctx, http.LocalAddrContextKey, addr)
	}
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode())).WithContext(ctx)
	req.Host, req.RemoteAddr = base.Host, "127.0.0.1:50000"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range b.HTTP.Jar.Cookies(base) {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	e.Gateway.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return e2etest.PageResult{Status: rec.Code, Body: string(body), Header: rec.Result().Header}, m
}

// A posted form's fields cost no store read each: 2,000 numeric-looking
// `fields.*` on the console's POST /cases and 2,000 `fields` on POST
// /v1/cases are each a prompt 422 saying a form has at most 50 fields,
// with a handful of reads (the console read the department once per
// numeric value, and under the production 2 s deadline answered 503); a
// handful of unknown names is reported, not one error per name; and a
// number field takes only a whole number ("12abc" is not 12).
func TestNewCaseFieldsCostNoReadEach(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Flood Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h) // product, version, serialNumber, nodes (a number)
	p, ptok := e2etest.LivePartner(t, e, h, "Flood Partner")
	b := e2etest.SignIn(t, e, p.Email)
	csrf := e2etest.CSRFOf(t, b.Do("GET", "/cases/new?departmentId="+dep, nil).Body)

	// The console: a form with 2,000 numeric fields.
	flood := newCaseForm(csrf, dep, h.ProgramID)
	for i := 0; i < 2000; i++ {
		flood.Set(fmt.Sprintf("fields.f%04d", i), "1")
	}
	start := time.Now()
	page, m := meteredForm(t, e, b, "/cases", flood)
	took := time.Since(start)
	t.Logf("console, 2,000 fields: %d in %s, %d read calls", page.Status, took.Round(time.Millisecond), m.Reads())
	e2etest.Expect(t, page, 422, "the console with 2,000 fields")
	if !strings.Contains(page.Body, "at most 50") {
		t.Errorf("the console with 2,000 fields: %d, saying at most 50: %v; want 422 saying a form has at most 50 fields",
			page.Status, strings.Contains(page.Body, "at most 50"))
	}
	if m.Reads() > 20 {
		t.Errorf("the console with 2,000 fields made %d read calls, want a handful (none per field)", m.Reads())
	}

	// The console: a number that is not one.
	bad := newCaseForm(csrf, dep, h.ProgramID)
	bad.Set("fields.nodes", "12abc")
	if r := e2etest.Expect(t, b.Do("POST", "/cases", bad), 422, `the console with nodes "12abc"`); !strings.Contains(r.Body, `id="fields-nodes-error"`) {
		t.Errorf(`the console with nodes "12abc": %d %q, want 422 with the error beside the field`, r.Status, r.Header.Get("Location"))
	}
	// …and one that is: the case opens with it as a number.
	ok := e2etest.Expect(t, b.Do("POST", "/cases", newCaseForm(csrf, dep, h.ProgramID)), 303, "the console with a valid form")
	var opened struct{ Fields map[string]any }
	e2etest.Expect(t, e.Do("GET", "/v1"+ok.Header.Get("Location"), ptok, nil), 200, "the case opened on the console").Decode(t, &opened)
	if n, isNumber := opened.Fields["nodes"].(float64); !isNumber || n != 4 {
		t.Errorf("the console's nodes \"4\" was kept as %#v, want the number 4", opened.Fields["nodes"])
	}

	// The API: a baseline refusal before any work, then 2,000 fields.
	baseline, bm := e.Metered("POST", "/v1/cases", ptok, e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "summary", "", false))
	e2etest.Expect(t, baseline, 422, "an empty summary")
	many := map[string]any{}
	for i := 0; i < 2000; i++ {
		many[fmt.Sprintf("f%04d", i)] = i
	}
	start = time.Now()
	res, am := e.Metered("POST", "/v1/cases", ptok, e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "fields", many, false))
	took = time.Since(start)
	t.Logf("API, 2,000 fields: %d in %s, %d read calls (a refusal before any work: %d), %d error entries",
		res.Status, took.Round(time.Millisecond), am.Reads(), bm.Reads(), len(res.ErrorFields()))
	e2etest.Expect(t, res, 422, "the API with 2,000 fields")
	if len(res.ErrorFields()) > 12 || !strings.Contains(fmt.Sprint(res.ErrorFields()["fields"]), "at most 50") {
		t.Errorf("the API with 2,000 fields: %d with %d error entries, fields: %v; want 422, a few entries, \"fields\" saying at most 50",
			res.Status, len(res.ErrorFields()), res.ErrorFields()["fields"])
	}
	if am.Reads() > bm.Reads() {
		t.Errorf("the API with 2,000 fields made %d read calls, want no more than a refusal before any work (%d)", am.Reads(), bm.Reads())
	}

	// The API: 40 unknown names (within the limit) are reported in a few entries.
	unknown := map[string]any{"product": "Array 9000", "version": "9.2.1"}
	for i := 0; i < 40; i++ {
		unknown[fmt.Sprintf("extra%02d", i)] = "x"
	}
	res = e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "fields", unknown, false)), 422, "the API with 40 unknown fields")
	if len(res.ErrorFields()) > 12 || len(res.ErrorFields()) == 0 {
		t.Errorf("the API with 40 unknown fields: %d with %d error entries, want 422 with a few", res.Status, len(res.ErrorFields()))
	}

	// The API: "12abc" for a number field.
	res = e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "fields.nodes", "12abc", false)), 422, `the API with nodes "12abc"`)
	if _, named := res.ErrorFields()["fields.nodes"]; !named {
		t.Errorf(`the API with nodes "12abc": %d %s, want 422 naming fields.nodes`, res.Status, res.Body)
	}
}
