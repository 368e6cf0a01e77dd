package browser

import (
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// TestBrowserCaseConversation: a submitter sees the receiving department's
// process (its hours open now or when they open, response times) before
// opening a case; the receiver's engineer opens the case, reads the
// conversation, answers the submitter's question in the reply box and
// accepts with the name Tandem filled in; the submitter reads it all on
// the case, beside the department's process. Screenshots at 1280 and 390 px;
// axe on every page.
func TestBrowserCaseConversation(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Talk Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, ptok := e2etest.LivePartner(t, e, h, "Talk Partner")
	hostEng, partnerEng := e.Addr("hana"), "pete@"+p.Domain
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Hana Host", "email": hostEng, "roles": []string{"engineer"}}), 201, "host engineer")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+p.MemberID+"/users", ptok, map[string]any{"name": "Pete Partner", "email": partnerEng, "roles": []string{"engineer"}}), 201, "partner engineer")

	ctx, problems := browser(t)
	if err := chromedp.Run(ctx, cdppage.SetBypassCSP(true)); err != nil {
		t.Fatal(err)
	}
	// The submitter, before opening: how the department works.
	var process string
	err := chromedp.Run(ctx,
		signInAs(t, e, partnerEng, "/inbox", ""),
		chromedp.Navigate(e.URL+"/cases/new?departmentId="+dep),
		chromedp.WaitVisible(`section.process`, chromedp.ByQuery),
		chromedp.Text(`section.process`, &process, chromedp.ByQuery),
		both(t, "t1-new-case-process"),
		chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("the submitter before opening: %v", err)
	}
	for _, want := range []string{"How Storage support works", "08:00–18:00 (Europe/Berlin)", "+49 30 1", "Its address is confirmed", "High", "around the clock"} {
		if !strings.Contains(process, want) { // the text as shown: priorities capitalized
			t.Errorf("the department's process before opening lacks %q: %s", want, process)
		}
	}
	if !strings.Contains(process, "Open now") && !strings.Contains(process, "Opens ") {
		t.Errorf("the department's process says neither open now nor when it opens: %s", process)
	}

	c := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "case").Str("id")
	e2etest.Expect(t, e.Do("POST", "/v1/cases/"+c+"/notes", ptok, map[string]any{"text": "Is there a workaround for tonight's snapshot run?"}), 200, "the submitter's question")

	// The receiver's engineer: reads, answers, accepts.
	var kinds []string
	var name, email, status string
	err = chromedp.Run(ctx,
		signInAs(t, e, hostEng, "/inbox", ""),
		chromedp.Navigate(e.URL+"/cases/"+c),
		chromedp.WaitVisible(`ol.conversation`, chromedp.ByQuery),
		both(t, "t2-case-conversation"),
		chromedp.SendKeys(`#notes-text`, "Yes: pause the snapshot schedule for tonight; we are on it.", chromedp.ByQuery),
		chromedp.Click(`form[action$="/notes"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Click(`details.step-accept summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#accept-engineer-name`, chromedp.ByQuery),
		chromedp.Value(`#accept-engineer-name`, &name, chromedp.ByQuery),
		chromedp.Value(`#accept-engineer-email`, &email, chromedp.ByQuery),
		both(t, "t3-accept-open"),
		chromedp.SendKeys(`#accept-receiverCaseNumber`, "ACME-7", chromedp.ByQuery),
		chromedp.Click(`form[action$="/accept"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.msg-action`, chromedp.ByQuery),
		chromedp.Text(`.status`, &status, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('ol.conversation .msg-kind')).map(n => n.textContent)`, &kinds),
		both(t, "t4-case-accepted"),
	)
	if err != nil {
		t.Fatalf("the receiver's engineer: %v", err)
	}
	if name != "Hana Host" || email != hostEng {
		t.Errorf("the accept form was filled in with %q <%s>, want Hana Host <%s>", name, email, hostEng)
	}
	if want := []string{"Opened the case", "Note", "Note", "Accepted"}; !strings.EqualFold(status, "accepted") || strings.Join(kinds, "|") != strings.Join(want, "|") {
		t.Errorf("after answering and accepting: status %q, conversation %q, want %q", status, kinds, want)
	}
	// The submitter, on the case: the same process, and the conversation.
	var after string
	err = chromedp.Run(ctx,
		chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		signInAs(t, e, partnerEng, "/cases/"+c, ""),
		chromedp.WaitVisible(`section.process`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('ol.conversation').innerText`, &after),
		both(t, "t5-submitter-case"),
	)
	if err != nil {
		t.Fatalf("the submitter on the case: %v", err)
	}
	if !strings.Contains(after, "Yes: pause the snapshot schedule") || !strings.Contains(after, "Accepted") {
		t.Errorf("the submitter's conversation: %s", after)
	}
	for _, p := range problems() {
		t.Errorf("browser problem: %s", p)
	}
}
