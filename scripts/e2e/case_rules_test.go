package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// When 75 % of the response time has passed with the clock running, the
// receiving department is reminded, once, with links to answer from the
// mail; the escalation follows at the due time. An answered case is not
// reminded, and a sweep that comes after the due time escalates without a
// reminder nobody could act on.
func TestResponseReminder(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) // Monday, 10:00 in Berlin
	clock := localtest.NewClock(start)
	e := localtest.New(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Remind Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Remind Partner")
	high := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "high case").Str("id") // PT2H: due 11:00 UTC, 75 % at 10:30
	answered := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "summary", "Answered at once", false)), 201, "answered").Str("id")
	e2etest.Expect(t, e.Do("POST", "/v1/cases/"+answered+"/accept", h.Admin, map[string]any{"engineer": map[string]any{"name": "Ann", "email": e.Addr("ann")}}), 200, "accept the case")
	low := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.Set(e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "priority", "low", false), "summary", "Slow licence portal", false)), 201, "low case").Str("id") // PT8H: due 17:00 UTC
	support := e.Addr("storage-support")

	if sum := e2etest.RunSchedule(t, e, "escalation", start.Add(89*time.Minute)); e2etest.Num(sum, "reminders") != 0 {
		t.Fatalf("before 75 %%: %v", sum)
	}
	if sum := e2etest.RunSchedule(t, e, "escalation", start.Add(91*time.Minute)); e2etest.Num(sum, "reminders") != 1 || e2etest.Num(sum, "escalatedLevel1") != 0 {
		t.Fatalf("at 75 %%: %v, want one reminder", sum)
	}
	reminder := e.Mail(support, "[Reminder]")
	if !strings.Contains(reminder.Subject, e2etest.RefOf(t, e, ptok, high)) || !strings.Contains(reminder.Body.Text, "/r/") || !strings.Contains(reminder.Body.Text, "Mon 23 Nov 2026 11:00 UTC") {
		t.Errorf("the reminder: %q\n%s", reminder.Subject, reminder.Body.Text)
	}
	if sum := e2etest.RunSchedule(t, e, "escalation", start.Add(100*time.Minute)); e2etest.Num(sum, "reminders") != 0 {
		t.Errorf("a second run before the due time: %v, want no second reminder", sum)
	}
	if sum := e2etest.RunSchedule(t, e, "escalation", start.Add(121*time.Minute)); e2etest.Num(sum, "escalatedLevel1") != 1 {
		t.Errorf("at the due time: %v, want the level-1 escalation", sum)
	}
	events := string(e.Do("GET", "/v1/cases/"+high+"/events", ptok, nil).Body)
	if !strings.Contains(events, `"action":"remind"`) || !strings.Contains(events, "75 % of the response time has passed") {
		t.Errorf("the timeline does not say the department was reminded: %s", events)
	}
	// The low case's sweep comes only after its due time: escalated, not reminded.
	sum := e2etest.RunSchedule(t, e, "escalation", start.Add(8*time.Hour+time.Minute))
	if e2etest.Num(sum, "reminders") != 0 || e2etest.Num(sum, "escalatedLevel1") != 1 {
		t.Errorf("a late sweep: %v, want the low case escalated without a reminder", sum)
	}
	for _, id := range []string{answered, low} {
		for _, m := range e.MailsTo(support) {
			if m.Is("[Reminder]") && strings.Contains(m.Subject, e2etest.RefOf(t, e, ptok, id)) {
				t.Errorf("case %s was reminded: %q", id, m.Subject)
			}
		}
	}
	if n := e2etest.CountMails(t, e, support, "[Reminder]"); n != 1 {
		t.Errorf("the department got %d reminders, want 1", n)
	}
}

