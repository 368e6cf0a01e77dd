package browser

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// TestBrowserEscalationContactReadsTheCase: a case goes unanswered past its
// response time; the receiving department's escalation contact, who has no
// Tandem user, follows the link in the level-1 mail and reads the case —
// its facts and conversation, no form — without signing in. Screenshots at
// 1280 and 390 px; axe.
func TestBrowserEscalationContactReadsTheCase(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	open := time.Date(2026, 11, 23, 10, 0, 0, 0, berlin) // Monday, inside the department's hours
	clock := localtest.NewClock(open)
	e := localtest.New(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Read Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Read Partner")
	c := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "case")
	e2etest.Expect(t, e.Do("POST", "/v1/cases/"+c.Str("id")+"/notes", ptok, map[string]any{"text": "Still down; the customer is waiting."}), 200, "a note")
	clock.Set(open.Add(2*time.Hour + 5*time.Minute))
	if sum := e2etest.RunSchedule(t, e, "escalation", clock.Now()); e2etest.Num(sum, "escalatedLevel1") != 1 {
		t.Fatalf("the escalation run: %v, want level 1", sum)
	}
	mail := e.Mail(e.Addr("storage-escalation"), "[Escalation 1]")
	link := e2etest.LinkIn(t, mail, "/s/")

	ctx, problems := browser(t)
	var text string
	var forms int
	err := chromedp.Run(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(`main`, chromedp.ByQuery),
		chromedp.Text(`main`, &text, chromedp.ByQuery),
		chromedp.Evaluate(`document.forms.length`, &forms),
		both(t, "s1-read-only-case"),
	)
	if err != nil {
		t.Fatalf("the read-only link: %v", err)
	}
	for _, want := range []string{c.Str("ref"), "A read-only view of the case", "Still down; the customer is waiting.", "Escalated (level 1)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the read-only view lacks %q:\n%.1500s", want, text)
		}
	}
	if forms != 0 {
		t.Errorf("the read-only view has %d forms, want none", forms)
	}
	if p := problems(); len(p) > 0 {
		t.Fatalf("the browser reported problems:\n%s", strings.Join(p, "\n"))
	}
}
