package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

func status(t *testing.T, e *localtest.Env, token, id string) string {
	t.Helper()
	res := e2etest.Expect(t, e.Do("GET", "/v1/enrollments/"+id, token, nil), 200, "get enrollment")
	return res.Str("status")
}

// Sign-up → approve from the mail's link → acknowledge the test case from
// the partner's mail → the admin signs in from the go-live mail → makes an
// API token on the people page → calls the API with it.
func TestOnboardingThroughTheMails(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Omega", map[string]any{"payment": "host"})
	p := e2etest.SignUp(t, e, h, "Partner One")

	approve := e2etest.LinkIn(t, e.Mail(h.Notify, "New partner sign-up"), "/h/")
	// Opening the link (as a mail scanner would) changes nothing.
	if p := e2etest.Expect(t, e2etest.Page(t, "GET", approve, nil), 200, "confirm page"); !strings.Contains(p.Body, "Approve Partner One?") {
		t.Fatalf("confirm page: %d %s", p.Status, p.Body)
	}
	if st := status(t, e, h.Admin, p.EnrollmentID); st != "pending_approval" {
		t.Fatalf("after opening the link: %s, want pending_approval", st)
	}
	if p := e2etest.Expect(t, e2etest.Page(t, "POST", approve, url.Values{}), 200, "confirming"); !strings.Contains(p.Body, "Approved") {
		t.Fatalf("confirming: %d %s", p.Status, p.Body)
	}
	if st := status(t, e, h.Admin, p.EnrollmentID); st != "validating" {
		t.Fatalf("after approving: %s, want validating", st)
	}
	// The link now shows what was decided, and acts no more.
	if p := e2etest.Expect(t, e2etest.Page(t, "POST", approve, url.Values{}), 200, "second use of the link"); !strings.Contains(p.Body, "already approved") {
		t.Fatalf("second use of the link: %d %s", p.Status, p.Body)
	}
	e.Mail(p.Email, "your sign-up was approved")

	ack := e2etest.LinkIn(t, e.Mail("support@"+p.Domain, "[Test case]"), "/v/")
	if p := e2etest.Expect(t, e2etest.Page(t, "GET", ack, nil), 200, "test case page"); !strings.Contains(p.Body, "Acknowledge the test case") {
		t.Fatalf("test case page: %d %s", p.Status, p.Body)
	}
	if p := e2etest.Expect(t, e2etest.Page(t, "POST", ack, url.Values{}), 200, "acknowledging"); !strings.Contains(p.Body, "You are live") {
		t.Fatalf("acknowledging: %d %s", p.Status, p.Body)
	}
	if st := status(t, e, h.Admin, p.EnrollmentID); st != "active" {
		t.Fatalf("after acknowledging: %s, want active", st)
	}
	e.Mail(h.Notify, "Partner One is live")

	// Going live made the partner's admin (its primary contact) and mailed
	// it a sign-in link: one click lands in the console, no token, no curl.
	liveMail := e.Mail(p.Email, "You are live")
	if strings.Contains(liveMail.Body.Text, "/c/") || strings.Contains(liveMail.Body.Text, "tdm_") {
		t.Fatalf("the go-live mail carries a credential link or a token:\n%s", liveMail.Body.Text)
	}
	signIn := e2etest.LinkIn(t, liveMail, "/login/")
	admin := e2etest.NewClient(t, e)
	page := e2etest.Expect(t, admin.Do("GET", signIn, nil), 200, "the go-live sign-in page")
	if res := e2etest.Expect(t, admin.Do("POST", signIn, url.Values{"csrf": {e2etest.CSRFOf(t, page.Body)}}), 303, "signing in from the go-live mail"); res.Header.Get("Location") != "/inbox" {
		t.Fatalf("signing in from the go-live mail goes to %q", res.Header.Get("Location"))
	}
	e2etest.Expect(t, admin.Do("GET", "/inbox", nil), 200, "the admin's inbox")
	people := e2etest.Expect(t, admin.Do("GET", "/members/"+p.MemberID+"/users", nil), 200, "the people page")
	if !strings.Contains(people.Body, p.Email) || !strings.Contains(people.Body, "Authorization: Bearer") {
		t.Fatalf("the people page:\n%.2000s", people.Body)
	}
	// An API token is made on the people page when wanted.
	made := e2etest.Expect(t, admin.Do("POST", "/members/"+p.MemberID+"/tokens", url.Values{"csrf": {e2etest.CSRFOf(t, people.Body)},
		"name": {"Ticketing"}, "email": {"tickets@" + p.Domain}, "roles": {"admin", "engineer"}}), 200, "making an API token")
	m := regexp.MustCompile(`tdm_[A-Za-z0-9_-]+`).FindString(made.Body)
	if m == "" {
		t.Fatalf("the made token is not shown:\n%.2000s", made.Body)
	}
	partnerToken := m
	got := e2etest.Expect(t, e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, partnerToken, nil), 200, "the partner's own token")
	if got.Str("status") != "active" || got.Str("goLiveAt") == "" {
		t.Fatalf("the partner's own token: %d %s", got.Status, got.Body)
	}
	if res := e2etest.Expect(t, e.Do("GET", "/v1/members/"+p.MemberID, partnerToken, nil), 200, "partner reads its member"); res.Str("kind") != "limited" {
		t.Fatalf("partner reads its member: %d %s", res.Status, res.Body)
	}
	// The audit trail names every step, its actor and its states.
	events := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID+"/events", h.Admin, nil)
	var trail struct {
		Items []struct{ Actor, Action, From, To string }
	}
	events.Decode(t, &trail)
	var steps []string
	for _, ev := range trail.Items {
		steps = append(steps, fmt.Sprintf("%s:%s>%s", ev.Action, ev.From, ev.To))
		if ev.Actor == "" {
			t.Errorf("event %s has no actor", ev.Action)
		}
	}
	want := "sign_up:>pending_approval approve:pending_approval>validating pass_validation:validating>active"
	if strings.Join(steps, " ") != want {
		t.Errorf("trail: got %q, want %q", strings.Join(steps, " "), want)
	}
}

