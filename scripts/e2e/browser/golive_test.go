package browser

import (
	"context"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/enrollment"
)

// validated takes p's sign-up through approval and the test case's
// acknowledgement: member-paid, it then awaits payment. It returns the
// membership invoice's id.
func validated(t *testing.T, e *localtest.Env, h e2etest.Host, p e2etest.Partner) string {
	t.Helper()
	e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/approve", h.Admin, nil), 200, "approve "+p.Domain)
	ack := e2etest.LinkIn(t, e.Mail("support@"+p.Domain, "[Test case]"), "/v/")
	res := e2etest.Expect(t, e.Do("POST", "/v1/validations/"+ack[strings.LastIndex(ack, "/")+1:]+"/acknowledge", "", nil), 200, "acknowledge "+p.Domain)
	if res.Str("status") != "awaiting_payment" {
		t.Fatalf("after the acknowledgement: %s", res.Body)
	}
	return e2etest.Expect(t, e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin, nil), 200, "the enrollment").Str("membershipInvoiceId")
}

// The operator sees who is waiting to pay and which invoices are overdue;
// once a membership is paid, the partner's admin (made when it went live)
// lands in the console from the go-live mail — no token, no curl — and
// invites an engineer on the people page.
func TestGoLiveIntoTheConsole(t *testing.T) {
	t.Parallel()
	clock := localtest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	e := localtest.New(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Golive Host", nil) // member-paid
	late := e2etest.SignUp(t, e, h, "Late Payer")
	lateInvoice := validated(t, e, h, late)
	clock.Advance(33 * 24 * time.Hour) // the invoice was due after 30 days
	fresh := e2etest.SignUp(t, e, h, "Fresh Partner")
	freshInvoice := validated(t, e, h, fresh)

	operator := "ops@operators.test"
	ctx, problems := browser(t)
	var main string
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, operator, "/operator", ""),
		chromedp.WaitVisible(`#awaiting-payment`, chromedp.ByQuery),
		chromedp.Text(`main`, &main, chromedp.ByQuery),
		both(t, "l1-operator-unpaid"),
	)
	if err != nil {
		t.Fatalf("the operator's page: %v", err)
	}
	awaiting, overdue := section(main, "Waiting for payment", "Overdue invoices"), section(main, "Overdue invoices", "Stale cases")
	if !strings.Contains(awaiting, "Late Payer") || !strings.Contains(awaiting, "Fresh Partner") || !strings.Contains(awaiting, "Golive Host Partner Connect") || !strings.Contains(awaiting, "33 days") {
		t.Errorf("waiting for payment: %q", awaiting)
	}
	if !strings.Contains(overdue, "Late Payer") || strings.Contains(overdue, "Fresh Partner") || !strings.Contains(overdue, "3 days overdue") || !strings.Contains(overdue, "USD 500.00") {
		t.Errorf("overdue invoices: %q", overdue)
	}
	var links []string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll('main a')].map(a => a.getAttribute('href'))`, &links)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/invoices/" + lateInvoice, "/invoices/" + freshInvoice} {
		if !strings.Contains(strings.Join(links, " "), want) {
			t.Errorf("the operator's page does not link %s: %v", want, links)
		}
	}

	// The fresh partner's membership is paid (a bank transfer the
	// operator records): it goes live.
	e2etest.Expect(t, e.Do("POST", "/v1/invoices/"+freshInvoice+"/payments", e.Operator, map[string]any{"reference": "wire 42", "amountCents": 50000}), 200, "the payment")
	mail := e.Mail(fresh.Email, "You are live")
	if strings.Contains(mail.Body.Text, "/c/") || strings.Contains(mail.Body.Text, "tdm_") || !strings.Contains(mail.Body.Text, "administrator") {
		t.Fatalf("the go-live mail:\n%s", mail.Body.Text)
	}
	link := e2etest.LinkIn(t, mail, "/login/")

	people := "/members/" + fresh.MemberID + "/users"
	engineer := "eve@" + fresh.Domain
	var landed, notice, table string
	err = chromedp.Run(ctx,
		chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		chromedp.Navigate(link),
		chromedp.WaitVisible(`form button`, chromedp.ByQuery),
		both(t, "l2-golive-confirm"),
		chromedp.Click(`form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`nav.console`, chromedp.ByQuery),
		chromedp.Location(&landed),
		both(t, "l3-golive-inbox"),
		chromedp.Click(`nav.console a[href="`+people+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#invite-name`, chromedp.ByQuery),
		both(t, "l4-golive-people"),
		chromedp.SendKeys(`#invite-name`, "Eve Engineer", chromedp.ByQuery),
		chromedp.SendKeys(`#invite-email`, engineer, chromedp.ByQuery),
		chromedp.Click(`form[action="`+people+`"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`.ok`, &notice, chromedp.ByQuery),
		chromedp.Text(`table.people`, &table, chromedp.ByQuery),
		both(t, "l5-golive-invited"),
	)
	if err != nil {
		t.Fatalf("from the go-live mail to the invitation: %v", err)
	}
	if !strings.HasSuffix(landed, "/inbox") {
		t.Errorf("the go-live link landed on %s, want the inbox", landed)
	}
	if !strings.Contains(notice, "Invitation sent") || !strings.Contains(table, "Primary Person") || !strings.Contains(table, "Eve Engineer") {
		t.Errorf("after the invitation: %q; people %q", notice, table)
	}
	e2etest.LinkIn(t, e.Mail(engineer, "invited you to Tandem"), "/login/")

	// A /c/ link mailed before going live made the admin signs its person
	// in, once (the member has its admin now: the link is for that address).
	plain, hash := auth.NewToken("crd_")
	old := enrollment.Token{Hash: hash, Kind: enrollment.CredentialToken, EnrollmentID: fresh.EnrollmentID, MemberID: fresh.MemberID,
		Name: "Primary Person", Email: fresh.Email, ExpiresAt: clock.Now().Add(enrollment.CredentialTTL)}
	if err := e.App.Store.ApplyEnrollmentChange(context.Background(), enrollment.Change{Tokens: []enrollment.Token{old}}); err != nil {
		t.Fatal(err)
	}
	var who string
	err = chromedp.Run(ctx,
		chromedp.Navigate(e.URL+"/c/"+plain),
		chromedp.WaitVisible(`form button`, chromedp.ByQuery),
		both(t, "l6-old-credential-link"),
		chromedp.Click(`form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`nav.console`, chromedp.ByQuery),
		chromedp.Text(`nav.console .who`, &who, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("an old credential link: %v", err)
	}
	if !strings.Contains(who, "Primary Person") {
		t.Errorf("an old credential link signed in as %q, want Primary Person", who)
	}
	// Paid, the fresh partner leaves the operator's lists; the late one stays.
	after := e2etest.SignIn(t, e, operator).Do("GET", "/operator", nil).Body
	if strings.Contains(after, "/invoices/"+freshInvoice) || !strings.Contains(after, "/invoices/"+lateInvoice) {
		t.Errorf("the operator's page once the fresh partner paid still lists it, or lost the late one")
	}
	for _, p := range problems() {
		t.Errorf("browser problem: %s", p)
	}
}
