package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// confirmAddress does what the owner of addr does with the first
// confirmation mail Tandem sent it: opens the link, and confirms on its page.
func confirmAddress(t *testing.T, e *localtest.Env, addr string) {
	t.Helper()
	e2etest.ConfirmNth(t, e, addr, 1)
}

func TestCaseEndToEnd(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	// Friday 17:00 in Berlin: a 2 h SLA in 08–18 weekday hours is due Monday 09:00.
	clock := localtest.NewClock(time.Date(2026, 11, 20, 17, 0, 0, 0, berlin))
	e := localtest.New(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Acme Storage", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, ptok := e2etest.LivePartner(t, e, h, "Hyper Visor")

	dir := e2etest.Expect(t, e.Do("GET", "/v1/directory?q=ACME", ptok, nil), 200, "directory")
	var d struct {
		Items []struct {
			MemberID    string
			Departments []struct {
				ID   string
				Form struct{ Fields []struct{ Name string } }
			}
		}
	}
	dir.Decode(t, &d)
	if len(d.Items) != 1 || d.Items[0].MemberID != h.MemberID || len(d.Items[0].Departments) != 1 || d.Items[0].Departments[0].ID != dep {
		t.Fatalf("the partner's directory: %s", dir.Body)
	}
	if len(d.Items[0].Departments[0].Form.Fields) != 4 {
		t.Errorf("the directory lacks the department's form: %s", dir.Body)
	}

	opened := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID), "Idempotency-Key", "case-1"), 201, "open case")
	if opened.Str("status") != "open" || opened.JSON()["escalationLevel"].(float64) != 0 {
		t.Fatalf("open case: %d %s", opened.Status, opened.Body)
	}
	want := time.Date(2026, 11, 23, 9, 0, 0, 0, berlin).UTC().Format("2006-01-02T15:04:05.000Z")
	if got := opened.Str("responseDueAt"); got != want {
		t.Errorf("responseDueAt = %s, want %s (Monday 09:00 Berlin)", got, want)
	}
	id := opened.Str("id")

	newCase := e.Mail(e.Addr("storage-support"), "[high] New collaboration case from Hyper Visor")
	for _, w := range []string{"Array 9000", "9.2.1", "SN-123", "Initech", "Peter Gibbons", "peter@initech.example", "INI-42", "PTR-1001", "40 s"} {
		if !strings.Contains(newCase.Body.Text, w) {
			t.Errorf("the receiver's mail lacks %q:\n%s", w, newCase.Body.Text)
		}
	}
	e.Mail("primary@"+p.Domain, "Case "+id+" sent to Acme Storage")

	clock.Advance(10 * time.Minute)
	acc := e.Do("POST", "/v1/cases/"+id+"/accept", h.Admin, map[string]any{
		"receiverCaseNumber": "ACME-77", "engineer": map[string]any{"name": "Ann Engineer", "email": e.Addr("ann")}, "version": 1,
	})
	e2etest.Expect(t, acc, 200, "accept the case")
	if acc.Str("status") != "accepted" || acc.Str("respondedAt") == "" {
		t.Fatalf("accept: %d %s", acc.Status, acc.Body)
	}
	upd := e.Mail("primary@"+p.Domain, "accepted the case")
	if !strings.Contains(upd.Body.Text, "ACME-77") || !strings.Contains(upd.Body.Text, "Ann Engineer") {
		t.Errorf("accept mail: %s", upd.Body.Text)
	}
	// The clock stopped: the case left the sweep's due index.
	due, _, err := e.App.Store.DueCases(t.Context(), clock.Now().Add(30*24*time.Hour), 100)
	if err != nil || len(due) != 0 {
		t.Errorf("an accepted case is still due for escalation: %v %v", due, err)
	}

	steps := []struct {
		path, token string
		body        map[string]any
		status      string
	}{
		{"request-info", h.Admin, map[string]any{"question": "Which hypervisor build?"}, "information_requested"},
		{"notes", ptok, map[string]any{"text": "Build 8.0u3, patch 2"}, "accepted"},
		{"close", ptok, map[string]any{"resolution": "Firmware 9.2.2 fixes it."}, "closed"},
	}
	for _, s := range steps {
		res := e.Do("POST", "/v1/cases/"+id+"/"+s.path, s.token, s.body)
		if s.path == "notes" {
			s.status = "open" // a submitter's answer returns the case to the receiver
		}
		e2etest.Expect(t, res, 200, "case step "+s.path)
		if res.Str("status") != s.status {
			t.Fatalf("%s: %d %s, want %s", s.path, res.Status, res.Body, s.status)
		}
	}
	e2etest.Expect(t, e.Do("POST", "/v1/cases/"+id+"/notes", h.Admin, map[string]any{"text": "late"}), 409, "a note on a closed case")
	events := e.Do("GET", "/v1/cases/"+id+"/events", ptok, nil)
	var tl struct {
		Items []struct{ Action, Side, To string }
	}
	events.Decode(t, &tl)
	var got []string
	for _, ev := range tl.Items {
		got = append(got, ev.Action+">"+ev.To)
	}
	if strings.Join(got, " ") != "open>open accept>accepted request_info>information_requested note>open close>closed" {
		t.Errorf("timeline: %v", got)
	}
	in := e.Do("GET", "/v1/cases?box=inbox", h.Admin, nil)
	out := e.Do("GET", "/v1/cases?box=outbox&status=closed", ptok, nil)
	if len(in.JSON()["items"].([]any)) != 1 || len(out.JSON()["items"].([]any)) != 1 {
		t.Errorf("boxes: inbox %s outbox %s", in.Body, out.Body)
	}
	if res := e.Do("GET", "/v1/cases?box=outbox&status=open", ptok, nil); len(res.JSON()["items"].([]any)) != 0 {
		t.Errorf("outbox filtered by open: %s", res.Body)
	}
}

