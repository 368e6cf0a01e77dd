package httpapp_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"
	"github.com/tandemhq/tandem/shared/routes"
)

// Every route of the table is placed in the matrix, and the matrix places
// only routes of the table: a new route must say who may call it.
func TestEveryRouteIsInTheMatrix(t *testing.T) {
	keys := map[string]bool{}
	for _, r := range routes.Table {
		keys[r.Key()] = true
		if _, ok := matrix[r.Key()]; !ok {
			t.Errorf("route %s is not in the matrix (matrix_test.go): say who may call it and what they get", r.Key())
		}
	}
	for k := range matrix {
		if !keys[k] {
			t.Errorf("the matrix places %s, which is not a route of the table", k)
		}
	}
}

// TestEveryRouteInProcess calls every route of the table through the real
// router over memstore as every actor: the operator, the host's admin and
// engineer, the partner's admin and engineer (without the critical role),
// an unrelated member's admin, nobody, and the right person with the wrong
// kind of credential (a session cookie on a token route, a bearer token on
// a page). Only the actors a row allows may succeed, with the row's status,
// Location and page; every /v1/ exchange is held to openapi.yaml.
func TestEveryRouteInProcess(t *testing.T) {
	start := time.Now()
	shared, sharedB := newWorld(t)
	calls, all := 0, []*httpapptest.World{shared}
	seen := map[string]bool{}
	for _, route := range routes.Table {
		r, ok := matrix[route.Key()]
		if !ok || route.Auth == routes.Signed {
			continue
		}
		fresh := func() (*httpapptest.World, *browsers, map[string]string) {
			w, bs := newWorld(t)
			all = append(all, w)
			var extra map[string]string
			if r.setup != nil {
				extra = r.setup(w)
			}
			return w, bs, extra
		}
		if route.Auth == routes.Public {
			w, bs, extra := shared, sharedB, map[string]string(nil)
			if r.setup != nil || r.from != "" || route.Method != "GET" {
				w, bs, extra = fresh()
			}
			res := call(t, w, bs, route, r, 0, extra, true)
			calls++
			checkAllowed(t, w, route, r, "anyone", res, extra)
			continue
		}
		// The refused, all on one World (a refusal changes nothing).
		rw, rb, rextra := shared, sharedB, map[string]string(nil)
		if r.setup != nil || r.mutates {
			rw, rb, rextra = fresh()
		}
		for _, a := range everyone + "\x00" {
			if a != 0 && strings.ContainsRune(r.allow, a) {
				continue
			}
			calls++
			res := call(t, rw, rb, route, r, a, rextra, false)
			if dev, ok := deviations[deviationKey(route, a)]; ok {
				seen[deviationKey(route, a)] = true
				if res.Status == dev.status {
					t.Logf("known deviation: %s as %s: %d — %s", route.Key(), actorNames[a], res.Status, dev.why)
				} else {
					t.Errorf("%s as %s: got %d, the known deviation said %d; fixed? remove it from deviations", route.Key(), actorNames[a], res.Status, dev.status)
				}
			} else {
				checkRefused(t, route, r, a, res)
			}
			if a != 0 && (res.Status/100 == 2 || res.Status/100 == 3) && !slices.Contains(r.refuse, res.Status) {
				// A refusal that succeeded changed the World: the next
				// actor gets a new one.
				rw, rb, rextra = fresh()
			}
		}
		calls++
		checkWrongCredential(t, rw, rb, route, r, rextra)
		// The allowed, each on a World of its own when the call changes it.
		for _, a := range r.allow {
			w, bs, extra := rw, rb, rextra
			if r.mutates {
				w, bs, extra = fresh()
			}
			calls++
			checkAllowed(t, w, route, r, actorNames[a], call(t, w, bs, route, r, a, extra, true), extra)
		}
	}
	for k := range deviations {
		if !seen[k] {
			t.Errorf("the known deviation %s was not met", k)
		}
	}
	checked := 0
	for _, w := range all {
		checked += w.Checked
	}
	t.Logf("%d routes, %d calls on %d worlds, %d exchanges held to openapi.yaml, in %v", len(routes.Table), calls, len(all), checked, time.Since(start))
}

// checkWrongCredential: a token route does not take a session cookie (401),
// a page does not take a bearer token (303 to sign in).
func checkWrongCredential(t *testing.T, w *httpapptest.World, bs *browsers, route routes.Route, r row, extra map[string]string) {
	t.Helper()
	f := r.expand(w, extra)
	a := partnerAdmin
	if route.Auth == routes.Token {
		b := bs.of(a)
		var body []byte
		if r.body != nil {
			body, _ = json.Marshal(expandAny(r.body, f))
		}
		res := w.Serve(httpapptest.Request{Method: route.Method, Path: f(r.path), Body: body, Headers: map[string]string{"content-type": "application/json"}, Cookies: b.Cookies()})
		if res.Status != 401 {
			t.Errorf("%s with the partner admin's session cookie and no token: got %d, want 401", route.Key(), res.Status)
		}
		return
	}
	res := w.Serve(httpapptest.Request{Method: route.Method, Path: f(r.path), Token: actor(w, a).Token, Body: expandAny(r.body, f)})
	if res.Status != 303 || !strings.HasPrefix(res.Location(), "/login?next=") {
		t.Errorf("%s with the partner admin's bearer token and no session: got %d to %q, want 303 to /login?next=…", route.Key(), res.Status, res.Location())
	}
}

func deviationKey(route routes.Route, a rune) string { return route.Key() + " as " + actorNames[a] }

