package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
)

func TestEscalationLevelsOnceEach(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	open := time.Date(2026, 11, 23, 10, 0, 0, 0, berlin) // Monday
	clock := localtest.NewClock(open)
	e := localtest.New(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Esc Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, ptok := e2etest.Onboard(t, e, h, "Esc Partner")
	c := e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)) // high: PT2H in 08–18 weekdays
	id := c.Str("id")
	due := open.Add(2 * time.Hour)

	if sum := e2etest.RunSchedule(t, e, "escalation", due.Add(-time.Minute)); e2etest.Num(sum, "escalatedLevel1") != 0 || e2etest.Num(sum, "reminders") != 1 {
		t.Fatalf("a minute before due: %v, want the 75 %% reminder and no escalation", sum)
	}
	for i := 0; i < 10; i++ { // the same event replayed 10 times
		sum := e2etest.RunSchedule(t, e, "escalation", due.Add(time.Minute))
		if want := map[bool]int{true: 1, false: 0}[i == 0]; e2etest.Num(sum, "escalatedLevel1") != want {
			t.Fatalf("run %d: %v, want %d level-1 escalation", i, sum, want)
		}
	}
	if got := e.Do("GET", "/v1/cases/"+id, ptok, nil); got.JSON()["escalationLevel"].(float64) != 1 {
		t.Fatalf("after level 1: %s", got.Body)
	}
	if n := e2etest.CountMails(t, e, e.Addr("storage-escalation"), "[Escalation 1]"); n != 1 {
		t.Errorf("escalation contact got %d level-1 mails, want 1", n)
	}
	if n := e2etest.CountMails(t, e, "integration@"+p.Domain, "[Escalation 1]"); n != 1 { // ptok's user opened the case
		t.Errorf("submitter got %d level-1 mails, want 1", n)
	}

	// Level 2 when as long again has passed (2 more business hours), by
	// three runs at once: it happens once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	level2 := 0
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sum, err := e.App.Escalation.Run(context.Background(), due.Add(2*time.Hour+time.Minute))
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			level2 += sum.Level2
			mu.Unlock()
		}()
	}
	wg.Wait()
	if level2 != 1 {
		t.Fatalf("three concurrent runs escalated to level 2 %d times, want 1", level2)
	}
	if n := e2etest.CountMails(t, e, h.Notify, "[Escalation 2]"); n != 1 {
		t.Errorf("the host got %d level-2 mails, want 1", n)
	}
	if n := e2etest.CountMails(t, e, "ops@operators.test", "[Escalation 2]"); n < 1 {
		t.Errorf("the operators got no level-2 mail")
	}
	if sum := e2etest.RunSchedule(t, e, "escalation", due.Add(48*time.Hour)); e2etest.Num(sum, "found") != 0 {
		t.Errorf("a case escalated twice is still due: %v", sum)
	}
	events := e.Do("GET", "/v1/cases/"+id+"/events", ptok, nil)
	if !strings.Contains(string(events.Body), `"level":2`) {
		t.Errorf("the timeline lacks the escalations: %s", events.Body)
	}

	// A late run raises both levels of another case at once; a response stops it.
	late := e.Do("POST", "/v1/cases", ptok, e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "summary", "Late one", false)).Str("id")
	answered := e.Do("POST", "/v1/cases", ptok, e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "summary", "Answered", false)).Str("id")
	e.Do("POST", "/v1/cases/"+answered+"/request-info", h.Admin, map[string]any{"question": "Logs?"})
	sum := e2etest.RunSchedule(t, e, "escalation", clock.Now().Add(72*time.Hour))
	if e2etest.Num(sum, "escalatedLevel1") != 1 || e2etest.Num(sum, "escalatedLevel2") != 1 {
		t.Errorf("late run: %v, want both levels of one case", sum)
	}
	if got := e.Do("GET", "/v1/cases/"+late, ptok, nil); got.JSON()["escalationLevel"].(float64) != 2 {
		t.Errorf("late case: %s", got.Body)
	}
	if got := e.Do("GET", "/v1/cases/"+answered, ptok, nil); got.JSON()["escalationLevel"].(float64) != 0 {
		t.Errorf("an answered case escalated: %s", got.Body)
	}
}

