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

// A partner's admin keeps a department current in the console: its inbound
// process, business hours with a preview of when a case opened now would
// need its first response (per priority, critical around the clock), the
// escalation contact, and the process form — adding a field, ordering it
// first, removing one — previewed as submitters will see it before saving.
// Engineers are refused (403), other members' departments do not exist
// (404), bad hours and bad fields come back beside the row they were typed in.
func TestDepartmentPage(t *testing.T) {
	t.Parallel()
	clock := localtest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)) // Monday, 10:00 in Berlin
	e := localtest.New(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Desk Host", map[string]any{"payment": "host"})
	p, ptok := e2etest.LivePartner(t, e, h, "Desk Partner")
	q, _ := e2etest.LivePartner(t, e, h, "Other Desk")
	eng := "dora@" + p.Domain
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+p.MemberID+"/users", ptok, map[string]any{"name": "Dora Engineer", "email": eng, "roles": []string{"engineer"}}), 201, "engineer")
	depOf := func(memberID, tok string) string {
		return e.Do("GET", "/v1/members/"+memberID+"/departments", tok, nil).JSON()["items"].([]any)[0].(map[string]any)["id"].(string)
	}
	dep := depOf(p.MemberID, ptok)
	other := depOf(q.MemberID, e.Operator)
	page := "/departments/" + dep

	e2etest.Expect(t, e2etest.NewClient(t, e).Do("GET", page, nil), 303, "a department without a session")
	e2etest.Expect(t, e2etest.SignIn(t, e, eng).Do("GET", page, nil), 403, "an engineer opens the department's settings")
	admin := e2etest.SignIn(t, e, p.Email)
	e2etest.Expect(t, admin.Do("GET", "/departments/"+other, nil), 404, "another member's department")
	r := e2etest.Expect(t, admin.Do("GET", page, nil), 200, "the department page")
	csrf := e2etest.CSRFOf(t, r.Body)
	e2etest.Expect(t, admin.Do("POST", page, url.Values{"name": {"x"}}), 403, "saving without the form token")
	bad := url.Values{"csrf": {csrf}, "name": {"Desk Partner support"}, "inbound.email": {"support@" + p.Domain},
		"inbound.hours.timezone": {"Europe/Berlin"}, "inbound.hours.days": {"mon"}, "inbound.hours.start": {"25:00"}, "inbound.hours.end": {"18:00"},
		"inbound.escalation.name": {"Esc"}, "inbound.escalation.email": {"esc@" + p.Domain},
		"form.fields.0.position": {"1"}, "form.fields.0.name": {"product"}, "form.fields.0.label": {"Product"}, "form.fields.0.type": {"text"},
		"form.fields.1.position": {"2"}, "form.fields.1.name": {"9lives"}, "form.fields.1.label": {"Bad key"}, "form.fields.1.type": {"text"},
		"form.fields.2.position": {"3"}, "form.fields.2.name": {"os"}, "form.fields.2.label": {"OS"}, "form.fields.2.type": {"select"}}
	r = e2etest.Expect(t, admin.Do("POST", page, bad), 422, "bad hours and fields")
	for _, id := range []string{"inbound-hours-error", "ff-1-name-error", "ff-2-options-error"} {
		if !strings.Contains(r.Body, `id="`+id+`"`) {
			t.Errorf("no error %s beside its field", id)
		}
	}

	ctx, problems := browser(t)
	var before, preview, sample, saved string
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, p.Email, "/members/"+p.MemberID+"/users", ""),
		chromedp.Click(`a[href="`+page+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`table.deadlines`, chromedp.ByQuery),
		chromedp.Text(`table.deadlines`, &before, chromedp.ByQuery),
		both(t, "j1-department"),
		chromedp.SetValue(`#inbound-hours-end`, "16:00", chromedp.ByQuery),
		chromedp.SendKeys(`#ff-3-name`, "os", chromedp.ByQuery),
		chromedp.SendKeys(`#ff-3-label`, "Operating system", chromedp.ByQuery),
		chromedp.SetValue(`#ff-3-type`, "select", chromedp.ByQuery),
		chromedp.SendKeys(`#ff-3-options`, "Linux, Windows", chromedp.ByQuery),
		chromedp.Click(`#ff-3-required`, chromedp.ByQuery),
		chromedp.SetValue(`#ff-3-position`, "0", chromedp.ByQuery),
		chromedp.Click(`#ff-2-remove`, chromedp.ByQuery),
		chromedp.Click(`button[name=preview]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#sample-os`, chromedp.ByQuery),
		chromedp.Text(`table.deadlines`, &preview, chromedp.ByQuery),
		chromedp.Text(`.sample`, &sample, chromedp.ByQuery),
		both(t, "j2-department-preview"),
		chromedp.Click(`button.save`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`.ok`, &saved, chromedp.ByQuery),
		both(t, "j3-department-saved"),
	)
	if err != nil {
		t.Fatalf("editing the department: %v", err)
	}
	// Monday 10:00 in Berlin: high (2 h) by 12:00; low (8 h) by 18:00 while
	// the day ends at 18:00, by Tuesday 10:00 once it ends at 16:00;
	// critical (2 h) runs around the clock.
	if !strings.Contains(before, "Mon 23 Nov 2026, 12:00 CET") || !strings.Contains(before, "Mon 23 Nov 2026, 18:00 CET") {
		t.Errorf("the deadlines before: %q", before)
	}
	if !strings.Contains(preview, "Tue 24 Nov 2026, 10:00 CET") {
		t.Errorf("the deadlines with the day ending at 16:00: %q", preview)
	}
	if !strings.HasPrefix(strings.TrimSpace(sample), "Operating system") || strings.Contains(sample, "Serial number") {
		t.Errorf("the sample form: %q", sample)
	}
	if !strings.Contains(saved, "Saved") {
		t.Errorf("after saving: %q", saved)
	}
	got := e.Do("GET", "/v1/departments/"+dep, ptok, nil)
	body := string(got.Body)
	if !strings.Contains(body, `"end":"16:00"`) || !strings.Contains(body, `"fields":[{"name":"os","label":"Operating system","type":"select","required":true,"options":["Linux","Windows"]`) || strings.Contains(body, "serialNumber") {
		t.Errorf("the department over the API after saving: %s", body)
	}
	// Holidays from a calendar feed: the clock skips them (Tuesday here).
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Company day\r\nDTSTART;VALUE=DATE:20261124\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nSUMMARY:All hands\r\nDTSTART:20261126T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	if res := e2etest.Expect(t, e.Do("POST", "/v1/departments/"+dep+"/holidays", ptok, map[string]any{"ical": "not a calendar"}), 422, "importing text that is no calendar"); !strings.Contains(string(res.Body), "ical") {
		t.Errorf("importing text that is no calendar: %d %s, want 422", res.Status, res.Body)
	}
	engTok := e2etest.Expect(t, e.Do("POST", "/v1/members/"+p.MemberID+"/users", ptok, map[string]any{"name": "Token Eng", "email": "te@" + p.Domain, "roles": []string{"engineer"}}), 201, "engineer token").Str("token")
	e2etest.Expect(t, e.Do("POST", "/v1/departments/"+dep+"/holidays", engTok, map[string]any{"ical": ics}), 403, "an engineer imports holidays")
	imported := e2etest.Expect(t, e.Do("POST", "/v1/departments/"+dep+"/holidays", ptok, map[string]any{"ical": ics}), 200, "import holidays")
	if !strings.Contains(string(imported.Body), `"holidays":["2026-11-24"]`) {
		t.Errorf("the imported holidays: %s", imported.Body)
	}
	if r := admin.Do("GET", page, nil); !strings.Contains(r.Body, "2026-11-24") || !strings.Contains(r.Body, "Wed 25 Nov 2026, 10:00 CET") {
		t.Errorf("the department page after the import does not show the holiday or skip it in the deadlines")
	}
	for _, p := range problems() {
		t.Errorf("browser problem: %s", p)
	}
}
