package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// existingMember is a member an operator created, with its admin's token
// and the address its admin receives mail at.
type existingMember struct {
	ID, Admin, AdminEmail, Domain string
}

func newExistingMember(t *testing.T, e *localtest.Env, name string) existingMember {
	t.Helper()
	body := e2etest.NewMemberBody(e, name, "limited")
	res := e2etest.Expect(t, e.Do("POST", "/v1/members", e.Operator, body), 201, "create "+name)
	return existingMember{ID: res.Str("id"), Admin: res.Str("adminToken"), AdminEmail: e.Addr("primary-" + strings.ToLower(strings.ReplaceAll(name, " ", ""))), Domain: body["domain"].(string)}
}

// signupAs is a sign-up by email whose contacts and inbound process are all
// at typedDomain (which may be another company's).
func signupAs(t *testing.T, e *localtest.Env, h e2etest.Host, email, company, typedDomain string) localtest.Response {
	t.Helper()
	return e.Do("POST", "/v1/signups", "", e2etest.SignupBody(e2etest.SignupToken(t, e, h.Slug, email), company, typedDomain))
}

// The finding behind issue 12: a person with any mailbox at an existing
// member's domain, on a program that pre-approves that domain, typed every
// contact and the inbound address at a domain of their own. Today they end
// up holding an admin token over the existing member. Now nothing is
// written inside the member until one of its admins confirms; a decline
// tells the person and blocks nobody; a confirmed sign-up proceeds, and the
// credential goes only to an address at the member's own domain.
func TestJoiningAnExistingMemberNeedsItsConsent(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	m := newExistingMember(t, e, "Initech")
	h := e2etest.NewHost(t, e, "Lumbergh", map[string]any{"payment": "host", "preApproved": []string{m.Domain}})
	evil := "elsewhere." + e.Domain
	intern := "intern@" + m.Domain

	res := e2etest.Expect(t, signupAs(t, e, h, intern, "Initech", evil), 201, "sign-up into an existing member")
	if res.Str("status") != "pending_member_consent" || res.Str("memberId") != m.ID {
		t.Fatalf("sign-up into an existing member: %d %s, want 201 pending_member_consent for %s", res.Status, res.Body, m.ID)
	}
	first := res.Str("enrollmentId")
	e.Flush()
	// Nothing inside the member: no department, no test case, no mail to
	// the host, no invoice, and the host cannot approve it.
	if deps := e.Do("GET", "/v1/members/"+m.ID+"/departments", m.Admin, nil); len(deps.JSON()["items"].([]any)) != 0 {
		t.Fatalf("a department was created before consent: %s", deps.Body)
	}
	if n := len(e.MailsTo("support@" + evil)); n != 0 {
		t.Fatalf("%d mails went to the typed inbound address before consent", n)
	}
	if n := len(e.MailsTo(h.Notify)); n != 0 {
		t.Fatalf("the host was mailed %d times before the member consented", n)
	}
	enr := e2etest.Expect(t, e.Do("GET", "/v1/enrollments/"+first, m.Admin, nil), 200, "the member's admin reads the pending enrollment")
	if enr.Str("departmentId") != "" || enr.JSON()["existingMember"] != true {
		t.Fatalf("the member's admin reads the pending enrollment: %d %s", enr.Status, enr.Body)
	}
	if p, _ := enr.JSON()["proposal"].(map[string]any); p == nil || p["inbound"].(map[string]any)["email"] != "support@"+evil {
		t.Fatalf("the pending enrollment does not show what was typed: %s", enr.Body)
	}
	e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+first+"/approve", h.Admin, nil), 409, "the host approves before consent")
	// The host reads the enrollment, but does not speak for the partner.
	e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+first+"/member-consent", h.Admin, map[string]any{"decision": "confirm"}), 403, "the host consents for the partner")
	e.Mail(intern, "waits for Initech's admins")

	// The admin reads everything that was typed, and declines from the mail.
	ask := e.Mail(m.AdminEmail, "speak for Initech?")
	for _, want := range []string{intern, "support@" + evil, "billing@" + evil, "Nothing has been set up"} {
		if !strings.Contains(ask.Body.Text, want) {
			t.Errorf("the consent mail lacks %q:\n%s", want, ask.Body.Text)
		}
	}
	decline := e2etest.LinkIn(t, ask, "/m/")
	for _, l := range e2etest.LinkRE.FindAllString(ask.Body.Text, -1) {
		if strings.Contains(l, "/m/") && l != decline {
			decline = l // the second /m/ link declines
		}
	}
	if p := e2etest.Expect(t, e2etest.Page(t, "GET", decline, nil), 200, "decline page"); !strings.Contains(p.Body, "Decline a sign-up in the name of Initech?") {
		t.Fatalf("decline page: %d %s", p.Status, p.Body)
	}
	if st := status(t, e, m.Admin, first); st != "pending_member_consent" {
		t.Fatalf("opening the link changed the enrollment: %s", st)
	}
	if p := e2etest.Expect(t, e2etest.Page(t, "POST", decline, url.Values{}), 200, "declining"); !strings.Contains(p.Body, "Declined") {
		t.Fatalf("declining: %d %s", p.Status, p.Body)
	}
	if st := status(t, e, m.Admin, first); st != "rejected" {
		t.Fatalf("after declining: %s, want rejected", st)
	}
	e.Mail(intern, "Initech did not confirm your sign-up")
	if p := e2etest.Expect(t, e2etest.Page(t, "POST", decline, url.Values{}), 200, "the link used twice"); !strings.Contains(p.Body, "already declined") {
		t.Fatalf("the link used twice: %d %s", p.Status, p.Body)
	}

	// A declined sign-up blocks no later one; this one the admin confirms
	// over the API, and only an admin of the member may.
	bob := "bob@" + m.Domain
	res = e2etest.Expect(t, signupAs(t, e, h, bob, "Initech", evil), 201, "a sign-up after a declined one")
	if res.Str("status") != "pending_member_consent" {
		t.Fatalf("a sign-up after a declined one: %d %s", res.Status, res.Body)
	}
	second := res.Str("enrollmentId")
	eng := e2etest.Expect(t, e.Do("POST", "/v1/members/"+m.ID+"/users", m.Admin, map[string]any{"name": "Eng", "email": "eng@" + m.Domain, "roles": []string{"engineer"}}), 201, "engineer")
	e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+second+"/member-consent", eng.Str("token"), map[string]any{"decision": "confirm"}), 403, "an engineer consents")
	if res := e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+second+"/member-consent", m.Admin, map[string]any{"decision": "maybe"}), 422, "an unknown decision"); res.ErrorFields()["decision"] == nil {
		t.Fatalf("an unknown decision: %d %s, want 422 naming decision", res.Status, res.Body)
	}
	ok := e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+second+"/member-consent", m.Admin, map[string]any{"decision": "confirm"}), 200, "confirming a pre-approved sign-up")
	if ok.Str("status") != "validating" || ok.Str("departmentId") == "" {
		t.Fatalf("confirming a pre-approved sign-up: %d %s, want validating with a department", ok.Status, ok.Body)
	}
	e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+second+"/member-consent", m.Admin, map[string]any{"decision": "decline"}), 409, "deciding twice")
	hostMail := e.Mail(h.Notify, "New partner sign-up")
	if !strings.Contains(hostMail.Body.Text, "Confirmed by:") {
		t.Errorf("the host is not told the member confirmed:\n%s", hostMail.Body.Text)
	}
	// The test case goes to the typed process; acknowledged, the program
	// (host-paid) goes live. The member has its admins: they are told, and
	// add people in the console as always; going live makes no admin beside
	// them (not the person who signed up, whom the admins let join the
	// program, not make an admin), and no sign-in goes anywhere.
	ack := e2etest.LinkIn(t, e.Mail("support@"+evil, "[Test case]"), "/v/")
	if res := e2etest.Expect(t, e.Do("POST", "/v1/validations/"+ack[strings.LastIndex(ack, "/")+1:]+"/acknowledge", "", nil), 200, "acknowledge the test case"); res.Str("status") != "active" {
		t.Fatalf("acknowledge: %d %s", res.Status, res.Body)
	}
	if live := e.Mail(m.AdminEmail, "You are live"); strings.Contains(live.Body.Text, "/login/") {
		t.Errorf("the member's admins are told with a sign-in link:\n%s", live.Body.Text)
	}
	e.Flush()
	for _, addr := range []string{bob, "primary@" + evil} {
		for _, mail := range e.MailsTo(addr) {
			if strings.Contains(mail.Body.Text, "/login/") || strings.Contains(mail.Body.Text, "/c/") {
				t.Fatalf("going live sent %s a console sign-in beside the member's admins: %s", addr, mail.Subject)
			}
		}
	}
	users := e2etest.Expect(t, e.Do("GET", "/v1/members/"+m.ID+"/users", m.Admin, nil), 200, "the member's users")
	if strings.Contains(string(users.Body), bob) {
		t.Fatalf("going live made %s a user of the member: %s", bob, users.Body)
	}
	trail := e.Do("GET", "/v1/enrollments/"+second+"/events", m.Admin, nil)
	if !strings.Contains(string(trail.Body), `"action":"confirm_member_consent","from":"pending_member_consent","to":"validating"`) {
		t.Errorf("the trail does not record the consent: %s", trail.Body)
	}
}