// The case rules of program types: solution support offers no reject (the
// API answers 409, the case page and the mail offer none); a critical
// escalation program takes only critical cases from users with the
// critical role, with the business impact, a note to the receiving support
// manager (copied to the department's escalation contact) and the
// customer's existing case number, sent to a department open 24x7; its
// critical response time is two hours.
func TestProgramTypeRules(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	sol := e2etest.NewHost(t, e, "Solution Host", map[string]any{"payment": "host", "type": "solution_support"})
	solDep := e2etest.HostDepartment(t, e, sol)
	_, solTok := e2etest.LivePartner(t, e, sol, "Solution Partner")
	c := e2etest.Expect(t, e.Do("POST", "/v1/cases", solTok, e2etest.CaseBody(solDep, sol.ProgramID)), 201, "solution case").Str("id")
	if res := e2etest.Expect(t, e.Do("POST", "/v1/cases/"+c+"/reject", sol.Admin, map[string]any{"reason": "not ours"}), 409, "rejecting a solution support case"); !strings.Contains(string(res.Body), "solution support") {
		t.Errorf("rejecting a solution support case: %d %s, want 409 saying why", res.Status, res.Body)
	}
	if m := e.Mail(e.Addr("storage-support"), "New collaboration case"); strings.Contains(m.Body.Text, "Reject:") || !strings.Contains(m.Body.Text, "Accept:") {
		t.Errorf("the solution support case mail offers a reject:\n%s", m.Body.Text)
	}
	hostEng := e.Addr("solution-engineer")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+sol.MemberID+"/users", sol.Admin, map[string]any{"name": "Sol Engineer", "email": hostEng, "roles": []string{"engineer"}}), 201, "host engineer")
	if r := e2etest.Expect(t, e2etest.SignIn(t, e, hostEng).Do("GET", "/cases/"+c, nil), 200, "the solution support case page"); strings.Contains(r.Body, `/reject"`) || !strings.Contains(r.Body, `/accept"`) {
		t.Errorf("the solution support case page: %d, offers reject: %v", r.Status, strings.Contains(r.Body, `/reject"`))
	}

	if res := e2etest.Expect(t, e.Do("POST", "/v1/programs", e.Operator, map[string]any{
		"slug": "crit-" + e.Domain[:8], "name": "Crit", "hostMemberId": sol.MemberID, "type": "critical_escalation", "payment": "host",
		"primaryContact": map[string]any{"name": "a", "email": "a@b.example"}, "addendum": map[string]any{"version": "1", "text": "t"},
		"sla": map[string]any{"critical": "PT4H"},
	}), 422, "a critical escalation program with a 4 h critical response time"); !strings.Contains(string(res.Body), "sla.critical") {
		t.Errorf("a critical escalation program with a 4 h critical response time: %d %s, want 422", res.Status, res.Body)
	}
	crit := e2etest.NewHost(t, e, "Crit Host", map[string]any{"payment": "host", "type": "critical_escalation"})
	office := e2etest.HostDepartment(t, e, crit) // weekdays 08–18
	round := e2etest.Expect(t, e.Do("POST", "/v1/members/"+crit.MemberID+"/departments", crit.Admin, map[string]any{
		"name": "Critical desk", "programIds": []string{crit.ProgramID},
		"inbound": map[string]any{"email": e.Addr("critical-desk"), "hours": "24x7", "escalation": map[string]any{"name": "Duty Manager", "email": e.Addr("duty-manager")}},
	}), 201, "24x7 department").Str("id")
	confirmAddress(t, e, e.Addr("critical-desk"))
	confirmAddress(t, e, e.Addr("duty-manager"))
	p, ptok := e2etest.LivePartner(t, e, crit, "Crit Partner")
	users := e.Do("GET", "/v1/members/"+p.MemberID+"/users", ptok, nil).JSON()["items"].([]any)
	adminID := users[0].(map[string]any)["id"].(string)
	e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+p.MemberID+"/users/"+adminID, ptok, map[string]any{"roles": []string{"admin", "critical", "engineer"}}), 200, "critical role")
	plainEng := e2etest.Expect(t, e.Do("POST", "/v1/members/"+p.MemberID+"/users", ptok, map[string]any{"name": "No Crit", "email": "nocrit@" + p.Domain, "roles": []string{"engineer"}}), 201, "engineer").Str("token")

	full := e2etest.Set(e2etest.Set(e2etest.Set(e2etest.Set(e2etest.CaseBody(round, crit.ProgramID), "priority", "critical", false), "businessImpact", "Production down for 4,000 users", false),
		"noteToManager", "Their CIO is on the bridge; please join.", false), "customer.caseNumber", "INI-7781", false)
	full = e2etest.Set(full, "fields", map[string]any{"product": "Array 9000"}, false) // the 24x7 desk has the default process form
	for _, tc := range []struct {
		name   string
		token  string
		body   map[string]any
		status int
		field  string
	}{
		{"a high case", ptok, e2etest.Set(full, "priority", "high", false), 422, "priority"},
		{"no note to the manager", ptok, e2etest.Set(full, "noteToManager", nil, true), 422, "noteToManager"},
		{"no existing case number", ptok, e2etest.Set(full, "customer.caseNumber", nil, true), 422, "customer.caseNumber"},
		{"a department open on weekdays only", ptok, e2etest.Set(full, "departmentId", office, false), 422, "departmentId"},
		{"without the critical role", plainEng, full, 403, ""},
	} {
		res := e2etest.Expect(t, e.Do("POST", "/v1/cases", tc.token, tc.body), tc.status, tc.name)
		if !strings.Contains(string(res.Body), tc.field) {
			t.Errorf("%s: %d %s, want %d naming %q", tc.name, res.Status, res.Body, tc.status, tc.field)
		}
	}
	ok := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, full), 201, "a complete critical escalation")
	due, _ := time.Parse(time.RFC3339, ok.Str("responseDueAt"))
	created, _ := time.Parse(time.RFC3339, ok.Str("createdAt"))
	if d := due.Sub(created); d < 2*time.Hour-time.Second || d > 2*time.Hour+time.Second {
		t.Errorf("the critical escalation is due after %s, want 2 h around the clock", d)
	}
	m := e.Mail(e.Addr("duty-manager"), "New collaboration case")
	if !strings.Contains(m.Body.Text, "Their CIO is on the bridge") {
		t.Errorf("the escalation contact's copy lacks the note to manager:\n%s", m.Body.Text)
	}
}