func TestCaseIntakeIdempotencyAndCapacity(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Idem Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Idem Partner")
	body := e2etest.CaseBody(dep, h.ProgramID)

	first, m1 := e.Metered("POST", "/v1/cases", ptok, body, "Idempotency-Key", "k-42")
	e2etest.Expect(t, first, 201, "open the case with an Idempotency-Key")
	if n := m1.Count(); n != 1 {
		t.Errorf("intake used %d TransactWriteItems, want exactly 1", n)
	}
	again, m2 := e.Metered("POST", "/v1/cases", ptok, body, "Idempotency-Key", "k-42")
	e2etest.Expect(t, again, 201, "the retry with the same Idempotency-Key")
	if again.Str("id") != first.Str("id") || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %s", again.Status, again.Body)
	}
	if n := m2.Count(); n != 0 {
		t.Errorf("a replay wrote %d transactions, want 0", n)
	}
	other := e2etest.Set(body, "summary", "Another problem", false)
	e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, other, "Idempotency-Key", "k-42"), 422, "same key, other body")
	acc, m3 := e.Metered("POST", "/v1/cases/"+first.Str("id")+"/accept", h.Admin,
		map[string]any{"engineer": map[string]any{"name": "A", "email": e.Addr("a")}})
	e2etest.Expect(t, acc, 200, "accept the case")
	r1, w1, c1, _ := m1.Snapshot()
	r2, w2, c2, _ := m2.Snapshot()
	r3, w3, c3, _ := m3.Snapshot()
	t.Logf("capacity as DynamoDB Local reports it (RCU / WCU / calls): intake %.1f/%.1f/%d, duplicate intake %.1f/%.1f/%d, accept %.1f/%.1f/%d",
		r1, w1, c1, r2, w2, c2, r3, w3, c3)
	t.Logf("AWS-equivalent transactional WCU: intake %.0f, duplicate intake %.0f, accept %.0f", m1.AWS(), m2.AWS(), m3.AWS())
	if w1 <= 0 || w3 <= 0 {
		t.Errorf("no write capacity reported: intake %.1f, accept %.1f", w1, w3)
	}
	if w2 >= w1 {
		t.Errorf("a duplicate intake (%.1f WCU) costs no less than the intake (%.1f WCU)", w2, w1)
	}
	// The same case without a key is a second case.
	if res := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, body), 201, "without a key"); res.Str("id") == first.Str("id") {
		t.Fatalf("without a key: %d %s", res.Status, res.Body)
	}
}

