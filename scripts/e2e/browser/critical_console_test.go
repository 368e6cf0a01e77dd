package browser

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/ident"
)

// enrollAlso seeds member's active place in another program of the same
// host, as its place in the first one is.
func enrollAlso(t *testing.T, e *localtest.Env, memberID, programID string) {
	t.Helper()
	ctx := context.Background()
	ens, err := e.App.Store.ListMemberEnrollments(ctx, memberID)
	if err != nil || len(ens) == 0 {
		t.Fatalf("the member's enrollments: %v (%d)", err, len(ens))
	}
	en := ens[0]
	en.ID, en.ProgramID = ident.New(ident.Enrollment, time.Now()), programID
	if err := e.App.Store.Seed().Enrollments(ctx, []enrollment.Enrollment{en}); err != nil {
		t.Fatalf("seed the second enrollment: %v", err)
	}
}

// A critical escalation opened from the console, as a new user tried it:
// the form offers only critical, asks for the business impact, a note to
// the receiving manager and the customer's existing case number (each
// marked required), and says when the chosen department is not staffed
// around the clock. A department serving several programs lets the person
// choose the program first. Every error the domain returns is shown — one
// for a field the page has no input for (the department, an unknown
// process-form field) in the summary, never "check the highlighted fields"
// with nothing highlighted. Screenshots at 1280 and 390 px; axe on each.
func TestCriticalEscalationFromTheConsole(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	crit := e2etest.NewHost(t, e, "Crit Console Host", map[string]any{"payment": "host", "type": "critical_escalation"})
	second := e2etest.Expect(t, e.Do("POST", "/v1/programs", crit.Admin, map[string]any{
		"slug": "plain-" + e.Domain[:8], "name": "Crit Console Partner Program", "hostMemberId": crit.MemberID, "type": "partner_program", "payment": "host",
		"primaryContact": map[string]any{"name": "Alex Host", "email": crit.Notify}, "addendum": map[string]any{"version": "1", "text": "t"},
	}), 201, "a second program").Str("id")
	office := e2etest.Expect(t, e.Do("POST", "/v1/members/"+crit.MemberID+"/departments", crit.Admin, map[string]any{
		"name": "Office support", "programIds": []string{crit.ProgramID, second},
		"inbound": map[string]any{
			"email": e.Addr("office-support"), "hours": map[string]any{"timezone": "Europe/Berlin", "days": []string{"mon", "tue", "wed", "thu", "fri"}, "start": "08:00", "end": "18:00"},
			"escalation": map[string]any{"name": "Office Manager", "email": e.Addr("office-manager")},
		},
	}), 201, "weekday department").Str("id")
	desk := e2etest.Expect(t, e.Do("POST", "/v1/members/"+crit.MemberID+"/departments", crit.Admin, map[string]any{
		"name": "Critical desk", "programIds": []string{crit.ProgramID},
		"inbound": map[string]any{"email": e.Addr("critical-desk"), "hours": "24x7", "escalation": map[string]any{"name": "Duty Manager", "email": e.Addr("duty-manager")}},
	}), 201, "24x7 department").Str("id")
	p, ptok := e2etest.LivePartner(t, e, crit, "Crit Console Partner")
	enrollAlso(t, e, p.MemberID, second)
	users := e.Do("GET", "/v1/members/"+p.MemberID+"/users", ptok, nil).JSON()["items"].([]any)
	adminID := users[0].(map[string]any)["id"].(string)
	e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+p.MemberID+"/users/"+adminID, ptok, map[string]any{"roles": []string{"admin", "critical", "engineer"}}), 200, "critical role")

	// Over HTTP: choosing the program, the weekday department's warning,
	// and errors for fields the page has no input for.
	b := e2etest.SignIn(t, e, p.Email)
	choose := e2etest.Expect(t, b.Do("GET", "/cases/new?departmentId="+office, nil), 200, "a department of two programs")
	if !strings.Contains(choose.Body, `id="program-choice"`) {
		t.Errorf("a department of two programs: %d, offers the choice of program: %v", choose.Status, strings.Contains(choose.Body, `id="program-choice"`))
	}
	critForm := b.Do("GET", "/cases/new?departmentId="+office+"&programId="+crit.ProgramID, nil)
	if n := strings.Count(critForm.Body, "<option value=\"critical\""); n != 1 || strings.Contains(critForm.Body, `<option value="high"`) ||
		!strings.Contains(critForm.Body, `id="noteToManager"`) || !strings.Contains(critForm.Body, "not staffed around the clock") {
		t.Errorf("the critical escalation form for the weekday department: critical offered %d times, high offered %v, note to manager %v, 24x7 warning %v",
			n, strings.Contains(critForm.Body, `<option value="high"`), strings.Contains(critForm.Body, `id="noteToManager"`), strings.Contains(critForm.Body, "not staffed around the clock"))
	}
	form := url.Values{
		"csrf": {e2etest.CSRFOf(t, critForm.Body)}, "departmentId": {office}, "programId": {crit.ProgramID}, "priority": {"critical"},
		"summary": {"Array down at a bank"}, "description": {"Both controllers rebooted; volumes offline."},
		"customer.company": {"Initech"}, "customer.contactName": {"Peter"}, "customer.contactEmail": {"peter@initech.example"}, "customer.caseNumber": {"INI-7781"},
		"businessImpact": {"Trading halted"}, "noteToManager": {"Their CIO is on the bridge."}, "fields.product": {"Array 9000"},
	}
	if r := e2etest.Expect(t, b.Do("POST", "/cases", form), 422, "a critical escalation to the weekday department"); !strings.Contains(r.Body, "is not staffed around the clock; critical escalations go to a department open 24x7") {
		t.Errorf("a critical escalation to the weekday department: %d, the domain's reason shown: %v", r.Status, strings.Contains(r.Body, "is not staffed around the clock; critical"))
	}
	form.Set("departmentId", desk)
	form.Set("fields.bogus", "x")
	if r := e2etest.Expect(t, b.Do("POST", "/cases", form), 422, "an unknown process-form field"); !strings.Contains(r.Body, "is not a field of this department") {
		t.Errorf("an unknown process-form field: %d, its error shown: %v", r.Status, strings.Contains(r.Body, "is not a field of this department"))
	}

	// In Chromium, as the new user did it.
	ctx, problems := browser(t)
	if err := chromedp.Run(ctx, cdppage.SetBypassCSP(true), signInAs(t, e, p.Email, "/inbox", "")); err != nil {
		t.Fatal(err)
	}
	var note bool
	var priorities []string
	var unplaced string
	err := chromedp.Run(ctx,
		chromedp.Navigate(e.URL+"/cases/new?departmentId="+office),
		chromedp.WaitVisible(`#program-choice`, chromedp.ByQuery),
		chromedp.SetValue(`#program-choice`, crit.ProgramID, chromedp.ByQuery),
		chromedp.Click(`form.program-choice button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#noteToManager`, chromedp.ByQuery),
		both(t, "n1-critical-weekday-department"),
		fillCritical("Sent anyway", true),
		chromedp.Click(`form[action="/cases"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.alert[role=alert] li`, chromedp.ByQuery),
		chromedp.Text(`.alert[role=alert]`, &unplaced, chromedp.ByQuery),
		both(t, "n1b-critical-weekday-department-errors"),
		chromedp.Navigate(e.URL+"/cases/new?departmentId="+desk),
		chromedp.WaitVisible(`#summary`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#noteToManager') !== null`, &note),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('#priority option')).map(o => o.value)`, &priorities),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(unplaced, "Department: Office support is not staffed around the clock") {
		t.Errorf("the errors of a critical escalation sent to the weekday department: %q, want the department's named", unplaced)
	}
	if !note || strings.Join(priorities, ",") != "critical" {
		t.Fatalf("the critical escalation form: note to manager %v, priorities %v; want the note and only critical", note, priorities)
	}
	var required []string
	var problem, opened, at string
	err = chromedp.Run(ctx,
		chromedp.Evaluate(`["businessImpact", "noteToManager", "customer-caseNumber"].filter(id => document.getElementById(id).required && document.querySelector('label[for="' + id + '"]').textContent.includes("required"))`, &required),
		fillCritical("Array down at a bank", false), // no note to the manager yet
		both(t, "n2-critical-form"),
		chromedp.Click(`form[action="/cases"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#noteToManager-error`, chromedp.ByQuery),
		chromedp.Text(`#noteToManager-error`, &problem, chromedp.ByQuery),
		both(t, "n3-critical-error"),
		chromedp.SendKeys(`#noteToManager`, "Their CIO is on the bridge; please join.", chromedp.ByQuery),
		chromedp.Click(`form[action="/cases"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/notes"]`, chromedp.ByQuery),
		chromedp.Text(`h1`, &opened, chromedp.ByQuery),
		chromedp.Location(&at),
		both(t, "n4-critical-opened"),
	)
	if err != nil {
		t.Fatalf("opening the critical escalation: %v", err)
	}
	if len(required) != 3 {
		t.Errorf("marked required: %v, want businessImpact, noteToManager and customer-caseNumber", required)
	}
	if problem == "" || opened != "Array down at a bank" {
		t.Fatalf("the note's error %q, opened %q", problem, opened)
	}
	for _, p := range problems() {
		if strings.Contains(p, "status of 422") && strings.HasSuffix(p, "/cases") {
			continue // the form sent back with its error
		}
		t.Errorf("browser problem: %s", p)
	}
	var c struct{ Priority, NoteToManager, BusinessImpact string }
	e2etest.Expect(t, e.Do("GET", "/v1/cases/"+at[strings.LastIndex(at, "/")+1:], ptok, nil), 200, "the case opened in the console").Decode(t, &c)
	if c.Priority != "critical" || c.NoteToManager != "Their CIO is on the bridge; please join." || c.BusinessImpact == "" {
		t.Errorf("the case opened in the console: %+v", c)
	}
}