// A rejected sign-up gives the company's place in the program back: a later
// sign-up is taken (today the first one locks the company out for good).
func TestARejectedSignupDoesNotBlockALaterOne(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Gate", nil)
	p := e2etest.SignUp(t, e, h, "Hopeful")
	e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/reject", h.Admin, map[string]any{"reason": "not yet"}), 200, "reject")
	res := e2etest.Expect(t, signupAs(t, e, h, "again@"+p.Domain, "Hopeful", p.Domain), 201, "signing up again after a rejection")
	if res.Str("memberId") != p.MemberID {
		t.Fatalf("signing up again after a rejection: %d %s, want 201 for the same member", res.Status, res.Body)
	}
	if res.Str("status") != "pending_member_consent" {
		t.Fatalf("the member exists now, so its contact must consent: got %s", res.Str("status"))
	}
	// Its primary contact (it has no users yet) is asked, confirms, and the
	// host gets a new sign-up to decide.
	confirm := e2etest.LinkIn(t, e.Mail(p.Email, "speak for Hopeful?"), "/m/")
	if p := e2etest.Expect(t, e2etest.Page(t, "POST", confirm, url.Values{}), 200, "confirming"); !strings.Contains(p.Body, "Confirmed") {
		t.Fatalf("confirming: %d %s", p.Status, p.Body)
	}
	if st := status(t, e, h.Admin, res.Str("enrollmentId")); st != "pending_approval" {
		t.Fatalf("after consent: %s, want pending_approval", st)
	}
	// While that one holds the place, a third sign-up is refused at once.
	if dup := e2etest.Expect(t, signupAs(t, e, h, "third@"+p.Domain, "Hopeful", p.Domain), 409, "a sign-up while one is admitted"); !strings.Contains(dup.ErrorMessage(), "already enrolled") {
		t.Fatalf("a sign-up while one is admitted: %d %s, want 409", dup.Status, dup.Body)
	}
}