func TestCaseIntakeRules(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Rules Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, ptok := e2etest.LivePartner(t, e, h, "Rules Partner")
	eng := e.Do("POST", "/v1/members/"+p.MemberID+"/users", ptok, map[string]any{"name": "Eng", "email": "eng@" + p.Domain, "roles": []string{"engineer"}}).Str("token")
	crit := e.Do("POST", "/v1/members/"+p.MemberID+"/users", ptok, map[string]any{"name": "Crit", "email": "crit@" + p.Domain, "roles": []string{"engineer", "critical"}}).Str("token")
	stranger := e.Do("POST", "/v1/members", e.Operator, e2etest.NewMemberBody(e, "Stranger Co", "limited")).Str("adminToken")
	partnerDeps := e.Do("GET", "/v1/members/"+p.MemberID+"/departments", ptok, nil)
	ownDep := partnerDeps.JSON()["items"].([]any)[0].(map[string]any)["id"].(string)
	good := e2etest.CaseBody(dep, h.ProgramID)

	cases := []struct {
		name   string
		token  string
		body   map[string]any
		status int
		field  string
	}{
		{"missing required form field", eng, e2etest.Set(good, "fields.product", nil, true), 422, "fields.product"},
		{"select option not offered", eng, e2etest.Set(good, "fields.product", "Toaster", false), 422, "fields.product"},
		{"pattern mismatch", eng, e2etest.Set(good, "fields.version", "latest", false), 422, "fields.version"},
		{"too long", eng, e2etest.Set(good, "fields.serialNumber", "SN-1234567890123", false), 422, "fields.serialNumber"},
		{"not a number", eng, e2etest.Set(good, "fields.nodes", "four", false), 422, "fields.nodes"},
		{"unknown form field", eng, e2etest.Set(good, "fields.colour", "blue", false), 422, "fields.colour"},
		{"customer required", eng, e2etest.Set(good, "customer", nil, true), 422, "customer"},
		{"bad customer email", eng, e2etest.Set(good, "customer.contactEmail", "peter", false), 422, "customer.contactEmail"},
		{"bad priority", eng, e2etest.Set(good, "priority", "urgent", false), 422, "priority"},
		{"no summary", eng, e2etest.Set(good, "summary", "", false), 422, "summary"},
		{"unknown body field", eng, e2etest.Set(good, "status", "closed", false), 422, "status"},
		{"critical needs the role", eng, e2etest.Set(good, "priority", "critical", false), 403, ""},
		{"critical needs business impact", crit, e2etest.Set(good, "priority", "critical", false), 422, "businessImpact"},
		{"own department", eng, e2etest.Set(good, "departmentId", ownDep, false), 422, "departmentId"},
		{"unknown department", eng, e2etest.Set(good, "departmentId", "dep_01KAB8Z3W6Q1Y8BMXW1NTJT3S9", false), 404, ""},
		{"stranger cannot reach", stranger, good, 404, ""},
		{"no program between limited members", eng, e2etest.Set(good, "programId", nil, true), 422, "programId"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := e2etest.Expect(t, e.Do("POST", "/v1/cases", c.token, c.body), c.status, c.name)
			if c.field != "" && res.ErrorFields()[c.field] == nil {
				t.Fatalf("error does not name %s: %s", c.field, res.Body)
			}
		})
	}
	critical := e2etest.Set(e2etest.Set(good, "priority", "critical", false), "businessImpact", "Production down for 3,000 users", false)
	res := e2etest.Expect(t, e.Do("POST", "/v1/cases", crit, critical), 201, "critical")
	// Critical runs 24x7: due 2 h after opening whatever the hours say.
	created, _ := time.Parse(time.RFC3339, res.Str("createdAt"))
	due, _ := time.Parse(time.RFC3339, res.Str("responseDueAt"))
	if due.Sub(created) != 2*time.Hour {
		t.Errorf("critical due after %v, want 2h", due.Sub(created))
	}

	// A removed partner no longer reaches the host.
	e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/remove", h.Admin, map[string]any{"reason": "ended"}), 200, "remove")
	if res := e.Do("GET", "/v1/directory", eng, nil); len(res.JSON()["items"].([]any)) != 0 {
		t.Errorf("the removed partner's directory: %s", res.Body)
	}
	e2etest.Expect(t, e.Do("POST", "/v1/cases", eng, good), 404, "intake after removal")
	if res := e.Do("GET", "/v1/directory", h.Admin, nil); len(res.JSON()["items"].([]any)) != 0 {
		t.Errorf("the host still sees the removed partner: %s", res.Body)
	}
}