// fillCritical types a critical escalation into the new-case form, with
// or without the note to the manager.
func fillCritical(summary string, note bool) chromedp.Action {
	steps := chromedp.Tasks{
		chromedp.SendKeys(`#summary`, summary, chromedp.ByQuery),
		chromedp.SendKeys(`#description`, "Both controllers rebooted; volumes offline.", chromedp.ByQuery),
		chromedp.SendKeys(`#customer-company`, "Initech", chromedp.ByQuery),
		chromedp.SendKeys(`#customer-contactName`, "Peter", chromedp.ByQuery),
		chromedp.SendKeys(`#customer-contactEmail`, "peter@initech.example", chromedp.ByQuery),
		chromedp.SendKeys(`#customer-caseNumber`, "INI-7781", chromedp.ByQuery),
		chromedp.SendKeys(`#fields-product`, "Array 9000", chromedp.ByQuery),
		chromedp.SendKeys(`#fields-version`, "9.3", chromedp.ByQuery),
		chromedp.SendKeys(`#businessImpact`, "Trading halted for 4,000 users", chromedp.ByQuery),
	}
	if note {
		steps = append(steps, chromedp.SendKeys(`#noteToManager`, "Their CIO is on the bridge; please join.", chromedp.ByQuery))
	}
	return steps
}
