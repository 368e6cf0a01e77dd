package browser

import (
	"net/url"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// TestSLAReport opens six cases at known times, answers them at known
// times, lets the escalation sweep run, and checks the report against
// figures worked out by hand (in the comments), over the API, as CSV and
// on the console page.
func TestSLAReport(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(month time.Month, day, hour, min int) time.Time {
		return time.Date(2026, month, day, hour, min, 0, 0, berlin)
	}
	clock := localtest.NewClock(at(11, 2, 9, 0)) // Monday
	e := localtest.New(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Report Host", map[string]any{"payment": "host"})
	hostDep := e2etest.HostDepartment(t, e, h) // high: PT2H in 08–18 weekday hours, Berlin
	a, atok := e2etest.Onboard(t, e, h, "Alpha Storage")
	_, btok := e2etest.Onboard(t, e, h, "Beta Backup")
	aDep := e.Do("GET", "/v1/members/"+a.MemberID+"/departments", atok, nil).JSON()["items"].([]any)[0].(map[string]any)["id"].(string)

	open := func(when time.Time, tok, dep string) string {
		t.Helper()
		clock.Set(when)
		body := e2etest.CaseBody(dep, h.ProgramID)
		if dep == aDep { // Alpha's department asks the program's default form
			body["fields"] = map[string]any{"product": "Hypervisor 8", "version": "8.0"}
		}
		return e2etest.Expect(t, e.Do("POST", "/v1/cases", tok, body), 201, "open case").Str("id")
	}
	act := func(when time.Time, tok, id, action string, body map[string]any) {
		t.Helper()
		clock.Set(when)
		e2etest.Expect(t, e.Do("POST", "/v1/cases/"+id+"/"+action, tok, body), 200, action)
	}
	accept := map[string]any{"receiverCaseNumber": "H-1", "engineer": map[string]any{"name": "Eng", "email": e.Addr("eng")}}

	// November. c1 answered after 30 min (due 11:00: within).
	c1 := open(at(11, 2, 9, 0), atok, hostDep)
	act(at(11, 2, 9, 30), h.Admin, c1, "accept", accept)
	// c2 due 12:00, escalated at 12:01, answered at 13:00 (3 h: late).
	c2 := open(at(11, 2, 10, 0), btok, hostDep)
	e2etest.RunSchedule(t, e, "escalation", at(11, 2, 12, 1))
	act(at(11, 2, 13, 0), h.Admin, c2, "accept", accept)
	// c3 due Tue 11:00, never answered: level 1 at 11:01, level 2 at 13:01.
	open(at(11, 3, 9, 0), atok, hostDep)
	e2etest.RunSchedule(t, e, "escalation", at(11, 3, 11, 1))
	e2etest.RunSchedule(t, e, "escalation", at(11, 3, 13, 1))
	// c4: the host asks Alpha; Alpha asks back after 1 h (within).
	c4 := open(at(11, 3, 14, 0), h.Admin, aDep)
	act(at(11, 3, 15, 0), atok, c4, "request-info", map[string]any{"question": "Which array firmware?"})
	// December. c5 answered at its due time to the minute (within); c6
	// closed by its submitter before anyone answered (not measured).
	c5 := open(at(12, 1, 9, 0), atok, hostDep)
	act(at(12, 1, 11, 0), h.Admin, c5, "accept", accept)
	c6 := open(at(12, 1, 10, 0), atok, hostDep)
	act(at(12, 1, 10, 30), atok, c6, "close", map[string]any{"resolution": "Found it ourselves"})
	clock.Set(at(12, 1, 12, 0))

	q := "/v1/reports/sla?programId=" + h.ProgramID + "&from=2026-11-01&to=2027-01-01"
	rep := e2etest.Expect(t, e.Do("GET", q, h.Admin, nil), 200, "report").JSON()
	rows, _ := rep["rows"].([]any)
	if len(rows) != 2 {
		t.Fatalf("rows: %v", rep["rows"])
	}
	byMember := map[string]map[string]any{}
	for _, r := range rows {
		m := r.(map[string]any)
		byMember[m["memberId"].(string)] = m
	}
	// Host: c1 c2 c3 c5 c6. Answered c1 (1800 s), c2 (10800 s), c5 (7200 s);
	// within c1 c5; measured those three and c3 (missed): 2 of 4. Median
	// of 1800 7200 10800 is 7200, p90 (nearest rank 3) 10800. Escalated:
	// c2 and c3 to level 1, c3 to level 2. Open: all but c6.
	wantRow(t, "host", byMember[h.MemberID], "Report Host", 5, 3, 2, 4, 0.5, 7200, 10800, 2, 1, 4)
	// Alpha: c4 answered after 3600 s, within.
	wantRow(t, "Alpha", byMember[a.MemberID], "Alpha Storage", 1, 1, 1, 1, 1, 3600, 3600, 0, 0, 1)
	// All: waits 1800 3600 7200 10800: median rank 2 = 3600, p90 rank 4 = 10800.
	wantRow(t, "total", rep["total"].(map[string]any), "All members", 6, 4, 3, 5, 0.6, 3600, 10800, 2, 1, 5)
	months, _ := rep["months"].([]any)
	if len(months) != 2 {
		t.Fatalf("months: %v", rep["months"])
	}
	nov, dec := months[0].(map[string]any), months[1].(map[string]any)
	if nov["month"] != "2026-11" || dec["month"] != "2026-12" {
		t.Errorf("months: %v %v", nov["month"], dec["month"])
	}
	// November: c1–c4, 2 of 4 within. December: c5 within, c6 not measured.
	wantRow(t, "November", nov["total"].(map[string]any), "All members", 4, 3, 2, 4, 0.5, 3600, 10800, 2, 1, 4)
	wantRow(t, "December", dec["total"].(map[string]any), "All members", 2, 1, 1, 1, 1, 7200, 7200, 0, 0, 1)

	// Only December: November's cases drop out.
	dOnly := e2etest.Expect(t, e.Do("GET", "/v1/reports/sla?programId="+h.ProgramID+"&from=2026-12-01&to=2026-12-02", h.Admin, nil), 200, "December").JSON()
	if tot := dOnly["total"].(map[string]any); tot["cases"].(float64) != 2 {
		t.Errorf("1 December alone: %v cases, want 2", tot["cases"])
	}

	// A period without cases: no rows, nothing measured (nulls).
	empty := e2etest.Expect(t, e.Do("GET", "/v1/reports/sla?programId="+h.ProgramID+"&from=2026-01-01&to=2026-02-01", h.Admin, nil), 200, "empty period").JSON()
	if tot := empty["total"].(map[string]any); len(empty["rows"].([]any)) != 0 || tot["cases"].(float64) != 0 || tot["withinSlaRatio"] != nil || tot["medianFirstResponseSeconds"] != nil {
		t.Errorf("an empty period: %v", empty)
	}

	// CSV: the header, a member a row (by name), the program's row last.
	csv := e2etest.Expect(t, e.Do("GET", q+"&format=csv", e.Operator, nil), 200, "the report as CSV")
	if !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", csv.Status, csv.Header.Get("Content-Type"))
	}
	wantCSV := "memberId,memberName,cases,responded,withinSla,measured,withinSlaRatio,medianFirstResponseSeconds,p90FirstResponseSeconds,escalatedLevel1,escalatedLevel2,open\n" +
		a.MemberID + ",Alpha Storage,1,1,1,1,1,3600,3600,0,0,1\n" +
		h.MemberID + ",Report Host,5,3,2,4,0.5,7200,10800,2,1,4\n" +
		",All members,6,4,3,5,0.6,3600,10800,2,1,5\n"
	if string(csv.Body) != wantCSV {
		t.Errorf("CSV:\n%s\nwant:\n%s", csv.Body, wantCSV)
	}

	// Who may see it, and bad input.
	other := e2etest.NewHost(t, e, "Other Reporter", nil)
	for _, c := range []struct {
		name, path, tok string
		status          int
		field           string
	}{
		{"a partner", q, atok, 404, ""},
		{"another host", q, other.Admin, 404, ""},
		{"no program", "/v1/reports/sla?from=2026-11-01", h.Admin, 422, "programId"},
		{"a bad date", "/v1/reports/sla?programId=" + h.ProgramID + "&from=1.11.2026", h.Admin, 422, "from"},
		{"to before from", "/v1/reports/sla?programId=" + h.ProgramID + "&from=2026-12-01&to=2026-11-01", h.Admin, 422, "to"},
		{"ten years", "/v1/reports/sla?programId=" + h.ProgramID + "&from=2020-01-01&to=2030-01-01", h.Admin, 422, "to"},
		{"a format", q + "&format=xml", h.Admin, 422, "format"},
		{"an unknown program", "/v1/reports/sla?programId=prg_01KAB8Z3W6Q1Y8BMXW1NTJT3S9", h.Admin, 404, ""},
		{"no token", q, "", 401, ""},
	} {
		res := e2etest.Expect(t, e.Do("GET", c.path, c.tok, nil), c.status, c.name)
		if (c.field != "" && res.ErrorFields()[c.field] == nil) || res.ErrorMessage() == "" {
			t.Errorf("%s: %d %s, want %d on %q", c.name, res.Status, res.Body, c.status, c.field)
		}
	}
	e2etest.Expect(t, e.Do("GET", q, e.Operator, nil), 200, "an operator")
	hostEng := e.Addr("report-engineer")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Eve Engineer", "email": hostEng, "roles": []string{"engineer"}}), 201, "host engineer")
	e2etest.Expect(t, e2etest.SignIn(t, e, hostEng).Do("GET", "/reports/sla?programId="+h.ProgramID, nil), 403, "a host engineer opens the report page")

	// The console: from the program list to the report, a period chosen,
	// the chart and the table, the CSV link.
	ctx, problems := browser(t)
	var table, chart, csvHref string
	var cells int
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, e.Addr("primary-reporthost"), "/programs", ""),
		chromedp.Click(`a[href="/reports/sla?programId=`+h.ProgramID+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#sla-from`, chromedp.ByQuery),
		chromedp.SetValue(`#sla-from`, "2026-11-01", chromedp.ByQuery),
		chromedp.SetValue(`#sla-to`, "2027-01-01", chromedp.ByQuery),
		chromedp.Click(`form.period button[type=submit]`, chromedp.ByQuery),
		// The default period shows a table too: wait for the page the
		// chosen period rendered (its value attribute, not the property).
		chromedp.WaitVisible(`#sla-from[value="2026-11-01"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`table.report`, chromedp.ByQuery),
		chromedp.Text(`table.report`, &table, chromedp.ByQuery),
		chromedp.TextContent(`.chart svg`, &chart, chromedp.ByQuery), // SVG has no innerText
		chromedp.Evaluate(`document.querySelectorAll('.chart svg rect').length`, &cells),
		chromedp.AttributeValue(`a[download]`, "href", &csvHref, nil, chromedp.ByQuery),
		both(t, "r1-sla-report"),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Report Host", "Alpha Storage", "50.0 %", "2 of 4 measured", "2 h 0 min", "3 h 0 min", "60.0 %", "2 / 1"} {
		if !strings.Contains(table, want) {
			t.Errorf("the report table lacks %q:\n%s", want, table)
		}
	}
	// Rows: all members, host, Alpha; columns November, December.
	if cells != 6 || !strings.Contains(chart, "Nov 2026") || !strings.Contains(chart, "50%") || !strings.Contains(chart, "100%") {
		t.Errorf("the chart: %d cells, text %q", cells, chart)
	}
	if u, err := url.Parse(csvHref); err != nil || u.Query().Get("format") != "csv" || u.Query().Get("from") != "2026-11-01" {
		t.Errorf("the CSV link: %q", csvHref)
	}
	// A period that cannot be: the form again, saying why.
	var alert string
	err = chromedp.Run(ctx,
		chromedp.SetValue(`#sla-from`, "2027-02-01", chromedp.ByQuery),
		chromedp.Click(`form.period button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#sla-to-error`, chromedp.ByQuery),
		chromedp.Text(`[role=alert]`, &alert, chromedp.ByQuery),
		both(t, "r2-sla-report-bad-period"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if alert == "" {
		t.Error("a bad period shows no alert")
	}
	for _, p := range problems() {
		// The period sent back with its error is a 422 page.
		if strings.Contains(p, "status of 422") && strings.Contains(p, "from=2027-02-01") {
			continue
		}
		t.Errorf("browser problem: %s", p)
	}
}

func wantRow(t *testing.T, what string, r map[string]any, name string, cases, responded, within, measured int, ratio float64, med, p90 float64, l1, l2, open int) {
	t.Helper()
	if r == nil {
		t.Errorf("%s: no row", what)
		return
	}
	got := []any{r["memberName"], r["cases"], r["responded"], r["withinSla"], r["measured"], r["withinSlaRatio"], r["medianFirstResponseSeconds"], r["p90FirstResponseSeconds"], r["escalatedLevel1"], r["escalatedLevel2"], r["open"]}
	want := []any{name, float64(cases), float64(responded), float64(within), float64(measured), ratio, med, p90, float64(l1), float64(l2), float64(open)}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s: got %v, want %v", what, got, want)
			return
		}
	}
}
