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

// A host's partner manager creates a program in the console, previews its
// landing page from the form before saving, creates it and opens the
// landing page partners will see; then edits it. What only operators
// decide (who pays, prices, the start date) is shown, not editable, to
// hosts. Engineers are refused (403), another member's program does not
// exist (404), and bad input comes back beside the field.
func TestProgramPages(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Studio Host", map[string]any{"payment": "host"})
	other := e2etest.NewHost(t, e, "Other Studio", nil)
	manager, eng := e.Addr("studio-manager"), e.Addr("studio-engineer")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Max Manager", "email": manager, "roles": []string{"admin"}}), 201, "host admin")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Eve Engineer", "email": eng, "roles": []string{"engineer"}}), 201, "host engineer")

	e2etest.Expect(t, e2etest.NewClient(t, e).Do("GET", "/programs", nil), 303, "programs without a session")
	engineer := e2etest.SignIn(t, e, eng)
	for _, path := range []string{"/programs", "/programs/new", "/programs/" + h.ProgramID} {
		e2etest.Expect(t, engineer.Do("GET", path, nil), 403, "an engineer opens "+path)
	}
	admin := e2etest.SignIn(t, e, manager)
	e2etest.Expect(t, admin.Do("GET", "/programs/"+other.ProgramID, nil), 404, "another host's program")
	r := e2etest.Expect(t, admin.Do("GET", "/programs/"+h.ProgramID, nil), 200, "the program's page")
	if strings.Contains(r.Body, `name="payment"`) || strings.Contains(r.Body, `name="priceBands"`) || strings.Contains(r.Body, `name="startDate"`) {
		t.Errorf("a host's editor offers the operators' fields")
	}
	if !strings.Contains(r.Body, "Your company pays for its partners") || !strings.Contains(r.Body, "up to 25: USD 200.00") {
		t.Errorf("a host's editor does not show who pays and the prices")
	}
	csrf := e2etest.CSRFOf(t, r.Body)
	e2etest.Expect(t, admin.Do("POST", "/programs/"+other.ProgramID, url.Values{"csrf": {csrf}, "name": {"Hijacked"}}), 404, "saving another host's program")
	e2etest.Expect(t, admin.Do("POST", "/programs", url.Values{"name": {"No token"}}), 403, "creating without the form token")
	bad := url.Values{"csrf": {csrf}, "name": {"Bad"}, "slug": {"Bad Slug!"}, "type": {"oem"}, "payment": {"member"}, "access": {"open"}, "sender": {"platform"},
		"primaryContact.name": {"A"}, "primaryContact.email": {"a@b.example"}, "notifyEmails": {"ok@b.example\nnot-mail"}, "addendum.version": {"1"}, "addendum.text": {"t"},
		"sla.high": {"two hours"}, "landing.links.0.title": {"Guide"}, "landing.links.0.url": {"ftp://x"}, "signupMail.intro": {"Hi {firstName}"}}
	r = e2etest.Expect(t, admin.Do("POST", "/programs", bad), 422, "a program with bad input")
	for _, id := range []string{"slug-error", "notifyEmails-error", "sla-high-error", "link-0-url-error", "signupMail-intro-error"} {
		if !strings.Contains(r.Body, `id="`+id+`"`) {
			t.Errorf("the bad program's page has no error %s beside its field", id)
		}
	}
	if !strings.Contains(r.Body, "line 2 must be") {
		t.Errorf("the bad notify address is not named by its line")
	}
	stale := url.Values{"csrf": {csrf}, "version": {"99"}, "name": {"Stale"}, "type": {"partner_program"}, "access": {"open"}, "sender": {"platform"},
		"primaryContact.name": {"A"}, "primaryContact.email": {"a@b.example"}, "addendum.version": {"1"}, "addendum.text": {"t"}}
	if r := e2etest.Expect(t, admin.Do("POST", "/programs/"+h.ProgramID, stale), 409, "saving an old version of the program"); !strings.Contains(r.Body, "reload it") {
		t.Errorf("saving an old version of the program: %d, want 409 saying to reload: %.300s", r.Status, r.Body)
	}

	slug := "studio-" + e.Domain[:8]
	ctx, problems := browser(t)
	var preview, notice, landing, editURL string
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, manager, "/inbox", ""),
		chromedp.Click(`nav.console a[href="/programs"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`table.cases`, chromedp.ByQuery),
		both(t, "h1-programs"),
		chromedp.Click(`a[href="/programs/new"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#slug`, chromedp.ByQuery),
		chromedp.SendKeys(`#name`, "Studio Cloud Alliance", chromedp.ByQuery),
		chromedp.SendKeys(`#slug`, slug, chromedp.ByQuery),
		chromedp.SetValue(`#type`, "solution_support", chromedp.ByQuery),
		choose(`#sla-high`, "4"),
		choose(`#sla-low`, "16"),
		chromedp.SendKeys(`#addendum-text`, "Partners answer within the response times.", chromedp.ByQuery),
		chromedp.SendKeys(`#landing-about`, "Cloud vendors and Studio support customers together.", chromedp.ByQuery),
		chromedp.SendKeys(`#link-0-title`, "Integration guide", chromedp.ByQuery),
		chromedp.SendKeys(`#link-0-url`, "https://studio.example/guide", chromedp.ByQuery),
		chromedp.SendKeys(`#signupMail-subject`, "Welcome to {programName}, {companyName}", chromedp.ByQuery),
		chromedp.SendKeys(`#signupMail-intro`, "Dear {contactName}, thank you for joining {hostName}'s cloud alliance.", chromedp.ByQuery),
		chromedp.Click(`button[name=preview]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.preview .about`, chromedp.ByQuery),
		chromedp.Text(`.preview`, &preview, chromedp.ByQuery),
		both(t, "h2-new-program-preview"),
		chromedp.Click(`button.save`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`.ok`, &notice, chromedp.ByQuery),
		both(t, "h3-program-created"),
		chromedp.Location(&editURL),
		chromedp.Click(`a[href$="/p/`+slug+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		chromedp.Text(`main`, &landing, chromedp.ByQuery),
		both(t, "h4-landing"),
	)
	if err != nil {
		t.Fatalf("creating a program: %v", err)
	}
	if !strings.Contains(preview, "Welcome to Studio Cloud Alliance, Example Storage Inc.") || !strings.Contains(preview, "Dear Pat Partner, thank you for joining Studio Host's cloud alliance.") {
		t.Errorf("the sign-up mail preview: %q", preview)
	}
	if !strings.Contains(preview, "Studio Cloud Alliance") || !strings.Contains(preview, "Cloud vendors and Studio") || !strings.Contains(preview, "Integration guide") || !strings.Contains(preview, "not saved yet") ||
		!strings.Contains(preview, "high 4 business hours") || !strings.Contains(preview, "low 16 business hours") {
		t.Errorf("the preview: %q", preview)
	}
	if !strings.Contains(notice, "ready") {
		t.Errorf("after creating: %q", notice)
	}
	if !strings.Contains(landing, "Studio Cloud Alliance") || !strings.Contains(landing, "Cloud vendors and Studio support customers together.") || !strings.Contains(landing, "Integration guide") ||
		!strings.Contains(landing, "4 business hours") || !strings.Contains(landing, "16 business hours") || !strings.Contains(landing, "USD 500.00 a year") {
		t.Errorf("the landing page: %q", landing)
	}
	progs := e.Do("GET", "/v1/programs?hostMemberId="+h.MemberID, h.Admin, nil)
	if !strings.Contains(string(progs.Body), `"slug":"`+slug+`"`) || !strings.Contains(string(progs.Body), `"type":"solution_support"`) ||
		!strings.Contains(string(progs.Body), `"sla":{"low":"PT16H","medium":"PT4H","high":"PT4H","critical":"PT2H"}`) {
		t.Fatalf("the created program over the API: %s", progs.Body)
	}

	// A partner signing up gets the host's words, placeholders filled.
	domain := "joiner." + e.Domain
	e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.Set(e2etest.SignupBody(e2etest.SignupToken(t, e, slug, "primary@"+domain), "Joiner Networks", domain), "acceptAddendum.version", "1", false)), 201, "signing up for the new program")
	if m := e.Mail("primary@"+domain, "Welcome to Studio Cloud Alliance, Joiner Networks"); !strings.Contains(m.Body.Text, "Dear Primary Person, thank you for joining Studio Host's cloud alliance.") || !strings.Contains(m.Body.Text, "review your sign-up") {
		t.Errorf("the partner's sign-up mail:\n%s", m.Body.Text)
	}

	// Editing: a new addendum version and the about text.
	var saved, landing2 string
	err = chromedp.Run(ctx,
		chromedp.Navigate(strings.TrimSuffix(editURL, "?done=created")), // no notice on the page before saving: the one after is the save's
		chromedp.WaitVisible(`#addendum-version`, chromedp.ByQuery),
		chromedp.SetValue(`#addendum-version`, "2", chromedp.ByQuery),
		chromedp.SetValue(`#landing-about`, "Now with a 24/7 critical line.", chromedp.ByQuery),
		chromedp.Click(`button.save`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`.ok`, &saved, chromedp.ByQuery),
		both(t, "h5-program-saved"),
		chromedp.Navigate(e.URL+"/p/"+slug),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		chromedp.Text(`main`, &landing2, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("editing the program: %v", err)
	}
	if !strings.Contains(saved, "Saved") || !strings.Contains(landing2, "Now with a 24/7 critical line.") {
		t.Errorf("after saving: %q; landing %q", saved, landing2)
	}
	for _, p := range problems() {
		t.Errorf("browser problem: %s", p)
	}
}