// A case nobody works on closes by itself: 23 days after the last note or
// action by either side both sides are warned (once) that it closes in 7
// days; after 30 days it closes, the timeline says why and both sides are
// told. Any note restarts the 30 days, a warning included.
func TestIdleCasesCloseAfter30Days(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	clock := localtest.NewClock(start)
	e := localtest.New(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Idle Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, ptok := e2etest.LivePartner(t, e, h, "Idle Partner")
	idle := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "idle case").Str("id")
	worked := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "summary", "Worked on", false)), 201, "worked case").Str("id")
	support, submitter := e.Addr("storage-support"), "primary@"+p.Domain
	note := func(id, text string) {
		t.Helper()
		e2etest.Expect(t, e.Do("POST", "/v1/cases/"+id+"/notes", ptok, map[string]any{"text": text}), 200, "note on "+id)
	}

	clock.Set(start.Add(20 * day))
	note(worked, "Still collecting logs.") // restarts its 30 days
	if sum := e2etest.RunSchedule(t, e, "housekeeping", start.Add(23*day-time.Minute)); e2etest.Num(sum, "warned") != 0 {
		t.Fatalf("before 23 days: %v", sum)
	}
	for i := 0; i < 3; i++ {
		if sum := e2etest.RunSchedule(t, e, "housekeeping", start.Add(23*day+time.Minute)); e2etest.Num(sum, "warned") != map[bool]int{true: 1, false: 0}[i == 0] {
			t.Fatalf("run %d at 23 days: %v, want one warning in all", i, sum)
		}
	}
	for _, addr := range []string{support, submitter} {
		if m := e.Mail(addr, "Closes in 7 days without activity"); !strings.Contains(m.Subject, e2etest.RefOf(t, e, ptok, idle)) || !strings.Contains(m.Body.Text, "Wed 23 Dec 2026") {
			t.Errorf("the warning to %s: %q\n%s", addr, m.Subject, m.Body.Text)
		}
	}
	if sum := e2etest.RunSchedule(t, e, "housekeeping", start.Add(30*day+time.Minute)); e2etest.Num(sum, "closed") != 1 {
		t.Fatalf("at 30 days: %v, want the idle case closed", sum)
	}
	got := e.Do("GET", "/v1/cases/"+idle, ptok, nil)
	if got.Str("status") != "closed" || !strings.Contains(got.Str("resolution"), "30 days without activity") {
		t.Errorf("the idle case after 30 days: %s", got.Body)
	}
	if events := string(e.Do("GET", "/v1/cases/"+idle+"/events", ptok, nil).Body); !strings.Contains(events, `"action":"auto_close"`) || !strings.Contains(events, "closed automatically") {
		t.Errorf("the timeline does not say why the case closed: %s", events)
	}
	for _, addr := range []string{support, submitter} {
		e.Mail(addr, "Closed for inactivity")
	}
	if st := e.Do("GET", "/v1/cases/"+worked, ptok, nil).Str("status"); st == "closed" {
		t.Errorf("the case worked on at day 20 closed at day 30")
	}
	// The worked case: warned at day 43, a note at day 45 restarts it.
	if sum := e2etest.RunSchedule(t, e, "housekeeping", start.Add(43*day+time.Minute)); e2etest.Num(sum, "warned") != 1 {
		t.Fatalf("at day 43: %v, want the worked case warned", sum)
	}
	clock.Set(start.Add(45 * day))
	note(worked, "Logs attached; please look.")
	if sum := e2etest.RunSchedule(t, e, "housekeeping", start.Add(50*day+time.Minute)); e2etest.Num(sum, "closed") != 0 {
		t.Errorf("at day 50, after a note at day 45: %v, want nothing closed", sum)
	}
	if sum := e2etest.RunSchedule(t, e, "housekeeping", start.Add(75*day+time.Minute)); e2etest.Num(sum, "closed") != 1 {
		t.Errorf("30 days after the last note: %v, want the case closed", sum)
	}
}

