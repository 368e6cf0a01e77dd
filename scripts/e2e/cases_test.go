package e2e

import (
	"regexp"
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
	ref := opened.Str("ref")
	e.Mail("primary@"+p.Domain, "Case "+ref+" sent to Acme Storage")

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
	// The case's mail is one thread: one subject, "[ref] summary", and
	// References naming the case at the sender's domain, as the local SES
	// received them (SES keeps both; it replaces Message-ID).
	if !regexp.MustCompile(`^TDM-[2-9A-HJKMNP-TV-Z]{8}$`).MatchString(ref) {
		t.Errorf("the case's reference is %q, want TDM- and 8 characters", ref)
	}
	caseMails := 0
	for _, addr := range []string{e.Addr("storage-support"), "primary@" + p.Domain} {
		for _, m := range e.MailsTo(addr) {
			if !strings.HasPrefix(m.Header("X-Tandem-Template"), "case_") {
				continue
			}
			caseMails++
			if m.Subject != "["+ref+"] "+opened.Str("summary") {
				t.Errorf("a mail of the case to %s has the subject %q, want [%s] and its summary", addr, m.Subject, ref)
			}
			if want := "<" + ref + "@tandem.test>"; m.Header("References") != want || m.Header("In-Reply-To") != want {
				t.Errorf("a mail of the case to %s names the thread %q / %q, want %s", addr, m.Header("References"), m.Header("In-Reply-To"), want)
			}
		}
	}
	if caseMails < 4 {
		t.Errorf("%d mails of the case reached its two sides, want at least 4 (opened, accepted, asked, closed)", caseMails)
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