// /_local/schedules answers once the mail its own run wrote is handed
// over, not once the whole stream is quiet: with four clients adding notes
// back to back all the while, it still answers (the previous code waited
// for two idle passes of the stream, which came only when the writes
// stopped).
func TestLocalScheduleAnswersWhileWritesGoOn(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	open := time.Date(2026, 11, 23, 10, 0, 0, 0, berlin) // Monday
	e := localtest.New(t, localtest.WithClock(localtest.NewClock(open)))
	h := e2etest.NewHost(t, e, "Busy Run Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Busy Run Partner")
	e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)) // high: both due at 12:00
	busy := e.Do("POST", "/v1/cases", ptok, e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "summary", "Busy one", false)).Str("id")
	e.Flush()

	// Notes on the other case, back to back, until the run answers (or
	// for 90 s at most, so that the previous code answered at all).
	var (
		stop    = make(chan struct{})
		stopped = make(chan struct{})
		writers sync.WaitGroup
		notes   atomic.Int64
	)
	give := time.After(90 * time.Second)
	for w := 0; w < 4; w++ {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-give:
					return
				default:
				}
				body := strings.NewReader(fmt.Sprintf(`{"text":"note %d-%d"}`, w, i))
				req, _ := http.NewRequest("POST", e.URL+"/v1/cases/"+busy+"/notes", body)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+ptok)
				if res, err := http.DefaultClient.Do(req); err == nil {
					res.Body.Close()
					notes.Add(1)
				}
			}
		}()
	}
	go func() { writers.Wait(); close(stopped) }()
	time.Sleep(2 * time.Second)
	start := time.Now()
	res := e.Do("POST", "/_local/schedules/escalation?at="+open.Add(2*time.Hour+time.Minute).UTC().Format(time.RFC3339), "", nil, "Content-Type", "application/json")
	took := time.Since(start)
	writing := true
	select {
	case <-stopped:
		writing = false
	default:
	}
	close(stop)
	<-stopped
	t.Logf("the run answered in %s; %d notes were added around it: %s", took.Round(time.Millisecond), notes.Load(), res.Body)
	if !writing {
		t.Fatalf("the run answered only after the writes stopped (%s)", took.Round(time.Millisecond))
	}
	// Both cases are due; the notes racing the busy one's escalation do
	// not put it off.
	e2etest.Expect(t, res, 200, "the escalation run beside the writes")
	if e2etest.Num(res.JSON()["summary"].(map[string]any), "escalatedLevel1") != 2 {
		t.Fatalf("run: %d %s, want level 1 of both cases", res.Status, res.Body)
	}
	mail, _ := res.JSON()["mail"].(map[string]any)
	if e2etest.Num(mail, "sent") != 4 || mail["waiting"] != nil {
		t.Errorf("the run's mail: %v, want its 4 mails sent and none waiting", mail)
	}
}