// A member's capture mailboxes get a blind copy of every mail of the cases
// it opens (outbound BCC) and receives (inbound BCC), from the next case on
// once their owners confirmed them.
func TestBccCaptures(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Capture Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, ptok := e2etest.LivePartner(t, e, h, "Capture Partner")
	before := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "summary", "Before the capture", false)), 201, "case before").Str("id")
	out, in := "archive@"+p.Domain, e.Addr("host-archive")
	if res := e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+p.MemberID, ptok, map[string]any{"bcc": map[string]any{"outbound": "nope"}}), 422, "a capture address that is no address"); !strings.Contains(string(res.Body), "bcc.outbound") {
		t.Errorf("a capture address that is no address: %d %s, want 422", res.Status, res.Body)
	}
	got := e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+p.MemberID, ptok, map[string]any{"bcc": map[string]any{"outbound": out}}), 200, "partner outbound bcc")
	if !strings.Contains(string(got.Body), `"bcc":{"outbound":"`+out+`"}`) {
		t.Errorf("the member after setting its capture: %s", got.Body)
	}
	e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+h.MemberID, h.Admin, map[string]any{"bcc": map[string]any{"inbound": in}}), 200, "host inbound bcc")
	// Tandem copies nothing to a capture address before its owner confirms it.
	confirmAddress(t, e, out)
	confirmAddress(t, e, in)
	c := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "case").Str("id")
	e2etest.Expect(t, e.Do("POST", "/v1/cases/"+c+"/accept", h.Admin, map[string]any{"engineer": map[string]any{"name": "Ann", "email": e.Addr("ann")}}), 200, "accept the case")
	for _, addr := range []string{out, in} {
		e.Mail(addr, "New collaboration case")
		e.Mail(addr, "accepted")
		for _, m := range e.MailsTo(addr) {
			if strings.Contains(m.Subject, "takes Tandem mail") {
				continue // the confirmation request is the address's own mail
			}
			if strings.Contains(m.Subject, "Before the capture") || strings.Contains(m.Subject, before) {
				t.Errorf("%s got a copy of a case opened before the capture was set: %q", addr, m.Subject)
			}
			if slices.Contains(m.Destination.To, addr) || slices.Contains(m.Destination.Cc, addr) {
				t.Errorf("%s is an open recipient of %q, not a blind copy", addr, m.Subject)
			}
		}
	}
}

