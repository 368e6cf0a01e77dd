package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

func TestRegistrationAndSignupOverTheAPI(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Acme", nil)
	domain := "globex." + e.Domain
	email := "ann@" + domain
	tok := e2etest.SignupToken(t, e, h.Slug, email)

	res := e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.SignupBody(tok, "Globex", domain)), 201, "sign-up")
	if res.Str("status") != "pending_approval" || !strings.HasPrefix(res.Str("memberId"), "mem_") {
		t.Fatalf("sign-up: %d %s", res.Status, res.Body)
	}
	hostMail := e.Mail(h.Notify, "New partner sign-up for Acme Partner Connect: Globex")
	for _, want := range []string{"support@" + domain, "Europe/Berlin", "/h/", "version 2026-1, accepted by Pat Partner (CEO)"} {
		if !strings.Contains(hostMail.Body.Text, want) {
			t.Errorf("host mail lacks %q:\n%s", want, hostMail.Body.Text)
		}
	}
	confirm := e.Mail(email, "We received your sign-up")
	if !strings.Contains(confirm.From, "Acme Partner Connect") {
		t.Errorf("partner mail is not co-branded: from %q", confirm.From)
	}
	invoice := e.Mail("billing@"+domain, "Invoice")
	if !strings.Contains(invoice.Body.Text, "USD 500.00") {
		t.Errorf("membership invoice mail: %s", invoice.Body.Text)
	}
	// The link is single use.
	e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.SignupBody(tok, "Globex", domain)), http.StatusConflict, "reusing the link")
}

func TestSameCompanyJoinsAsOneMember(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	a := e2etest.NewHost(t, e, "Alpha", nil)
	b := e2etest.NewHost(t, e, "Beta", map[string]any{"payment": "host"})
	domain := "initech." + e.Domain

	first := e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.SignupBody(e2etest.SignupToken(t, e, a.Slug, "ann@"+domain), "Initech", domain)), 201, "Ann's sign-up to Alpha")
	second := e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.SignupBody(e2etest.SignupToken(t, e, b.Slug, "bob@"+domain), "Initech", domain)), 201, "Bob's sign-up to Beta")
	if first.Str("memberId") != second.Str("memberId") {
		t.Fatalf("two members for one company: %s and %s", first.Str("memberId"), second.Str("memberId"))
	}
	// The second person does not speak for the member the first created
	// until its contact consents (TestJoiningAnExistingMemberNeedsItsConsent).
	if second.Str("status") != "pending_member_consent" {
		t.Fatalf("a second sign-up of a known company: %s, want pending_member_consent", second.Str("status"))
	}
	if first.Str("enrollmentId") == second.Str("enrollmentId") {
		t.Fatal("one enrollment for two programs")
	}
	// The same program again, even with a fresh link, is a conflict.
	dup := e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.SignupBody(e2etest.SignupToken(t, e, a.Slug, "carl@"+domain), "Initech", domain)), http.StatusConflict, "same program twice")
	if !strings.Contains(dup.ErrorMessage(), "already enrolled") {
		t.Fatalf("same program twice: got %d %s, want 409", dup.Status, dup.Body)
	}
	// A host-paid program sends no invoice.
	for _, m := range e.MailsTo("billing@" + domain) {
		if strings.Contains(m.Subject, "Beta") {
			t.Errorf("host-paid program invoiced the partner: %s", m.Subject)
		}
	}
}

func TestConcurrentSignupsOfANewCompanyMakeOneMember(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	hosts := []e2etest.Host{e2etest.NewHost(t, e, "One", nil), e2etest.NewHost(t, e, "Two", nil), e2etest.NewHost(t, e, "Three", nil), e2etest.NewHost(t, e, "Four", nil)}
	domain := "umbrella." + e.Domain
	var tokens []string
	for i, h := range hosts {
		tokens = append(tokens, e2etest.SignupToken(t, e, h.Slug, fmt.Sprintf("p%d@%s", i, domain)))
	}
	var wg sync.WaitGroup
	answers := make([]localtest.Response, len(tokens))
	for i, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = e.Do("POST", "/v1/signups", "", e2etest.SignupBody(tok, "Umbrella", domain))
		}()
	}
	wg.Wait()
	members := make([]string, len(tokens))
	for i, res := range answers {
		members[i] = e2etest.Expect(t, res, 201, fmt.Sprintf("sign-up %d", i)).Str("memberId")
	}
	for _, m := range members[1:] {
		if m != members[0] {
			t.Fatalf("concurrent sign-ups made several members: %v", members)
		}
	}
}

func TestPreApprovedSkipsApproval(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	domain := "trusted." + e.Domain
	h := e2etest.NewHost(t, e, "Gamma", map[string]any{"preApproved": []string{domain}})
	res := e2etest.Expect(t, e.Do("POST", "/v1/signups", "", e2etest.SignupBody(e2etest.SignupToken(t, e, h.Slug, "ann@"+domain), "Trusted", domain)), 201, "pre-approved sign-up")
	if res.Str("status") != "validating" {
		t.Fatalf("pre-approved sign-up: %d %s", res.Status, res.Body)
	}
	test := e.Mail("support@"+domain, "[Test case]")
	e2etest.LinkIn(t, test, "/v/val_")
}
