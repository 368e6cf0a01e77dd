package browser

import (
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// TestAddendumReacceptance: a new addendum version mails each bound
// partner (once, however often the sweep runs) a link to accept it; the
// host sees who has not; one partner accepts through the mailed link in
// Chromium, another over the API; removed and pending ones are not asked.
func TestAddendumReacceptance(t *testing.T) {
	t.Parallel()
	clock := localtest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	e := localtest.New(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Terms Host", map[string]any{"payment": "host"})
	a, _ := e2etest.Onboard(t, e, h, "Alpha Terms")
	b, btok := e2etest.Onboard(t, e, h, "Beta Terms")
	gone, _ := e2etest.Onboard(t, e, h, "Gone Terms")
	e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+gone.EnrollmentID+"/remove", h.Admin, map[string]any{"reason": "left"}), 200, "remove")
	e2etest.SignUp(t, e, h, "Pending Terms") // pending approval: not bound by the addendum yet

	patch := func(version, text string) {
		t.Helper()
		e2etest.Expect(t, e.Do("PATCH", "/v1/programs/"+h.ProgramID, h.Admin, map[string]any{"addendum": map[string]any{"version": version, "text": text}}), 200, "new addendum")
	}
	patch("2027-1", "Cases are answered in English or German. Customer data stays in the EU.")
	clock.Advance(time.Minute)
	first := e2etest.RunSchedule(t, e, "escalation", clock.Now())
	if add, _ := first["addenda"].(map[string]any); e2etest.Num(add, "partnersAsked") != 2 {
		t.Fatalf("the sweep after the new version: %v, want 2 partners asked", first)
	}
	for i := 0; i < 3; i++ {
		if add, _ := e2etest.RunSchedule(t, e, "escalation", clock.Now().Add(time.Duration(i+1)*time.Minute))["addenda"].(map[string]any); e2etest.Num(add, "partnersAsked") != 0 {
			t.Fatalf("run %d asked again: %v", i, add)
		}
	}
	subject := "please accept version 2027-1"
	for _, p := range []e2etest.Partner{a, b} {
		if n := e2etest.CountMails(t, e, p.Email, subject); n != 1 {
			t.Errorf("%s got %d mails asking, want 1", p.Email, n)
		}
	}
	if n := e2etest.CountMails(t, e, gone.Email, subject); n != 0 {
		t.Errorf("the removed partner was asked %d times", n)
	}

	outstanding := func() []any {
		t.Helper()
		return e2etest.Expect(t, e.Do("GET", "/v1/programs/"+h.ProgramID+"/enrollments?addendum=outstanding", h.Admin, nil), 200, "outstanding").JSON()["items"].([]any)
	}
	if o := outstanding(); len(o) != 2 || o[0].(map[string]any)["addendumAsked"] != "2027-1" {
		t.Fatalf("outstanding: %v", o)
	}
	e2etest.Expect(t, e.Do("GET", "/v1/programs/"+h.ProgramID+"/enrollments?addendum=all", h.Admin, nil), 422, "an unknown addendum filter")
	e2etest.Expect(t, e.Do("GET", "/v1/programs/"+h.ProgramID+"/enrollments?addendum=outstanding", btok, nil), 404, "a partner lists the program's outstanding partners")

	// Beta over the API: an old version is refused, the current accepted once.
	if res := e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+b.EnrollmentID+"/addendum", btok, map[string]any{"version": "2026-1", "name": "Bea", "title": "CEO"}), 409, "accepting the old version"); res.ErrorFields()["version"] == nil {
		t.Errorf("accepting the old version: %d %s", res.Status, res.Body)
	}
	if res := e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+b.EnrollmentID+"/addendum", btok, map[string]any{"version": "2027-1", "name": "", "title": "CEO"}), 422, "accepting without a name"); res.ErrorFields()["name"] == nil {
		t.Errorf("accepting without a name: %d %s", res.Status, res.Body)
	}
	e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+b.EnrollmentID+"/addendum", h.Admin, map[string]any{"version": "2027-1", "name": "H", "title": "T"}), 403, "the host accepts for its partner")
	acc := e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+b.EnrollmentID+"/addendum", btok, map[string]any{"version": "2027-1", "name": "Bea Boss", "title": "CEO"}), 200, "accept the new addendum").JSON()
	if ad := acc["addendum"].(map[string]any); ad["version"] != "2027-1" || ad["name"] != "Bea Boss" {
		t.Errorf("after accepting: %v", ad)
	}
	e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+b.EnrollmentID+"/addendum", btok, map[string]any{"version": "2027-1", "name": "Bea Boss", "title": "CEO"}), 409, "accepting twice")

	// The host's queue, filtered to who has not accepted; then Alpha
	// accepts through the mailed link (first forgetting its title).
	ctx, problems := browser(t)
	var queue string
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, e.Addr("primary-termshost"), "/programs/"+h.ProgramID+"/enrollments", ""),
		chromedp.Click(`a[href="/programs/`+h.ProgramID+`/enrollments?addendum=outstanding"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`p[role=status]`, chromedp.ByQuery),
		chromedp.Text(`main`, &queue, chromedp.ByQuery),
		both(t, "t1-addendum-outstanding"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(queue, "1 partner yet to accept version 2027-1") || !strings.Contains(queue, "Alpha Terms") || strings.Contains(queue, "Beta Terms") ||
		!strings.Contains(queue, "not yet version 2027-1 (asked") {
		t.Errorf("the host's outstanding list:\n%.3000s", queue)
	}
	link := e2etest.LinkIn(t, e.Mail(a.Email, subject), "/a/")
	var titleErr, done string
	err = chromedp.Run(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#name`, chromedp.ByQuery),
		chromedp.SetValue(`#name`, "Al Alpha", chromedp.ByQuery),
		chromedp.Click(`form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#title-error`, chromedp.ByQuery),
		chromedp.Text(`#title-error`, &titleErr, chromedp.ByQuery),
		chromedp.SetValue(`#title`, "Managing Director", chromedp.ByQuery),
		both(t, "t2-addendum-accept"),
		chromedp.Click(`form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok[role=status]`, chromedp.ByQuery),
		chromedp.Text(`.ok[role=status]`, &done, chromedp.ByQuery),
		both(t, "t3-addendum-accepted"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if titleErr == "" || !strings.Contains(done, "Al Alpha (Managing Director)") {
		t.Errorf("accepting by the link: error %q, done %q", titleErr, done)
	}
	if o := outstanding(); len(o) != 0 {
		t.Errorf("outstanding after both accepted: %d", len(o))
	}
	evs := e.Do("GET", "/v1/enrollments/"+a.EnrollmentID+"/events", h.Admin, nil).JSON()["items"].([]any)
	var actions []string
	for _, ev := range evs {
		actions = append(actions, ev.(map[string]any)["action"].(string))
	}
	if got := strings.Join(actions, " "); !strings.HasSuffix(got, "ask_addendum accept_addendum") {
		t.Errorf("Alpha's timeline: %s", got)
	}

	// A version after that: both are asked again, and the old link shows
	// the newest text to accept.
	patch("2027-2", "Cases are answered in English, German or French.")
	clock.Advance(time.Hour)
	if add, _ := e2etest.RunSchedule(t, e, "escalation", clock.Now())["addenda"].(map[string]any); e2etest.Num(add, "partnersAsked") != 2 {
		t.Errorf("after version 2027-2: %v, want both asked", add)
	}
	res := e2etest.Expect(t, e2etest.NewClient(t, e).Do("GET", strings.TrimPrefix(link, e.URL), nil), 200, "the first link after a newer version")
	if !strings.Contains(res.Body, "version 2027-2") || !strings.Contains(res.Body, "French") {
		t.Errorf("the first link after a newer version: %d %.500s", res.Status, res.Body)
	}
	e2etest.Expect(t, e2etest.NewClient(t, e).Do("GET", "/a/not-a-token", nil), 401, "a forged link")
	for _, p := range problems() {
		if strings.Contains(p, "status of 422") && strings.Contains(p, "/a/") {
			continue // the form sent back with its error
		}
		t.Errorf("browser problem: %s", p)
	}
}