func TestConcurrentDecisionsOneStands(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Race", nil)
	p := e2etest.SignUp(t, e, h, "Racer")
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var res localtest.Response
			if i%2 == 0 {
				res = e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/approve", h.Admin, nil)
			} else {
				res = e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/reject", h.Admin, map[string]any{"reason": "race"})
			}
			mu.Lock()
			codes[res.Status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[200] != 1 || codes[409] != 9 {
		t.Fatalf("got %v, want one 200 and nine 409", codes)
	}
	events := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID+"/events", h.Admin, nil)
	if n := len(events.JSON()["items"].([]any)); n != 2 {
		t.Errorf("trail has %d events, want sign-up and one decision", n)
	}
}

func TestMemberPaidPartnerWaitsForPayment(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Paid", nil)
	p := e2etest.SignUp(t, e, h, "Payer")
	e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/approve", h.Admin, map[string]any{"version": 1}), 200, "approve")
	ack := e2etest.LinkIn(t, e.Mail("support@"+p.Domain, "[Test case]"), "/v/")
	res := e2etest.Expect(t, e.Do("POST", "/v1/validations/"+ack[strings.LastIndex(ack, "/")+1:]+"/acknowledge", "", nil), 200, "acknowledge the test case")
	if res.Str("status") != "awaiting_payment" {
		t.Fatalf("acknowledge: %d %s", res.Status, res.Body)
	}
	e.Mail(p.Email, "pay the membership to go live")
	enr := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin, nil)
	invoiceID := enr.Str("membershipInvoiceId")
	e2etest.Expect(t, e.Do("POST", "/v1/invoices/"+invoiceID+"/payments", h.Admin, map[string]any{"reference": "x", "amountCents": 50000}), 403, "a host admin records a payment")
	if res := e2etest.Expect(t, e.Do("POST", "/v1/invoices/"+invoiceID+"/payments", e.Operator, map[string]any{"reference": "x", "amountCents": 100}), 422, "a wrong amount"); res.ErrorFields()["amountCents"] == nil {
		t.Fatalf("a wrong amount: %d %s", res.Status, res.Body)
	}
	pay := e2etest.Expect(t, e.Do("POST", "/v1/invoices/"+invoiceID+"/payments", e.Operator, map[string]any{"reference": "wire-4711", "amountCents": 50000}), 200, "payment")
	if pay.Str("status") != "paid" {
		t.Fatalf("payment: %d %s", pay.Status, pay.Body)
	}
	if st := status(t, e, h.Admin, p.EnrollmentID); st != "active" {
		t.Fatalf("after payment: %s, want active", st)
	}
	live := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin, nil)
	goLive := live.Str("goLiveAt")[:10]
	if pay.Str("periodStart") != goLive || !strings.HasPrefix(live.Str("renewalDate"), fmt.Sprint(mustYear(goLive)+1)) {
		t.Errorf("the membership year starts at go-live %s: invoice period %s, renewal %s", goLive, pay.Str("periodStart"), live.Str("renewalDate"))
	}
	e.Mail(p.Email, "You are live")
	e2etest.Expect(t, e.Do("POST", "/v1/invoices/"+invoiceID+"/payments", e.Operator, map[string]any{"reference": "again", "amountCents": 50000}), 409, "paying twice")
	// The billed member's admin can read it; the host cannot.
	tok := e2etest.Expect(t, e.Do("POST", "/v1/members/"+p.MemberID+"/users", e.Operator, map[string]any{
		"name": "Billing integration", "email": "integration@" + p.Domain, "roles": []string{"admin"}}), 201, "an API admin of the partner").Str("token")
	if res := e2etest.Expect(t, e.Do("GET", "/v1/invoices", tok, nil), 200, "partner lists its invoices"); len(res.JSON()["items"].([]any)) != 1 {
		t.Fatalf("partner lists its invoices: %d %s", res.Status, res.Body)
	}
	e2etest.Expect(t, e.Do("GET", "/v1/invoices/"+invoiceID, h.Admin, nil), 404, "host reads the partner's invoice")
}