// Escalation mail for a non-critical case reaches the receiving
// department's escalation contact only inside its business hours: a sweep
// in the evening tells the submitter at once and the escalation contact
// when the department opens next morning.
func TestEscalationMailWaitsForBusinessHours(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	opened := time.Date(2026, 11, 23, 17, 0, 0, 0, berlin) // Monday 17:00: PT2H is due Tuesday 09:00
	clock := localtest.NewClock(opened)
	e := localtest.New(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Night Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, ptok := e2etest.LivePartner(t, e, h, "Night Partner")
	c := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "case").Str("ref")
	evening := time.Date(2026, 11, 24, 20, 0, 0, 0, berlin) // the sweep comes late, after closing time
	clock.Set(evening)
	if sum := e2etest.RunSchedule(t, e, "escalation", evening); e2etest.Num(sum, "escalatedLevel1") != 1 {
		t.Fatalf("the evening sweep: %v", sum)
	}
	e.Mail("primary@"+p.Domain, "[Escalation 1]") // the submitter is told at once
	if n := e2etest.CountMails(t, e, e.Addr("storage-escalation"), "[Escalation 1] Case "+c); n != 0 {
		t.Fatalf("the escalation contact got %d level-1 mails in the evening, want them held until the morning", n)
	}
	e2etest.RunSchedule(t, e, "redrive", time.Date(2026, 11, 25, 7, 59, 0, 0, berlin))
	if n := e2etest.CountMails(t, e, e.Addr("storage-escalation"), "[Escalation 1] Case "+c); n != 0 {
		t.Fatalf("the escalation contact got the mail before opening time")
	}
	e2etest.RunSchedule(t, e, "redrive", time.Date(2026, 11, 25, 8, 1, 0, 0, berlin))
	e.Mail(e.Addr("storage-escalation"), "[Escalation 1] Case "+c)
}

// A host registers its sending domain: it gets the three DKIM records to
// publish; until SES verifies them the program that sends as the host
// sends from the platform's address in the host's name, with Reply-To the
// host; once verified (its status read), from the host's own address.
func TestHostSendingDomain(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	hostDomain := "send-host." + e.Domain
	sender := "partners@" + hostDomain
	h := e2etest.NewHost(t, e, "Send Host", map[string]any{"sender": "host", "senderEmail": sender})
	other := e2etest.NewHost(t, e, "Other Sender", nil)
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/sending-domain", h.Admin, map[string]any{"domain": "other-sender." + e.Domain}), 422, "registering another member's domain")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/sending-domain", other.Admin, map[string]any{"domain": hostDomain}), 404, "registering for another member")
	e2etest.Expect(t, e.Do("GET", "/v1/members/"+h.MemberID+"/sending-domain", h.Admin, nil), 404, "the status before registering")
	reg := e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/sending-domain", h.Admin, map[string]any{"domain": hostDomain}), 200, "register")
	recs, _ := reg.JSON()["records"].([]any)
	if len(recs) != 3 || reg.JSON()["verified"] != false || !strings.HasSuffix(recs[0].(map[string]any)["name"].(string), "._domainkey."+hostDomain) || recs[0].(map[string]any)["type"] != "CNAME" {
		t.Fatalf("the registration: %s", reg.Body)
	}
	e2etest.Expect(t, e.Do("POST", "/v1/programs/"+h.Slug+"/registrations", "", map[string]any{"email": "first@joiner." + e.Domain}), 202, "register first")
	m := e.Mail("first@joiner."+e.Domain, "Confirm your email")
	if !strings.Contains(m.From, "Send Host via Tandem") || strings.Contains(m.From, sender) || len(m.ReplyTo) != 1 || !strings.Contains(m.ReplyTo[0], sender) {
		t.Errorf("before verification: From %q, Reply-To %v", m.From, m.ReplyTo)
	}
	e.Identities.Verify(hostDomain)
	if got := e2etest.Expect(t, e.Do("GET", "/v1/members/"+h.MemberID+"/sending-domain", h.Admin, nil), 200, "status"); got.JSON()["verified"] != true || got.Str("status") != "SUCCESS" {
		t.Fatalf("after SES verified: %s", got.Body)
	}
	e2etest.Expect(t, e.Do("POST", "/v1/programs/"+h.Slug+"/registrations", "", map[string]any{"email": "second@joiner." + e.Domain}), 202, "register second")
	m = e.Mail("second@joiner."+e.Domain, "Confirm your email")
	if !strings.Contains(m.From, sender) || len(m.ReplyTo) != 0 {
		t.Errorf("after verification: From %q, Reply-To %v", m.From, m.ReplyTo)
	}
}
