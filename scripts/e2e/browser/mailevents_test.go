package browser

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// A partner's inbound mailbox bounces: Tandem stops mailing it, tells the
// partner's admins how to fix it and the host and the operators how to
// reach the department meanwhile — once, however often SES reports it — and
// the directory and the console show the department as unreachable. Cases
// still open; their mail to the dead mailbox becomes a dead letter, not a
// send. The admin saves the inbound process again and mail flows. A
// transient bounce changes nothing; a complaint about an address that is
// no department's suppresses it without telling anyone.
func TestBouncedInboundAddress(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Mail Host", map[string]any{"payment": "host"})
	p, ptok := e2etest.LivePartner(t, e, h, "Bouncy Partner")
	dep := e.Do("GET", "/v1/members/"+p.MemberID+"/departments", ptok, nil).JSON()["items"].([]any)[0].(map[string]any)["id"].(string)
	inbound := "support@" + p.Domain
	// open opens a case and returns its reference, which its mail names.
	open := func(summary string) string {
		body := e2etest.Set(e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "summary", summary, false), "fields", map[string]any{"product": "Array 9000"}, false)
		return e2etest.Expect(t, e.Do("POST", "/v1/cases", h.Admin, body), 201, "open "+summary).Str("ref")
	}
	open("Before the bounce")
	e.Mail(inbound, "Before the bounce")

	sum := e2etest.Feed(t, e, e2etest.SESEvent(t, strings.ToUpper(inbound), "Permanent"))
	if sum.Suppressed != 1 || sum.Unreachable != 1 {
		t.Errorf("the first bounce: %+v, want 1 suppressed, 1 department unreachable", sum)
	}
	subject := "Cases cannot reach Bouncy Partner support (Bouncy Partner) by mail"
	owner := e.Mail(p.Email, subject)
	if !strings.Contains(owner.Body.Text, "User unknown") || !strings.Contains(owner.Body.Text, "/departments/"+dep) || !strings.Contains(owner.Body.Text, "To fix it") {
		t.Errorf("the partner admin's mail:\n%s", owner.Body.Text)
	}
	for _, addr := range []string{h.Notify, "ops@operators.test"} {
		m := e.Mail(addr, subject)
		if !strings.Contains(m.Body.Text, "admins were told") || !strings.Contains(m.Body.Text, "+49 30 999") || strings.Contains(m.Body.Text, "To fix it") {
			t.Errorf("the mail to %s:\n%s", addr, m.Body.Text)
		}
	}
	// SES reports it again (a redelivered event, a second bounced mail).
	if again := e2etest.Feed(t, e, e2etest.SESEvent(t, inbound, "Permanent")); again.Unreachable != 0 {
		t.Errorf("a second bounce marked the department again: %+v", again)
	}
	for _, addr := range []string{p.Email, h.Notify, "ops@operators.test"} {
		if n := e2etest.CountMails(t, e, addr, subject); n != 1 {
			t.Errorf("%s was told %d times, want once", addr, n)
		}
	}
	if n := e2etest.CountMails(t, e, inbound, subject); n != 0 {
		t.Errorf("the mailbox that bounced was mailed about itself")
	}

	dir := string(e.Do("GET", "/v1/directory?q=Bouncy", h.Admin, nil).Body)
	if !strings.Contains(dir, `"unreachable":{"address":"`+inbound+`","reason":"smtp; 550 5.1.1`) {
		t.Errorf("the directory does not show the department unreachable: %s", dir)
	}
	host := e2etest.SignIn(t, e, e.Addr("primary-mailhost"))
	if r := host.Do("GET", "/cases/new?q=Bouncy", nil); !strings.Contains(r.Body, "Bouncy Partner support (unreachable by mail)") {
		t.Errorf("the new-case page does not say the department is unreachable: %.1500s", r.Body)
	}
	if r := host.Do("GET", "/cases/new?departmentId="+dep, nil); !strings.Contains(r.Body, "it will not get this case by mail") {
		t.Errorf("the chosen department's form does not warn")
	}

	// A case still opens; its mail to the dead mailbox is not sent.
	after := open("After the bounce")
	e.Mail(e.Addr("primary-mailhost"), after) // the submitter's copy goes
	for _, m := range e.MailsTo(inbound) {
		if strings.Contains(m.Subject, "After the bounce") {
			t.Errorf("mail went to the suppressed address: %q", m.Subject)
		}
	}
	letters := string(e.Do("GET", "/v1/dead-letters", e.Operator, nil).Body)
	if !strings.Contains(letters, inbound) || !strings.Contains(letters, "Tandem no longer mails it") {
		t.Errorf("the unsent case mail is not a dead letter saying why: %s", letters)
	}

	// A full mailbox (transient) suppresses nothing; a complaint about an
	// address that is no department's tells nobody.
	if s := e2etest.Feed(t, e, e2etest.SESEvent(t, "escalation@"+p.Domain, "Transient")); s.Suppressed != 0 || s.Ignored != 1 {
		t.Errorf("a transient bounce: %+v", s)
	}
	// (This one through make run's local endpoint, as a person tries it.)
	res := e.Do("POST", "/_local/events/mailevents", "", json.RawMessage(e2etest.SESEvent(t, "billing@"+p.Domain, "")))
	if !strings.Contains(string(res.Body), `"result":{"kind":"complaint","suppressed":1,"ignored":0,"unreachable":0}`) {
		t.Errorf("a complaint about a contact: %d %s", res.Status, res.Body)
	}
	e2etest.Expect(t, e.Do("POST", "/_local/events/mailevents", "", map[string]any{"detail-type": "Email Bounced", "source": "aws.ses", "detail": map[string]any{"eventType": "Bounce"}}), 422, "an SES event without its bounce")
	if n := e2etest.CountMails(t, e, h.Notify, "Cases cannot reach"); n != 1 {
		t.Errorf("the host heard %d times of unreachable departments, want once", n)
	}

	// The partner's admin sees why on the department page and saves it.
	ctx, problems := browser(t)
	var warning, saved string
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, p.Email, "/departments/"+dep, ""),
		chromedp.WaitVisible(`.alert[role=status]`, chromedp.ByQuery),
		chromedp.Text(`.alert[role=status]`, &warning, chromedp.ByQuery),
		both(t, "k1-department-unreachable"),
		chromedp.Click(`button.save`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`.ok`, &saved, chromedp.ByQuery),
		both(t, "k2-department-reachable"),
	)
	if err != nil {
		t.Fatalf("the department page: %v", err)
	}
	if !strings.Contains(warning, "Mail to "+inbound+" bounced on") || !strings.Contains(warning, "then save") {
		t.Errorf("the warning: %q", warning)
	}
	for _, p := range problems() {
		t.Errorf("browser problem: %s", p)
	}
	if d := string(e.Do("GET", "/v1/departments/"+dep, ptok, nil).Body); strings.Contains(d, "unreachable") {
		t.Errorf("the department is still unreachable after saving: %s", d)
	}
	fixed := open("After the fix")
	if m := e.Mail(inbound, "After the fix"); !strings.Contains(m.Body.Text, fixed) {
		t.Errorf("the case mail after the fix: %s", fmt.Sprint(m.Subject))
	}
}