func TestRenewalsOfAMemberPaidPartner(t *testing.T) {
	t.Parallel()
	// A month-end go-live: 31 January 2027, renewal 31 January 2028.
	golive := time.Date(2027, 1, 31, 12, 0, 0, 0, time.UTC)
	clock := localtest.NewClock(golive)
	// On a Local of its own, as the leap-day journey: under the suite its
	// onboarding waited past the harness's 15 s deadline (503) once.
	e := localtest.Isolated(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Renew Host", nil)
	p, ptok := e2etest.Onboard(t, e, h, "Renew Partner")
	enr := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin, nil)
	r, _ := time.Parse(time.RFC3339, enr.Str("renewalDate"))
	if r.Format("2006-01-02") != "2028-01-31" {
		t.Fatalf("renewal date %s, want 2028-01-31", r)
	}
	billing := "billing@" + p.Domain
	day := func(d int) time.Time { return r.AddDate(0, 0, d).Add(time.Hour) }

	if sum := e2etest.RunSchedule(t, e, "renewals", day(-46)); e2etest.Num(sum, "found") != 0 {
		t.Fatalf("too early: %v", sum)
	}
	// The partner's admin corrects the billing contact typed at sign-up; the
	// renewal goes to the corrected address, and the old one hears no more.
	accounts := "accounts@" + p.Domain
	mem := e2etest.Expect(t, e.Do("GET", "/v1/members/"+p.MemberID, ptok, nil), 200, "the partner's member")
	e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+p.MemberID, ptok, map[string]any{
		"contacts": map[string]any{"billing": map[string]any{"name": "Accounts Payable", "email": accounts}}, "version": mem.JSON()["version"],
	}), 200, "the billing contact corrected")
	// A 10-day outage: the run at day -29 catches up the heads-up and the invoice.
	sum := e2etest.RunSchedule(t, e, "renewals", day(-29))
	if e2etest.Num(sum, "headsUps") != 1 || e2etest.Num(sum, "invoices") != 1 {
		t.Fatalf("catch-up run: %v", sum)
	}
	for i := 0; i < 10; i++ {
		e2etest.RunSchedule(t, e, "renewals", day(-29))
	}
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = e.App.Renewals.Run(context.Background(), day(-20)) }()
	}
	wg.Wait()
	e.Flush()
	if n := e2etest.CountMails(t, e, accounts, "renews on 31 January 2028"); n != 1 {
		t.Errorf("heads-up mails to the corrected contact: %d, want 1", n)
	}
	if n := e2etest.CountMails(t, e, accounts, "Invoice"); n != 1 {
		t.Errorf("renewal invoice mails to the corrected contact: %d, want 1", n)
	}
	if n := e2etest.CountMails(t, e, billing, "Invoice"); n != 1 { // the membership invoice at sign-up
		t.Errorf("invoice mails to the billing address typed at sign-up: %d, want 1", n)
	}
	if n := e2etest.CountMails(t, e, billing, "renews on"); n != 0 {
		t.Errorf("heads-up mails to the billing address typed at sign-up: %d, want 0", n)
	}
	list := e.Do("GET", "/v1/invoices", ptok, nil)
	var invs struct {
		Items []struct{ ID, Kind, Status, DueAt, PeriodStart string }
	}
	list.Decode(t, &invs)
	renewals := 0
	var renewalID string
	for _, inv := range invs.Items {
		if inv.Kind == "renewal" {
			renewals++
			renewalID = inv.ID
			if !strings.HasPrefix(inv.DueAt, "2028-01-31") || inv.PeriodStart != "2028-01-31" {
				t.Errorf("renewal invoice: %+v, want due on and starting at the renewal date", inv)
			}
		}
	}
	if renewals != 1 {
		t.Fatalf("renewal invoices: %d, want 1 (%s)", renewals, list.Body)
	}

	if sum := e2etest.RunSchedule(t, e, "renewals", day(0)); e2etest.Num(sum, "lapsed") != 1 {
		t.Fatalf("renewal date: %v", sum)
	}
	if st := status(t, e, h.Admin, p.EnrollmentID); st != "lapsed" {
		t.Fatalf("after the renewal date: %s", st)
	}
	if sum := e2etest.RunSchedule(t, e, "renewals", day(76)); e2etest.Num(sum, "hostsWarned") != 1 {
		t.Fatalf("day 76: %v", sum)
	}
	e.Mail(h.Notify, "will leave")
	// Paying the lapsed renewal restores it and moves the renewal date a year.
	e2etest.Expect(t, e.Do("POST", "/v1/invoices/"+renewalID+"/payments", e.Operator, map[string]any{"reference": "late", "amountCents": 50000}), 200, "pay renewal")
	after := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin, nil)
	if after.Str("status") != "active" || !strings.HasPrefix(after.Str("renewalDate"), "2029-01-31") {
		t.Fatalf("after paying: %s", after.Body)
	}
	if sum := e2etest.RunSchedule(t, e, "renewals", day(90)); e2etest.Num(sum, "terminated") != 0 {
		t.Fatalf("a paid partner was terminated: %v", sum)
	}
}

func TestRenewalTerminationAndLeapDay(t *testing.T) {
	t.Parallel()
	golive := time.Date(2028, 2, 29, 9, 0, 0, 0, time.UTC)
	clock := localtest.NewClock(golive)
	// On a Local of its own: on the shared one its onboarding's calls
	// waited past the harness's 15 s deadline in three of five fresh-clone
	// runs (503), while the fault and webhook journeys ran beside it.
	e := localtest.Isolated(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Leap Host", nil)
	p, _ := e2etest.Onboard(t, e, h, "Leap Partner")
	enr := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin, nil)
	if !strings.HasPrefix(enr.Str("renewalDate"), "2029-02-28") {
		t.Fatalf("a 29 February go-live renews on %s, want 2029-02-28", enr.Str("renewalDate"))
	}
	// Nobody ran the schedule for the whole year: one run on day 90 does
	// every step, in order.
	r, _ := time.Parse(time.RFC3339, enr.Str("renewalDate"))
	sum := e2etest.RunSchedule(t, e, "renewals", r.AddDate(0, 0, 90).Add(time.Hour))
	if e2etest.Num(sum, "headsUps") != 1 || e2etest.Num(sum, "invoices") != 1 || e2etest.Num(sum, "lapsed") != 1 || e2etest.Num(sum, "hostsWarned") != 1 || e2etest.Num(sum, "terminated") != 1 {
		t.Fatalf("catch-up to termination: %v", sum)
	}
	if st := status(t, e, h.Admin, p.EnrollmentID); st != "terminated" {
		t.Fatalf("status %s, want terminated", st)
	}
	e.Mail(h.Notify, "membership of Leap Host Partner Connect ended")
	events := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID+"/events", h.Admin, nil)
	for _, a := range []string{"renewal_1", "renewal_2", "renewal_3", "renewal_4", "renewal_5"} {
		if !strings.Contains(string(events.Body), a) {
			t.Errorf("trail lacks %s", a)
		}
	}
}

