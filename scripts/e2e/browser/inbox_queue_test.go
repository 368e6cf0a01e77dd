package browser

import (
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// A host engineer works the inbox as a queue: opens it, picks "Needs me"
// and reads its count, searches by the customer's case number and finds
// the case, whose row names its assignee. Screenshots at 1280 and 390 px
// (where each cell keeps its label); axe on every page.
func TestInboxQueueJourney(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Inbox Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Inbox Partner")
	hostEng := e.Addr("ines")
	u := e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Ines Inbox", "email": hostEng, "roles": []string{"engineer"}}), 201, "host engineer")
	wanted := e2etest.CaseBody(dep, h.ProgramID)
	wanted["customer"].(map[string]any)["caseNumber"] = "INI-4711"
	c := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, wanted), 201, "the case to find").Str("id")
	other := e2etest.CaseBody(dep, h.ProgramID)
	other["summary"] = "Licence key rejected"
	e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, other), 201, "another case")
	e2etest.Expect(t, e.Do("POST", "/v1/cases/"+c+"/assign", h.Admin, map[string]any{"userId": u.Str("id")}), 200, "assign the engineer")

	ctx, problems := browser(t)
	var needs, found, label string
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, hostEng, "/inbox", ""),
		chromedp.WaitVisible(`nav.views`, chromedp.ByQuery),
		both(t, "q1-inbox"),
		chromedp.Click(`nav.views a[data-view="needs_me"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`nav.views a[data-view="needs_me"][aria-current="page"]`, chromedp.ByQuery),
		chromedp.Text(`nav.views a[data-view="needs_me"]`, &needs, chromedp.ByQuery),
		both(t, "q2-needs-me"),
		chromedp.SendKeys(`#q`, "ini-4711", chromedp.ByQuery),
		chromedp.Click(`form[role=search] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`p[role=status]`, chromedp.ByQuery),
		chromedp.Text(`table.cases tbody`, &found, chromedp.ByQuery),
		chromedp.EmulateViewport(390, 844),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('table.cases td[data-label="Assignee"]'), '::before').content`, &label),
		both(t, "q3-search"),
	)
	if err != nil {
		t.Fatalf("the inbox journey: %v", err)
	}
	if strings.Join(strings.Fields(needs), " ") != "Needs me 2" {
		t.Errorf("the needs-me link reads %q, want it to count both cases", needs)
	}
	if !strings.Contains(found, "VMs freeze during array snapshots") || strings.Contains(found, "Licence key rejected") || !strings.Contains(found, "Ines Inbox") {
		t.Errorf("the search by the customer's case number found: %q", found)
	}
	if label != `"Assignee"` {
		t.Errorf("at 390 px the assignee cell is labelled %s, want \"Assignee\"", label)
	}
	for _, p := range problems() {
		t.Errorf("browser problem: %s", p)
	}
}
