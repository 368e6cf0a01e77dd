package browser

import (
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// Confirming an address as people do it: the host's admin points a
// department at a new mailbox and sees on its page that Tandem will not
// mail it until its owner confirms; the partner's engineer sees the same
// before opening a case and on the case; the mailbox's owner opens the
// link from the mail, reads what it is for and confirms; the admin's page
// no longer warns. Screenshots at 1280 and 390 px; axe on every page.
func TestBrowserAddressConfirmation(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Confirm Pages Host", map[string]any{"payment": "host"})
	p, ptok := e2etest.LivePartner(t, e, h, "Confirm Pages Partner")
	desk, boss := e.Addr("new-desk"), e.Addr("new-boss")
	dep := e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/departments", h.Admin, map[string]any{
		"name": "New desk", "programIds": []string{h.ProgramID},
		"inbound": map[string]any{"email": desk, "phone": "+49 30 555", "hours": "24x7", "escalation": map[string]any{"name": "Boss", "email": boss}},
	}), 201, "department").Str("id")
	admin, engineer := e.Addr("hostadmin"), "eng@"+p.Domain
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Hilda Admin", "email": admin, "roles": []string{"admin"}}), 201, "host admin user")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+p.MemberID+"/users", ptok, map[string]any{"name": "Pia Engineer", "email": engineer, "roles": []string{"engineer"}}), 201, "partner engineer")

	ctx, problems := browser(t)
	if err := chromedp.Run(ctx, cdppage.SetBypassCSP(true)); err != nil {
		t.Fatal(err)
	}
	var warning, resent string
	err := chromedp.Run(ctx,
		signInAs(t, e, admin, "/departments/"+dep, ""),
		chromedp.WaitVisible(`.alert`, chromedp.ByQuery),
		chromedp.Text(`.card`, &warning, chromedp.ByQuery),
		both(t, "e1-department-unconfirmed"),
		chromedp.Click(`input[name=resend] + button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`.ok`, &resent, chromedp.ByQuery),
		both(t, "e2-department-resent"),
	)
	if err != nil {
		t.Fatalf("the admin's department page: %v", err)
	}
	if !strings.Contains(warning, "Tandem mails "+desk+" only once its owner confirms it") || !strings.Contains(resent, desk) {
		t.Fatalf("the department page says %q, after resending %q", warning, resent)
	}

	// The partner's engineer, before and after opening a case.
	var before, onCase string
	err = chromedp.Run(ctx,
		chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		signInAs(t, e, engineer, "/cases/new?departmentId="+dep, ""),
		chromedp.WaitVisible(`#summary`, chromedp.ByQuery),
		chromedp.Text(`.alert`, &before, chromedp.ByQuery),
		both(t, "e3-new-case-unconfirmed"),
		chromedp.SendKeys(`#summary`, "Cluster will not boot", chromedp.ByQuery),
		chromedp.SendKeys(`#description`, "Since the firmware update the cluster stops at the loader.", chromedp.ByQuery),
		chromedp.SendKeys(`#customer-company`, "Initech", chromedp.ByQuery),
		chromedp.SendKeys(`#customer-contactName`, "Peter", chromedp.ByQuery),
		chromedp.SendKeys(`#customer-contactEmail`, "peter@initech.example", chromedp.ByQuery),
		chromedp.SendKeys(`#fields-product`, "Array 9000", chromedp.ByQuery),
		chromedp.Click(`form[action="/cases"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/notes"]`, chromedp.ByQuery),
		chromedp.Text(`.alert`, &onCase, chromedp.ByQuery),
		both(t, "e4-case-unconfirmed"),
	)
	if err != nil {
		t.Fatalf("the engineer's pages: %v", err)
	}
	if !strings.Contains(before, "not confirmed its address") || !strings.Contains(onCase, "has not confirmed its address "+desk) || !strings.Contains(onCase, "+49 30 555") {
		t.Fatalf("the engineer was told %q before and %q on the case", before, onCase)
	}

	// The mailbox's owner confirms from the mail, in a browser of its own.
	link := e2etest.LinkIn(t, e.Mail(desk, "takes Tandem mail"), "/e/")
	ctx2, problems2 := browser(t)
	var asked, done string
	err = chromedp.Run(ctx2, cdppage.SetBypassCSP(true),
		chromedp.Navigate(link),
		chromedp.WaitVisible(`form button`, chromedp.ByQuery),
		chromedp.Text(`.card`, &asked, chromedp.ByQuery),
		both(t, "e5-confirm-page"),
		chromedp.Click(`form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`.ok`, &done, chromedp.ByQuery),
		both(t, "e6-confirmed"),
	)
	if err != nil {
		t.Fatalf("the confirmation page: %v", err)
	}
	if !strings.Contains(asked, "Confirm Pages Host") || !strings.Contains(asked, "the cases other companies send to its department New desk") ||
		!strings.Contains(done, desk+" is confirmed") {
		t.Fatalf("the confirmation page asked %q and answered %q", asked, done)
	}
	if got := e.Do("GET", "/v1/departments/"+dep, h.Admin, nil); got.JSON()["inboundConfirmed"] != true {
		t.Fatalf("the department after confirming: %s", got.Body)
	}
	for _, pr := range append(problems(), problems2()...) {
		t.Errorf("browser problem: %s", pr)
	}
}