func mustYear(date string) int {
	var y int
	fmt.Sscanf(date, "%d", &y)
	return y
}

func TestValidationFailureResendAndRemoval(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Strict", map[string]any{"payment": "host"})
	p := e2etest.SignUp(t, e, h, "Sloppy")
	e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/approve", h.Admin, nil)
	firstAck := e2etest.LinkIn(t, e.Mail("support@"+p.Domain, "[Test case]"), "/v/")

	if res := e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/validation", h.Admin, map[string]any{"outcome": "failed"}), 422, "failed without a note"); res.ErrorFields()["note"] == nil {
		t.Fatalf("failed without a note: %d %s", res.Status, res.Body)
	}
	res := e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/validation", h.Admin, map[string]any{"outcome": "failed", "note": "Nobody answered within a day."}), 200, "record failed")
	if res.Str("status") != "validation_failed" {
		t.Fatalf("record failed: %d %s", res.Status, res.Body)
	}
	failMail := e.Mail(p.Email, "did not pass validation")
	if !strings.Contains(failMail.Body.Text, "Nobody answered within a day.") {
		t.Errorf("failure mail lacks what to fix: %s", failMail.Body.Text)
	}
	// The old test case no longer counts.
	if p := e2etest.Expect(t, e2etest.Page(t, "POST", firstAck, url.Values{}), 200, "old test case after failure"); !strings.Contains(p.Body, "no longer open") {
		t.Fatalf("old test case after failure: %d %s", p.Status, p.Body)
	}
	if res := e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/resend-validation", h.Admin, nil), 200, "resend"); res.Str("status") != "validating" {
		t.Fatalf("resend: %d %s", res.Status, res.Body)
	}
	newAck := e2etest.LinkIn(t, e.MailNth("support@"+p.Domain, "[Test case]", 2), "/v/")
	if newAck == firstAck {
		t.Fatal("the resend reused the old test case")
	}
	if ack := e2etest.Expect(t, e2etest.Page(t, "POST", newAck, url.Values{}), 200, "acknowledging the new test case"); status(t, e, h.Admin, p.EnrollmentID) != "active" {
		t.Fatalf("acknowledging the new test case: %d", ack.Status)
	}
	if res := e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/remove", h.Admin, map[string]any{}), 422, "remove without reason"); res.ErrorFields()["reason"] == nil {
		t.Fatalf("remove without reason: %d %s", res.Status, res.Body)
	}
	if res := e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/remove", h.Admin, map[string]any{"reason": "Partnership ended"}), 200, "remove"); res.Str("status") != "removed" {
		t.Fatalf("remove: %d %s", res.Status, res.Body)
	}
	e.Mail(p.Email, "Sloppy was removed")
	e.Mail(h.Notify, "Sloppy was removed")
	if res := e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/remove", h.Admin, map[string]any{"reason": "again"}), 409, "removing twice"); !strings.Contains(res.ErrorMessage(), "removed") {
		t.Fatalf("removing twice: %d %s", res.Status, res.Body)
	}
}
