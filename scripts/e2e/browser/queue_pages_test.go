package browser

import (
	"net/url"
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// A host's partner manager works the enrollment queue in the console:
// counts per status, approving a pending partner (whose support then gets
// the validation test case by mail), rejecting one (a reason is required,
// the error beside the field), each enrollment's timeline. Engineers of
// the host are refused (403), other members see no such program (404), an
// enrollment of another program is not reachable through this one's
// queue, and a step on an enrollment that moved on says so (409).
func TestEnrollmentQueue(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Queue Host", nil)
	other := e2etest.NewHost(t, e, "Other Queue Host", nil)
	manager, hostEng := e.Addr("queue-manager"), e.Addr("queue-engineer")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Mia Manager", "email": manager, "roles": []string{"admin"}}), 201, "host admin")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Hal Engineer", "email": hostEng, "roles": []string{"engineer"}}), 201, "host engineer")
	good := e2etest.SignUp(t, e, h, "Queue Partner")
	spam := e2etest.SignUp(t, e, h, "Spammy Reseller")
	elsewhere := e2etest.SignUp(t, e, other, "Elsewhere Partner")
	e2etest.LivePartner(t, e, other, "Queue Stranger")
	page := "/programs/" + h.ProgramID + "/enrollments"

	e2etest.Expect(t, e2etest.NewClient(t, e).Do("GET", page, nil), 303, "the queue without a session")
	e2etest.Expect(t, e2etest.SignIn(t, e, hostEng).Do("GET", page, nil), 403, "a host engineer opens the queue")
	e2etest.Expect(t, e2etest.SignIn(t, e, "primary@queuestranger."+e.Domain).Do("GET", page, nil), 404, "another program's partner opens the queue")
	admin := e2etest.SignIn(t, e, manager)
	r := e2etest.Expect(t, admin.Do("GET", page, nil), 200, "the queue")
	if !strings.Contains(r.Body, "Queue Partner") || !strings.Contains(r.Body, "Spammy Reseller") {
		t.Fatalf("the queue: %d %.800s", r.Status, r.Body)
	}
	csrf := e2etest.CSRFOf(t, r.Body)
	e2etest.Expect(t, admin.Do("POST", "/programs/"+h.ProgramID+"/enrollments/"+elsewhere.EnrollmentID+"/approve", url.Values{"csrf": {csrf}}), 404, "approving another host's enrollment through this queue")
	e2etest.Expect(t, admin.Do("POST", page+"/"+good.EnrollmentID+"/approve", url.Values{}), 403, "a step without the form token")
	if r := e2etest.Expect(t, admin.Do("POST", page+"/"+good.EnrollmentID+"/approve", url.Values{"csrf": {csrf}, "version": {"99"}}), 409, "a step on an old version"); !strings.Contains(r.Body, "changed while you were looking") {
		t.Errorf("a step on an old version: %d, want 409 saying so: %.300s", r.Status, r.Body)
	}

	ctx, problems := browser(t)
	var counts, process, notice, rejectErr, timeline string
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, manager, page, ""),
		chromedp.WaitVisible(`ul.counts`, chromedp.ByQuery),
		chromedp.Text(`ul.counts`, &counts, chromedp.ByQuery),
		chromedp.Text(`#`+good.EnrollmentID+` .process`, &process, chromedp.ByQuery),
		both(t, "g1-queue"),
		chromedp.Click(`#`+good.EnrollmentID+` form.step-approve button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`.ok`, &notice, chromedp.ByQuery),
		both(t, "g2-approved"),
		chromedp.Click(`#`+spam.EnrollmentID+` form.step-reject button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#`+spam.EnrollmentID+`-reject-reason-error`, chromedp.ByQuery),
		chromedp.Text(`#`+spam.EnrollmentID+`-reject-reason-error`, &rejectErr, chromedp.ByQuery),
		both(t, "g3-reject-needs-reason"),
		chromedp.SendKeys(`#`+spam.EnrollmentID+`-reject-reason`, "We do not work with resellers.", chromedp.ByQuery),
		chromedp.Click(`#`+spam.EnrollmentID+` form.step-reject button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Navigate(e.URL+page+"?show="+good.EnrollmentID),
		chromedp.WaitVisible(`ol.timeline`, chromedp.ByQuery),
		chromedp.Text(`ol.timeline`, &timeline, chromedp.ByQuery),
		both(t, "g4-timeline"),
	)
	if err != nil {
		t.Fatalf("the queue journey: %v", err)
	}
	if !strings.Contains(strings.ToLower(counts), "pending approval 2") {
		t.Errorf("the queue's counts: %q", counts)
	}
	for _, want := range []string{"Support process", "Approving sends the test case here.", "support@" + good.Domain, "not confirmed yet", "08:00–18:00"} {
		if !strings.Contains(process, want) {
			t.Errorf("the queue card's support process lacks %q: %q", want, process)
		}
	}
	if !strings.Contains(notice, "Approved") {
		t.Errorf("after approving: %q", notice)
	}
	if rejectErr == "" {
		t.Errorf("rejecting without a reason showed no error beside the field")
	}
	if !strings.Contains(timeline, "approve") || !strings.Contains(timeline, "by Mia Manager") {
		t.Errorf("the timeline: %q", timeline)
	}
	test := e.Mail("support@"+good.Domain, "[Test case]")
	if !strings.Contains(test.Body.Text, "/v/") {
		t.Errorf("the validation mail after approving in the console: %s", test.Body.Text)
	}
	if st := e.Do("GET", "/v1/enrollments/"+spam.EnrollmentID, h.Admin, nil); st.Str("status") != "rejected" || st.Str("reason") != "We do not work with resellers." {
		t.Errorf("the rejected enrollment: %s", st.Body)
	}
	if told := e.Mail(spam.Email, "your sign-up was not approved"); !strings.Contains(told.Body.Text, "We do not work with resellers.") {
		t.Errorf("the rejected partner's mail does not give the reason:\n%s", told.Body.Text)
	}
	e2etest.Expect(t, admin.Do("POST", page+"/"+spam.EnrollmentID+"/approve", url.Values{"csrf": {csrf}}), 409, "approving a rejected enrollment")
	for _, p := range problems() {
		if strings.Contains(p, "status of 422") {
			continue // the reject form sent back with its error is a 422 page
		}
		t.Errorf("browser problem: %s", p)
	}
}
