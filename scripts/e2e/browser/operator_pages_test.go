package browser

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/awsclient"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/notify/delivery"
	"github.com/tandemhq/tandem/shared/notify/sesmail"
	"github.com/tandemhq/tandem/shared/store/storetest"
)

// bouncingSender is SES with one mailbox that refuses mail until it is
// fixed (a full mailbox, a typo corrected in the directory).
type bouncingSender struct {
	next    delivery.Sender
	mu      sync.Mutex
	mailbox string
	fixed   bool
}

func (b *bouncingSender) Send(ctx context.Context, m delivery.Mail) (string, error) {
	b.mu.Lock()
	bounce := !b.fixed && m.To[0] == b.mailbox
	b.mu.Unlock()
	if bounce {
		return "", fmt.Errorf("550 mailbox full: %w", notify.ErrPermanent)
	}
	return b.next.Send(ctx, m)
}

// refuse makes mailbox the one that bounces (the notifier reads it
// concurrently: under the lock).
func (b *bouncingSender) refuse(mailbox string) {
	b.mu.Lock()
	b.mailbox = mailbox
	b.mu.Unlock()
}

func (b *bouncingSender) fix() {
	b.mu.Lock()
	b.fixed = true
	b.mu.Unlock()
}

// An operator signs in with the address the installation names (no
// member, no token), finds a member and its programs, sees sign-ups
// waiting in any program and cases nobody answered in time (escalated to
// level 2 as well), and resends a dead letter once the mailbox is fixed:
// the mail arrives, the letter leaves the list, a second resend is a 409.
// Members' admins are refused (403).
func TestOperatorPage(t *testing.T) {
	t.Parallel()
	sesEndpoint := storetest.SESEndpoint(t)
	cfg, err := awsclient.Load(context.Background(), awsclient.Options{SESEndpoint: sesEndpoint, DynamoDBEndpoint: storetest.Endpoint(t)})
	if err != nil {
		t.Fatal(err)
	}
	clock := localtest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)) // a Monday, 10:00 in Berlin
	sender := &bouncingSender{next: sesmail.New(awsclient.Sending(cfg), sesEndpoint, "")}
	e := localtest.New(t, localtest.WithClock(clock), func(c *app.Config) { c.MailSender = sender })
	h := e2etest.NewHost(t, e, "Watch Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, ptok := e2etest.LivePartner(t, e, h, "Watch Partner")
	e2etest.SignUp(t, e, h, "Waiting Partner")
	stale := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "stale case").Str("id")
	answered := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "summary", "Answered in time", false)), 201, "answered case").Str("id")
	e2etest.Expect(t, e.Do("POST", "/v1/cases/"+answered+"/accept", h.Admin, map[string]any{"engineer": map[string]any{"name": "Ann", "email": e.Addr("ann")}}), 200, "accept the case")
	mailbox := "welcome-" + p.Domain + "@" + e.Domain
	sender.refuse(mailbox)
	msg := notify.Message{
		ID: ident.New(ident.Outbox, clock.Now()), Channel: notify.Email, From: "Tandem <no-reply@tandem.test>", To: []string{mailbox},
		CreatedAt: clock.Now(), Ref: p.MemberID,
		Data: notify.MemberWelcome{MemberName: "Watch Partner", MemberID: p.MemberID, ContactName: "Wanda", AdminEmail: "a@" + p.Domain, BaseURL: e.URL},
	}
	if err := e.App.Store.Enqueue(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	e.Flush()
	if _, state, _, _ := e.App.Store.GetOutbox(context.Background(), msg.ID); state != notify.Dead {
		t.Fatalf("the bounced welcome is %s, want dead", state)
	}
	clock.Advance(6 * time.Hour) // 15:00 UTC: the stale case's response was due at 11:00
	if _, err := e.App.Escalation.Run(context.Background(), clock.Now()); err != nil {
		t.Fatal(err)
	}

	operator := "ops@operators.test"
	e2etest.Expect(t, e2etest.SignIn(t, e, p.Email).Do("GET", "/operator", nil), 403, "a member's admin opens the operator page")
	e2etest.Expect(t, e.Do("POST", "/v1/dead-letters/"+msg.ID+"/resend", ptok, nil), 403, "a member's admin resends a dead letter")
	e2etest.Expect(t, e.Do("POST", "/v1/dead-letters/obx_nonsense/resend", e.Operator, nil), 404, "resending a dead letter that is not there")
	ops := e2etest.SignIn(t, e, operator)
	e2etest.Expect(t, ops.Do("POST", "/operator/dead-letters/"+msg.ID+"/resend", url.Values{}), 403, "a resend without the form token")

	ctx, problems := browser(t)
	var found, signups, cases, dead, notice, after string
	err = chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, operator, "/operator", ""),
		chromedp.WaitVisible(`#q`, chromedp.ByQuery),
		chromedp.Text(`main`, &dead, chromedp.ByQuery),
		both(t, "i1-operator"),
		chromedp.SendKeys(`#q`, "watch host", chromedp.ByQuery),
		chromedp.Click(`form[role=search] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`ul.found`, chromedp.ByQuery),
		chromedp.Text(`ul.found`, &found, chromedp.ByQuery),
		both(t, "i2-operator-search"),
	)
	if err != nil {
		t.Fatalf("the operator's page: %v", err)
	}
	if !strings.Contains(found, "Watch Host") || !strings.Contains(found, "Watch Host Partner Connect") {
		t.Errorf("searching for the host: %q", found)
	}
	signups, cases = section(dead, "Sign-ups waiting", "Stale cases"), section(dead, "Stale cases", "Dead letters")
	if !strings.Contains(signups, "Waiting Partner") || !strings.Contains(signups, "the host's approval") {
		t.Errorf("waiting sign-ups: %q", signups)
	}
	if !strings.Contains(cases, "VMs freeze during array snapshots") || strings.Contains(cases, "Answered in time") || !strings.Contains(cases, "4 hours late") || !strings.Contains(cases, "level 2") {
		t.Errorf("stale cases: %q", cases)
	}
	if d := section(dead, "Dead letters", ""); !strings.Contains(d, mailbox) || !strings.Contains(d, "550 mailbox full") {
		t.Errorf("dead letters: %q", d)
	}

	sender.fix()
	err = chromedp.Run(ctx,
		chromedp.Click(`#`+msg.ID+` form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`.ok`, &notice, chromedp.ByQuery),
		chromedp.Text(`main`, &after, chromedp.ByQuery),
		both(t, "i3-resent"),
	)
	if err != nil {
		t.Fatalf("resending: %v", err)
	}
	if !strings.Contains(notice, "Sent again") || strings.Contains(section(after, "Dead letters", ""), mailbox) {
		t.Errorf("after resending: %q; dead letters %q", notice, section(after, "Dead letters", ""))
	}
	if m := e.Mail(mailbox, "Watch Partner"); m.Subject == "" {
		t.Errorf("the resent welcome did not arrive")
	}
	e2etest.Expect(t, e.Do("POST", "/v1/dead-letters/"+msg.ID+"/resend", e.Operator, nil), 409, "resending the same dead letter again")
	e2etest.Expect(t, ops.Do("GET", "/cases/"+stale, nil), 200, "the operator opens a stale case")
	prgPage := ops.Do("GET", "/programs/"+h.ProgramID, nil)
	if !strings.Contains(prgPage.Body, `name="priceBands"`) || !strings.Contains(prgPage.Body, `name="payment"`) {
		t.Errorf("an operator's program editor lacks the money fields")
	}
	form := url.Values{"csrf": {e2etest.CSRFOf(t, prgPage.Body)}, "name": {"Watch Host Partner Connect"}, "type": {"partner_program"}, "payment": {"host"},
		"access": {"open"}, "sender": {"platform"}, "startDate": {"2026-01-01"}, "priceBands": {"10 30000\n1000 9000"},
		"primaryContact.name": {"Alex Host"}, "primaryContact.email": {h.Notify}, "addendum.version": {"2026-1"}, "addendum.text": {"Be excellent to each other."}}
	e2etest.Expect(t, ops.Do("POST", "/programs/"+h.ProgramID, form), 303, "an operator saves prices")
	if got := e.Do("GET", "/v1/programs/"+h.ProgramID, e.Operator, nil); !strings.Contains(string(got.Body), `"priceBands":[{"upTo":10,"unitCents":30000},{"upTo":1000,"unitCents":9000}]`) {
		t.Errorf("the prices an operator saved: %s", got.Body)
	}
	for _, path := range []string{"/invoices?memberId=" + p.MemberID, "/members/" + p.MemberID + "/users", "/programs/" + h.ProgramID, "/programs/" + h.ProgramID + "/enrollments"} {
		e2etest.Expect(t, ops.Do("GET", path, nil), 200, "the operator follows a link of the search to "+path)
	}
	for _, p := range problems() {
		t.Errorf("browser problem: %s", p)
	}
}

// section is the text of a page between two headings ("" for the end).
func section(text, from, to string) string {
	_, rest, ok := strings.Cut(text, from)
	if !ok {
		return ""
	}
	if to != "" {
		rest, _, _ = strings.Cut(rest, to)
	}
	return rest
}