// seedPartners puts limited and full members, active (or as given), in a program.
func seedPartners(t *testing.T, e *localtest.Env, programID, hostID string, limited, full int, st enrollment.Status) {
	t.Helper()
	now := time.Now().UTC()
	var ms []member.Member
	var es []enrollment.Enrollment
	for i := 0; i < limited+full; i++ {
		kind := member.Limited
		if i >= limited {
			kind = member.Full
		}
		m := member.Member{ID: ident.New(ident.Member, now), Name: fmt.Sprintf("Seeded %d", i), Domain: fmt.Sprintf("s%d-%s.%s", i, strings.ToLower(ident.ULID(now)[16:]), e.Domain),
			Kind: kind, CreatedAt: now, UpdatedAt: now, Version: 1}
		ms = append(ms, m)
		es = append(es, enrollment.Enrollment{ID: ident.New(ident.Enrollment, now), ProgramID: programID, MemberID: m.ID, MemberName: m.Name,
			HostMemberID: hostID, Status: st, HostPaid: true, CreatedAt: now, UpdatedAt: now, Version: 1})
	}
	if err := e.App.Store.Seed().Members(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	if err := e.App.Store.Seed().Enrollments(context.Background(), es); err != nil {
		t.Fatal(err)
	}
}

func TestHostBillingYearly(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	mk := func(name, start string) e2etest.Host {
		return e2etest.NewHost(t, e, name, map[string]any{"payment": "host", "startDate": start})
	}
	thirty := mk("Band Two", "2025-01-15")
	seedPartners(t, e, thirty.ProgramID, thirty.MemberID, 30, 2, enrollment.Active)
	seedPartners(t, e, thirty.ProgramID, thirty.MemberID, 3, 0, enrollment.Removed) // not billed
	twentyFive := mk("Band One", "2024-02-29")                                      // anniversaries on 28 February in common years
	seedPartners(t, e, twentyFive.ProgramID, twentyFive.MemberID, 20, 0, enrollment.Active)
	seedPartners(t, e, twentyFive.ProgramID, twentyFive.MemberID, 5, 0, enrollment.Lapsed) // lapsed are billed
	big := mk("Band Top", "2025-03-01")
	seedPartners(t, e, big.ProgramID, big.MemberID, 401, 0, enrollment.Active)

	at := time.Date(2026, 3, 1, 7, 0, 0, 0, time.UTC)
	// The same event 10 times, and 3 runs at once.
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = e.App.Billing.Run(context.Background(), at) }()
	}
	wg.Wait()
	for i := 0; i < 10; i++ {
		e2etest.RunSchedule(t, e, "billing", at)
	}
	want := map[string]int64{thirty.MemberID: 450000, twentyFive.MemberID: 500000, big.MemberID: 2005000}
	years := map[string]int{thirty.MemberID: 1, twentyFive.MemberID: 2, big.MemberID: 1} // 2025-02-28 and 2026-02-28
	for _, hst := range []e2etest.Host{thirty, twentyFive, big} {
		res := e.Do("GET", "/v1/invoices", hst.Admin, nil)
		var invs struct {
			Items []struct {
				Kind        string
				TotalCents  int64
				PeriodStart string
			}
		}
		res.Decode(t, &invs)
		if len(invs.Items) != years[hst.MemberID] {
			t.Fatalf("host %s: %d invoices, want %d: %s", hst.MemberID, len(invs.Items), years[hst.MemberID], res.Body)
		}
		for _, inv := range invs.Items {
			if inv.Kind != "host_annual" || inv.TotalCents != want[hst.MemberID] {
				t.Errorf("host invoice %+v, want host_annual of %d", inv, want[hst.MemberID])
			}
		}
	}
	byStart := e.Do("GET", "/v1/invoices", twentyFive.Admin, nil)
	if !strings.Contains(string(byStart.Body), `"periodStart":"2025-02-28"`) || !strings.Contains(string(byStart.Body), `"periodStart":"2026-02-28"`) {
		t.Errorf("leap-day program anniversaries: %s", byStart.Body)
	}
	if n := e2etest.CountMails(t, e, e.Addr("primary-bandtwo"), "Invoice"); n != 1 {
		t.Errorf("host billing mails: %d, want 1", n)
	}
}