// Only the two members of a case (and operators) see or touch it; everyone
// else gets 404 on every case route.
func TestCaseIsolation(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Iso Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Iso Partner")
	other, otok := e2etest.LivePartner(t, e, h, "Other Partner")
	_ = other
	stranger := e.Do("POST", "/v1/members", e.Operator, e2etest.NewMemberBody(e, "Outsider", "full")).Str("adminToken")
	c := e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID))
	id := c.Str("id")
	routes := []struct {
		method, path string
		body         map[string]any
	}{
		{"GET", "/v1/cases/" + id, nil},
		{"GET", "/v1/cases/" + id + "/events", nil},
		{"POST", "/v1/cases/" + id + "/accept", map[string]any{"engineer": map[string]any{"name": "x", "email": "x@y.example"}}},
		{"POST", "/v1/cases/" + id + "/request-info", map[string]any{"question": "q"}},
		{"POST", "/v1/cases/" + id + "/notes", map[string]any{"text": "t"}},
		{"POST", "/v1/cases/" + id + "/reject", map[string]any{"reason": "r"}},
		{"POST", "/v1/cases/" + id + "/close", map[string]any{"resolution": "r"}},
	}
	for who, tok := range map[string]string{"another partner of the host": otok, "an unrelated member": stranger} {
		for _, r := range routes {
			t.Run(fmt.Sprintf("%s %s %s", who, r.method, r.path[strings.LastIndex(r.path, "/"):]), func(t *testing.T) {
				var body any
				if r.body != nil {
					body = r.body
				}
				e2etest.Expect(t, e.Do(r.method, r.path, tok, body), 404, r.method+" "+r.path)
			})
		}
	}
	e2etest.Expect(t, e.Do("GET", "/v1/cases/"+id, e.Operator, nil), 200, "operator reads the case")
	e2etest.Expect(t, e.Do("POST", "/v1/cases/"+id+"/accept", ptok, map[string]any{"engineer": map[string]any{"name": "x", "email": "x@y.example"}}), 403, "the submitter accepts its own case")
	e2etest.Expect(t, e.Do("GET", "/v1/cases?box="+url.QueryEscape("sideways"), ptok, nil), 422, "bad box")
}

// Case intake waits on DynamoDB three times before its transaction — the
// authorizer's token, then the department, caller, program and the
// caller's place side by side, then the receiver and its place; with an
// Idempotency-Key once more before (its claim) and once after (the answer
// kept for replays). Counted by the store's meter.
func TestIntakeRoundTrips(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Trip Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Trip Partner")
	for _, c := range []struct {
		headers []string
		want    int
	}{{nil, 3}, {[]string{"Idempotency-Key", "trip-1"}, 5}} {
		res, m := e.Metered("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID), c.headers...)
		e2etest.Expect(t, res, 201, "open a case")
		if got := m.Trips() - m.Count(); got > c.want || m.Count() != 1 {
			t.Errorf("intake %v: %d round trips besides its %d transaction(s), want at most %d", c.headers, got, m.Count(), c.want)
		}
	}
}