// deviations are answers that differ from the contract (API.md), met in
// process and reported: each is a bug to fix, pinned here so the matrix
// stays green meanwhile and fails once it is fixed (then remove it).
var deviations = map[string]struct {
	status int
	why    string
}{
	// API.md, "Programs (operator, or an `admin` of the host member)",
	// which lists GET /v1/programs/{id}/enrollments: enrollment.List lets
	// every user of the host read it, where enrollment.Counts (the
	// console's queue) already wants an admin. Not a wave-3 line; pinned,
	// not changed, because who reads enrollments is left to a later issue
	// (the fix there: List checks AdminOf the host as Counts does).
	// API.md: configurations are submitted by "an admin of an enrolled
	// partner" and names no status for others. The host's admin and an
	// operator get 409 (their missing place), as they always did and as
	// the browser journey TestValidatedConfigurations holds; the message
	// now says only partners submit (it said "your company's place in …
	// is : …"). 403 would read better; a behaviour change is not issue
	// 28's to make.
	"POST /v1/programs/{id}/configurations as host admin": {409, "409 (no place in the program), not 403"},
	"POST /v1/programs/{id}/configurations as operator":   {409, "409 (no place in the program), not 403"},
	"POST /programs/{id}/configurations as host admin":    {409, "409 (no place in the program), not 403"},
	"POST /programs/{id}/configurations as operator":      {409, "409 (no place in the program), not 403"},
	"GET /v1/programs/{id}/enrollments as host engineer":  {200, "a host engineer lists the program's enrollments (API.md: host admins and operators)"},
}

// The signed route: a vendor's webhook signed with its member's secret
// acts as that member; unsigned, or signed for another member, it is 401.
func TestSignedWebhookRoute(t *testing.T) {
	w, _ := newWorld(t)
	body, _ := json.Marshal(map[string]any{"type": "case.note", "data": map[string]any{"caseId": w.Case, "text": "From the vendor's CRM."}})
	post := func(member string, headers map[string]string) *httpapptest.Response {
		h := map[string]string{"content-type": "application/json"}
		for k, v := range headers {
			h[k] = v
		}
		return w.Serve(httpapptest.Request{Method: "POST", Path: "/v1/hooks/" + member, Body: body, Headers: h})
	}
	signed := signedHook(w, body)
	for _, tc := range []struct {
		name, member string
		headers      map[string]string
		want         int
	}{
		{"unsigned", w.Partner.ID, nil, 401},
		{"signed for another member", w.Unrelated.ID, signed, 401},
		{"signed with the member's secret", w.Partner.ID, signed, 200},
	} {
		if res := post(tc.member, tc.headers); res.Status != tc.want {
			t.Errorf("%s: got %d %s, want %d", tc.name, res.Status, res.Body, tc.want)
		}
	}
}

// A critical case needs the critical role (API.md: POST /v1/cases), in the
// API and in the console alike.
func TestCriticalCasesNeedTheCriticalRole(t *testing.T) {
	w, bs := newWorld(t)
	body := httpapptest.CaseBody(w.Host.Department, w.Host.ProgramID)
	body["priority"], body["businessImpact"] = "critical", "Production is down."
	w.Do("POST", "/v1/cases", w.Partner.Engineer.Token, body).Expect(403, "a critical case by an engineer without the role")
	page := bs.of(partnerEngineer).Post("/cases", url.Values{"departmentId": {w.Host.Department}, "programId": {w.Host.ProgramID}, "priority": {"critical"},
		"summary": {"Down"}, "description": {"All down."}, "businessImpact": {"Production is down."}, "customer.company": {"Initech"},
		"customer.contactName": {"Peter"}, "customer.contactEmail": {"peter@initech.example"}, "fields.product": {"Array 9000"}, "fields.version": {"9.2"}})
	if page.Status != 403 {
		t.Errorf("a critical case from the console by an engineer without the role: got %d, want 403: %.300s", page.Status, page.Text())
	}
	w.Do("PATCH", "/v1/members/"+w.Partner.ID+"/users/"+w.Partner.Engineer.UserID, w.Partner.Admin.Token,
		map[string]any{"roles": []string{"engineer", "critical"}}).Expect(200, "give the role")
	w.Do("POST", "/v1/cases", w.Partner.Engineer.Token, body).Expect(201, "a critical case by an engineer with the role")
}

// The views every member has (the directory, the case boxes) show an
// unrelated member nothing of the others: not the host or the partner in
// its directory, not their case in its inbox or outbox.
func TestMembersViewsShowNothingOfOthers(t *testing.T) {
	w, _ := newWorld(t)
	tok := w.Unrelated.Admin.Token
	dir := w.Do("GET", "/v1/directory", tok, nil).Expect(200, "the unrelated member's directory")
	if strings.Contains(string(dir.Body), w.Host.ID) || strings.Contains(string(dir.Body), w.Partner.ID) {
		t.Errorf("the unrelated member's directory lists the host or the partner: %s", dir.Body)
	}
	for _, box := range []string{"inbox", "outbox"} {
		res := w.Do("GET", "/v1/cases?box="+box, tok, nil).Expect(200, "the unrelated member's "+box)
		if strings.Contains(string(res.Body), w.Case) {
			t.Errorf("the unrelated member sees the case in its %s: %s", box, res.Body)
		}
	}
	// The same views of the case's own members do show it: the check above
	// looks where the case would be.
	if res := w.Do("GET", "/v1/cases?box=inbox", w.Host.Admin.Token, nil).Expect(200, "the host's inbox"); !strings.Contains(string(res.Body), w.Case) {
		t.Errorf("the host's inbox does not show the case: %s", res.Body)
	}
}