// Free-mail domains never become a member's domain: two people at one
// free-mail provider are two companies, and an operator cannot give a
// member such a domain.
func TestFreeMailDomainsAreNobodysDomain(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Open", map[string]any{"payment": "host"})
	local := strings.TrimSuffix(e.Domain, ".example")
	a := signupAs(t, e, h, local+"-ann@gmail.com", "Ann's Shop", "ann."+e.Domain)
	b := signupAs(t, e, h, local+"-bob@gmail.com", "Bob's Shop", "bob."+e.Domain)
	e2etest.Expect(t, a, 201, "Ann's free-mail sign-up")
	e2etest.Expect(t, b, 201, "Bob's free-mail sign-up")
	if a.Str("status") != "pending_approval" || b.Str("status") != "pending_approval" {
		t.Fatalf("free-mail sign-ups: %d %s / %d %s", a.Status, a.Body, b.Status, b.Body)
	}
	if a.Str("memberId") == b.Str("memberId") {
		t.Fatal("two people at gmail.com became one member")
	}
	body := e2etest.NewMemberBody(e, "Gmail Fan", "limited")
	body["domain"] = "gmail.com"
	if res := e2etest.Expect(t, e.Do("POST", "/v1/members", e.Operator, body), 422, "a member with domain gmail.com"); res.ErrorFields()["domain"] == nil {
		t.Fatalf("a member with domain gmail.com: %d %s, want 422 naming domain", res.Status, res.Body)
	}
}
