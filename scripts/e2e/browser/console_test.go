package browser

import (
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// The console as people use it: (a) a host engineer signs in from the
// mail, finds the case in the inbox and accepts it; the partner's engineer
// signs in and sees it accepted in the outbox; (b) the partner's engineer
// opens a case through the form, fixing a validation error on the page;
// (c) the receiving department accepts from the mail's link without a
// session. Screenshots at 1280 and 390 px; axe on every page.
func TestBrowserConsoleJourneys(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Journey Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, ptok := e2etest.LivePartner(t, e, h, "Journey Partner")
	hostEng, partnerEng := e.Addr("hana"), "pete@"+p.Domain
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Hana Host", "email": hostEng, "roles": []string{"engineer"}}), 201, "host engineer")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+p.MemberID+"/users", ptok, map[string]any{"name": "Pete Partner", "email": partnerEng, "roles": []string{"engineer"}}), 201, "partner engineer")
	c := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "case").Str("id")

	ctx, problems := browser(t)
	if err := chromedp.Run(ctx, cdppage.SetBypassCSP(true)); err != nil {
		t.Fatal(err)
	}
	// (a)
	var url, status, outbox string
	err := chromedp.Run(ctx,
		signInAs(t, e, hostEng, "/inbox", "a1"),
		chromedp.Location(&url),
		both(t, "a2-inbox"),
		chromedp.Click(`a[href="/cases/`+c+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`details.step-accept summary`, chromedp.ByQuery),
		chromedp.Click(`details.step-accept summary`, chromedp.ByQuery), // the step's button opens its form
		chromedp.WaitVisible(`#accept-engineer-name`, chromedp.ByQuery),
		both(t, "a3-case"),
		chromedp.SetValue(`#accept-engineer-name`, "Hana Host", chromedp.ByQuery),
		chromedp.SetValue(`#accept-engineer-email`, hostEng, chromedp.ByQuery),
		chromedp.SendKeys(`#accept-receiverCaseNumber`, "ACME-7", chromedp.ByQuery),
		chromedp.Click(`form[action$="/accept"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`.status`, &status, chromedp.ByQuery),
		both(t, "a4-accepted"),
		chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		signInAs(t, e, partnerEng, "/inbox", ""),
		chromedp.Navigate(e.URL+"/outbox"),
		chromedp.WaitVisible(`table.cases`, chromedp.ByQuery),
		chromedp.Text(`table.cases`, &outbox, chromedp.ByQuery),
		both(t, "a5-outbox"),
	)
	if err != nil {
		t.Fatalf("journey (a): %v", err)
	}
	if !strings.HasSuffix(url, "/inbox") || !strings.EqualFold(status, "accepted") || !strings.Contains(outbox, "accepted") {
		t.Fatalf("journey (a): landed on %s, case %q, partner's outbox %q", url, status, outbox)
	}

	// (b) the partner's engineer opens a case through the form.
	var problem, opened string
	err = chromedp.Run(ctx,
		chromedp.Navigate(e.URL+"/cases/new"),
		chromedp.WaitVisible(`#q`, chromedp.ByQuery),
		chromedp.SendKeys(`#q`, "Journey", chromedp.ByQuery),
		chromedp.Click(`form[role=search] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`ul.directory a`, chromedp.ByQuery),
		both(t, "b1-directory"),
		chromedp.Click(`ul.directory a`, chromedp.ByQuery),
		chromedp.WaitVisible(`#summary`, chromedp.ByQuery),
		chromedp.SetValue(`#priority`, "high", chromedp.ByQuery),
		chromedp.SendKeys(`#summary`, "Replication lags behind", chromedp.ByQuery),
		chromedp.SendKeys(`#description`, "Async replication to the DR site lags by hours.", chromedp.ByQuery),
		chromedp.SendKeys(`#customer-company`, "Initech", chromedp.ByQuery),
		chromedp.SendKeys(`#customer-contactName`, "Peter", chromedp.ByQuery),
		chromedp.SendKeys(`#customer-contactEmail`, "peter@initech.example", chromedp.ByQuery),
		chromedp.SetValue(`#fields-product`, "Array 9000", chromedp.ByQuery),
		chromedp.SendKeys(`#fields-version`, "nine", chromedp.ByQuery), // breaks the department's pattern
		both(t, "b2-new-case"),
		chromedp.Click(`form[action="/cases"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#fields-version-error`, chromedp.ByQuery),
		chromedp.Text(`#fields-version-error`, &problem, chromedp.ByQuery),
		both(t, "b3-new-case-error"),
		chromedp.SetValue(`#fields-version`, "9.3", chromedp.ByQuery),
		chromedp.Click(`form[action="/cases"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/notes"]`, chromedp.ByQuery),
		chromedp.Text(`h1`, &opened, chromedp.ByQuery),
		both(t, "b4-opened"),
	)
	if err != nil {
		t.Fatalf("journey (b): %v", err)
	}
	if problem == "" || opened != "Replication lags behind" {
		t.Fatalf("journey (b): error %q, opened %q", problem, opened)
	}

	// (c) the receiving department accepts from the mail, without a session.
	accept := e2etest.LinkIn(t, e.Mail(e.Addr("storage-support"), "Replication lags behind"), "/r/")
	ctx2, _ := browser(t)
	var done string
	err = chromedp.Run(ctx2, cdppage.SetBypassCSP(true),
		chromedp.Navigate(accept),
		chromedp.WaitVisible(`#accept-engineer-name`, chromedp.ByQuery),
		both(t, "c1-mail-accept"),
		chromedp.SendKeys(`#accept-engineer-name`, "Sam Support", chromedp.ByQuery),
		chromedp.SendKeys(`#accept-engineer-email`, e.Addr("sam"), chromedp.ByQuery),
		chromedp.Click(`form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`.ok`, &done, chromedp.ByQuery),
		both(t, "c2-mail-accepted"),
	)
	if err != nil {
		t.Fatalf("journey (c): %v", err)
	}
	if !strings.Contains(done, "accepted") {
		t.Fatalf("journey (c): %q", done)
	}
	for _, p := range problems() {
		// The form sent back with its error is a 422 page, as the contract says.
		if strings.Contains(p, "status of 422") && strings.HasSuffix(p, "/cases") {
			continue
		}
		t.Errorf("browser problem: %s", p)
	}
}
