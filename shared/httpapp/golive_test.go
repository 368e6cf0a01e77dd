package httpapp_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"
	"github.com/tandemhq/tandem/shared/notify"
)

// liveWith signs company up to h's program with primary as its primary
// contact (nil: the sign-up's usual primary@ its domain) and takes it live
// (approved, test case acknowledged, membership paid by the operator). It
// returns the partner and the membership invoice's id.
func liveWith(e *httpapptest.Env, h httpapptest.Host, company string, primary map[string]any) (httpapptest.Partner, string) {
	e.T.Helper()
	domain := strings.ToLower(strings.ReplaceAll(company, " ", "")) + ".example"
	p := httpapptest.Partner{Member: httpapptest.Member{Domain: domain}, Email: "primary@" + domain}
	link := e.SignupLink(h, p.Email)
	tok, _ := url.ParseQuery(link[strings.Index(link, "?")+1:])
	body := httpapptest.SignupBody(tok.Get("token"), company, domain)
	if primary != nil {
		body["contacts"].(map[string]any)["primary"] = primary
	}
	res := e.Do("POST", "/v1/signups", "", body).Expect(201, "sign up "+company)
	p.ID, p.EnrollmentID = res.Str("memberId"), res.Str("enrollmentId")
	e.Approve(h, p)
	ack := e.LastLink("support@"+domain, "/v/")
	e.Do("POST", "/v1/validations/"+httpapptest.Token(ack)+"/acknowledge", "", nil).Expect(200, "acknowledge").Str("status")
	inv := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin.Token, nil).Expect(200, "the enrollment").Str("membershipInvoiceId")
	e.Do("POST", "/v1/invoices/"+inv+"/payments", e.Operator, map[string]any{"reference": "wire 1", "amountCents": 50000}).Expect(200, "pay")
	return p, inv
}

// users are the partner's users as the operator reads them.
func users(e *httpapptest.Env, memberID string) []map[string]any {
	e.T.Helper()
	var out []map[string]any
	for _, it := range e.Do("GET", "/v1/members/"+memberID+"/users", e.Operator, nil).Expect(200, "the users").Items() {
		out = append(out, it.(map[string]any))
	}
	return out
}

func liveMails(e *httpapptest.Env, to string) []notify.Message {
	var out []notify.Message
	for _, m := range e.Mails(to) {
		if _, ok := m.Data.(notify.EnrollmentLivePartner); ok {
			out = append(out, m)
		}
	}
	return out
}

// Going live makes the partner's first admin (its primary contact, admin
// and engineer) in the same step and mails it a sign-in link that lands in
// the console; a retried payment makes no second user and no second mail;
// the admin invites an engineer on the people page.
func TestGoLiveMakesTheAdminOnceAndSignsItIn(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Golive Host", nil)
	p, inv := liveWith(e, h, "First Light", nil)

	us := users(e, p.ID)
	if len(us) != 1 || us[0]["email"] != p.Email || us[0]["name"] != "Primary Person" || us[0]["status"] != "active" {
		t.Fatalf("the partner's users after going live: %v", us)
	}
	if roles := us[0]["roles"].([]any); len(roles) != 2 || roles[0] != "admin" || roles[1] != "engineer" {
		t.Fatalf("the first admin's roles: %v", roles)
	}
	mails := liveMails(e, p.Email)
	if len(mails) != 1 {
		t.Fatalf("go-live mails to %s: %d, want 1", p.Email, len(mails))
	}
	if links := httpapptest.Links(mails, "/c/"); len(links) != 0 {
		t.Fatalf("the go-live mail carries a credential link: %v", links)
	}
	signIn := httpapptest.Links(mails, "/login/")
	if len(signIn) != 1 {
		t.Fatalf("the go-live mail's sign-in links: %v", signIn)
	}

	// The operator records the payment again (a retry): nothing is made twice.
	e.Do("POST", "/v1/invoices/"+inv+"/payments", e.Operator, map[string]any{"reference": "wire 1", "amountCents": 50000})
	if n := len(users(e, p.ID)); n != 1 {
		t.Fatalf("users after a retried payment: %d, want 1", n)
	}
	if n := len(liveMails(e, p.Email)); n != 1 {
		t.Fatalf("go-live mails after a retried payment: %d, want 1", n)
	}

	// A week later the link still signs in, once, into the inbox.
	e.Advance(6 * 24 * time.Hour)
	b := e.Browser()
	f := b.Get(signIn[0]).Expect(200, "the go-live link's page").Form(signIn[0])
	if f == nil {
		t.Fatal("the go-live link's page offers no sign-in form")
	}
	if res := b.Submit(f, nil).Expect(303, "signing in from the go-live mail"); res.Location() != "/inbox" {
		t.Fatalf("signing in from the go-live mail goes to %q, want /inbox", res.Location())
	}
	b.Get("/inbox").Expect(200, "the admin's inbox")
	e.Browser().Get(signIn[0]).Expect(409, "the go-live link a second time")

	people := b.Get("/members/"+p.ID+"/users").Expect(200, "the people page")
	if txt := people.Text(); !strings.Contains(txt, "Authorization: Bearer") || !strings.Contains(txt, "Invite a colleague") {
		t.Fatalf("the people page does not say how to invite and how to use an API token:\n%.2000s", txt)
	}
	inv2 := people.Form("/members/" + p.ID + "/users")
	if inv2 == nil {
		t.Fatal("the people page offers no invitation form")
	}
	if res := b.Submit(inv2, url.Values{"name": {"Eve Engineer"}, "email": {"eve@" + p.Domain}, "roles": {"engineer"}}).Expect(303, "inviting an engineer"); !strings.Contains(res.Location(), "done=invited") {
		t.Fatalf("inviting an engineer goes to %q", res.Location())
	}
	if len(httpapptest.Links(e.Mails("eve@"+p.Domain), "/login/")) != 1 {
		t.Fatal("the invited engineer got no sign-in link")
	}
	tok := b.Get("/members/"+p.ID+"/users").Expect(200, "the people page").Form("/members/" + p.ID + "/tokens")
	if tok == nil {
		t.Fatal("the people page offers no API token form")
	}
	made := b.Submit(tok, url.Values{"name": {"Ticketing"}, "email": {"tickets@" + p.Domain}, "roles": {"engineer"}}).Expect(200, "making an API token")
	if txt := made.Text(); !strings.Contains(txt, "shown only this once") || !strings.Contains(txt, "Authorization: Bearer tdm_") {
		t.Fatalf("the made token's page:\n%.2000s", txt)
	}
}

// A primary contact outside the member's domain does not get the member's
// console: the verified address that signed up does. A user who already
// has the address is signed in, not made again.
func TestGoLiveAdminIsAtTheMembersDomain(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Domain Host", nil)
	p, _ := liveWith(e, h, "Outside Co", map[string]any{"name": "Olga Outside", "email": "olga@elsewhere.example", "phone": "+49 30 1"})
	us := users(e, p.ID)
	if len(us) != 1 || us[0]["email"] != p.Email {
		t.Fatalf("the first admin of a sign-up whose primary contact is elsewhere: %v, want %s", us, p.Email)
	}
	if len(liveMails(e, "olga@elsewhere.example")) != 0 {
		t.Fatal("the outside primary contact got the go-live sign-in mail")
	}
	if len(httpapptest.Links(liveMails(e, p.Email), "/login/")) != 1 {
		t.Fatalf("the sign-up address got no go-live sign-in link")
	}
}

// A credential link mailed before going live made the admin (/c/) now
// signs in, once, and only where no admin would be made beside the
// member's own: for a member without an active admin (as every partner was
// before going live made one) it makes the admin; for the address of an
// active user it signs that user in; for a new address at a member with
// admins, or a revoked user's address, it refuses and says whom to ask. No
// API token is shown; the API claim answers as the contract says.
func TestOldCredentialLinksSignIn(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Legacy Host", nil)
	p, _ := liveWith(e, h, "Legacy Co", nil)
	// Before this change the partner had no user until its link was used.
	first := users(e, p.ID)[0]["id"].(string)
	e.Do("DELETE", "/v1/members/"+p.ID+"/users/"+first, e.Operator, nil).Expect(200, "revoke the go-live admin")

	// For an address without a user, at a member without an admin: the
	// page makes the admin and signs in.
	link := "/c/" + e.CredentialLink(p, "Fran Founder", "founder@"+p.Domain)
	b := e.Browser()
	page := b.Get(link).Expect(200, "the credential page")
	if txt := page.Text(); !strings.Contains(txt, "Sign in") || strings.Contains(txt, "API token of") {
		t.Fatalf("the credential page:\n%.1500s", txt)
	}
	f := page.Form(link)
	if f == nil {
		t.Fatal("the credential page offers no sign-in form")
	}
	if res := b.Submit(f, nil).Expect(303, "signing in from the credential page"); res.Location() != "/inbox" {
		t.Fatalf("signing in from the credential page goes to %q", res.Location())
	}
	if txt := b.Get("/inbox").Expect(200, "the inbox").Text(); strings.Contains(txt, "tdm_") {
		t.Fatal("an API token is shown after signing in from a credential link")
	}
	var founder map[string]any
	for _, u := range users(e, p.ID) {
		if u["email"] == "founder@"+p.Domain {
			founder = u
		}
	}
	if founder == nil || len(founder["roles"].([]any)) != 2 {
		t.Fatalf("the credential link's admin: %v", founder)
	}
	again := e.Browser().Get(link).Expect(409, "the used credential link")
	if again.Form(link) != nil || !strings.Contains(again.Text(), "already used") {
		t.Fatalf("the used credential link:\n%.1500s", again.Text())
	}
	n := len(users(e, p.ID))

	// For the address of an active user: the page signs that user in; the
	// API refuses to make a second one.
	mine := "/c/" + e.CredentialLink(p, "Fran Founder", "founder@"+p.Domain)
	e.Do("POST", "/v1/credentials/"+httpapptest.Token(mine)+"/claim", "", nil).Expect(409, "an API claim for an address that has a user")
	b2 := e.Browser()
	f = b2.Get(mine).Expect(200, "the credential page of the admin's address").Form(mine)
	b2.Submit(f, nil).Expect(303, "signing in the existing admin")
	if txt := b2.Get("/members/"+p.ID+"/users").Expect(200, "the people page as the existing admin").Text(); !strings.Contains(txt, "Fran Founder") {
		t.Fatalf("the people page:\n%.1000s", txt)
	}

	// A new address at a member with an admin, and the revoked user's
	// address: refused with whom to ask, by the page and the API, and
	// nobody is made.
	for _, c := range []struct{ email, says string }{
		{"ivan@" + p.Domain, "ask one of them to invite"},
		{p.Email, "no longer signs in"},
	} {
		l := "/c/" + e.CredentialLink(p, "Someone", c.email)
		page := e.Browser().Get(l).Expect(409, "the credential page for "+c.email)
		if page.Form(l) != nil || !strings.Contains(page.Text(), c.says) {
			t.Fatalf("the credential page for %s:\n%.1500s", c.email, page.Text())
		}
		e.Do("POST", "/v1/credentials/"+httpapptest.Token(l)+"/claim", "", nil).Expect(409, "the API claim for "+c.email)
	}
	if got := len(users(e, p.ID)); got != n {
		t.Fatalf("users after refused links: %d, want %d", got, n)
	}

	// The API claim of an unused link at a member without an admin: 201
	// with the token, then 409.
	q, _ := liveWith(e, h, "Legacy Two", nil)
	e.Do("DELETE", "/v1/members/"+q.ID+"/users/"+users(e, q.ID)[0]["id"].(string), e.Operator, nil).Expect(200, "revoke")
	api := httpapptest.Token("/c/" + e.CredentialLink(q, "Ivan Integration", "ivan@"+q.Domain))
	res := e.Do("POST", "/v1/credentials/"+api+"/claim", "", nil).Expect(201, "the API claim")
	if !strings.HasPrefix(res.Str("token"), "tdm_") || res.Str("userId") == "" {
		t.Fatalf("the API claim: %s", res.Body)
	}
	e.Do("POST", "/v1/credentials/"+api+"/claim", "", nil).Expect(409, "a second API claim")
}

// A member that has its admins (an existing member's sign-up, a merger's
// moved one, one whose admin was revoked) gets no admin made beside them
// when going live: its admins are told, without a sign-in link, and a
// revoked user's address is never made a user again.
func TestGoLiveMakesNoAdminBesideTheMembers(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Beside Host", nil)
	p := e.SignUp(h, "Has Admins")
	e.Do("POST", "/v1/members/"+p.ID+"/users", e.Operator, map[string]any{
		"name": "Boss", "email": "boss@" + p.Domain, "roles": []string{"admin"}}).Expect(201, "an admin before going live")
	e.Approve(h, p)
	ack := e.LastLink("support@"+p.Domain, "/v/")
	e.Do("POST", "/v1/validations/"+httpapptest.Token(ack)+"/acknowledge", "", nil).Expect(200, "acknowledge")
	inv := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin.Token, nil).Str("membershipInvoiceId")
	e.Do("POST", "/v1/invoices/"+inv+"/payments", e.Operator, map[string]any{"reference": "wire 4", "amountCents": 50000}).Expect(200, "pay")
	if us := users(e, p.ID); len(us) != 1 || us[0]["email"] != "boss@"+p.Domain {
		t.Fatalf("users after going live beside an admin: %v", us)
	}
	if len(liveMails(e, p.Email)) != 0 {
		t.Fatal("the primary contact was mailed a go-live sign-in beside the member's admin")
	}
	told := liveMails(e, "boss@"+p.Domain)
	if len(told) != 1 || len(httpapptest.Links(told, "/login/")) != 0 {
		t.Fatalf("the member's admin is told without a sign-in link: %d mails, links %v", len(told), httpapptest.Links(told, "/login/"))
	}

	r := e.SignUp(h, "Revoked Before")
	uid := e.Do("POST", "/v1/members/"+r.ID+"/users", e.Operator, map[string]any{
		"name": "Primary Person", "email": r.Email, "roles": []string{"engineer"}}).Expect(201, "the primary contact's user").Str("id")
	e.Do("DELETE", "/v1/members/"+r.ID+"/users/"+uid, e.Operator, nil).Expect(200, "revoke it")
	e.Approve(h, r)
	ack = e.LastLink("support@"+r.Domain, "/v/")
	e.Do("POST", "/v1/validations/"+httpapptest.Token(ack)+"/acknowledge", "", nil).Expect(200, "acknowledge")
	inv = e.Do("GET", "/v1/enrollments/"+r.EnrollmentID, h.Admin.Token, nil).Str("membershipInvoiceId")
	e.Do("POST", "/v1/invoices/"+inv+"/payments", e.Operator, map[string]any{"reference": "wire 5", "amountCents": 50000}).Expect(200, "pay")
	us := users(e, r.ID)
	if len(us) != 1 || us[0]["status"] != "revoked" {
		t.Fatalf("a revoked primary contact after going live: %v", us)
	}
}

// The operator's page lists the enrollments awaiting payment (company,
// program, since when, the invoice) and the open invoices past their due
// date (member, amount, days overdue, the invoice); paying takes both off.
func TestOperatorPageListsUnpaid(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Billing Host", nil)
	p := e.SignUp(h, "Slow Payer")
	e.Approve(h, p)
	ack := e.LastLink("support@"+p.Domain, "/v/")
	if st := e.Do("POST", "/v1/validations/"+httpapptest.Token(ack)+"/acknowledge", "", nil).Expect(200, "acknowledge").Str("status"); st != "awaiting_payment" {
		t.Fatalf("after the acknowledgement: %s", st)
	}
	inv := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin.Token, nil).Str("membershipInvoiceId")
	op := e.OperatorSignedIn()
	page := op.Get("/operator").Expect(200, "the operator's page")
	txt := page.Text()
	if !strings.Contains(txt, "Waiting for payment") || !strings.Contains(txt, "Slow Payer") || !strings.Contains(txt, "no open invoice is past its due date") {
		t.Fatalf("the operator's page before the due date:\n%.3000s", txt)
	}
	if !hasLink(page, "/invoices/"+inv) {
		t.Fatalf("the operator's page does not link the awaiting enrollment's invoice %s: %v", inv, page.Links())
	}

	e.Advance(billing.PaymentTerms + 3*24*time.Hour + time.Hour)
	op = e.OperatorSignedIn() // the session of a month ago ended
	txt = op.Get("/operator").Expect(200, "the operator's page after the due date").Text()
	if !strings.Contains(txt, "Overdue invoices") || !strings.Contains(txt, "3 days overdue") || !strings.Contains(txt, "USD 500.00") {
		t.Fatalf("the operator's page after the due date:\n%.3000s", txt)
	}

	e.Do("POST", "/v1/invoices/"+inv+"/payments", e.Operator, map[string]any{"reference": "wire 7", "amountCents": 50000}).Expect(200, "pay")
	after := op.Get("/operator").Expect(200, "the operator's page once paid")
	if hasLink(after, "/invoices/"+inv) || strings.Contains(after.Text(), "days overdue") {
		t.Fatalf("the paid invoice is still listed:\n%.3000s", after.Text())
	}
	e.SignedIn(h.ID, h.Admin.UserID).Get("/operator").Expect(403, "a host admin on the operator's page")
}

func hasLink(r *httpapptest.Response, path string) bool {
	for _, l := range r.Links() {
		if l == path {
			return true
		}
	}
	return false
}

// A member whose user already has the admin-to-be's address (added before
// the go-live) keeps that user: going live signs it in, makes no second
// one, and leaves its roles as they were.
func TestGoLiveReusesTheUserWithTheAddress(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Reuse Host", nil)
	p := e.SignUp(h, "Known People")
	before := e.Do("POST", "/v1/members/"+p.ID+"/users", e.Operator, map[string]any{
		"name": "Primary Person", "email": p.Email, "roles": []string{"engineer"}}).Expect(201, "the user added before going live").Str("id")
	e.Approve(h, p)
	ack := e.LastLink("support@"+p.Domain, "/v/")
	e.Do("POST", "/v1/validations/"+httpapptest.Token(ack)+"/acknowledge", "", nil).Expect(200, "acknowledge")
	inv := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin.Token, nil).Str("membershipInvoiceId")
	e.Do("POST", "/v1/invoices/"+inv+"/payments", e.Operator, map[string]any{"reference": "wire 3", "amountCents": 50000}).Expect(200, "pay")
	us := users(e, p.ID)
	if len(us) != 1 || us[0]["id"] != before {
		t.Fatalf("users after going live: %v, want only %s", us, before)
	}
	if roles := us[0]["roles"].([]any); len(roles) != 1 || roles[0] != "engineer" {
		t.Fatalf("the reused user's roles: %v, want them unchanged", roles)
	}
	link := httpapptest.Links(liveMails(e, p.Email), "/login/")
	if len(link) != 1 {
		t.Fatalf("the go-live sign-in links: %v", link)
	}
	b := e.Browser()
	b.Submit(b.Get(link[0]).Expect(200, "the go-live link's page").Form(link[0]), nil).Expect(303, "signing in")
	if txt := b.Get("/inbox").Expect(200, "the inbox").Text(); !strings.Contains(txt, "Primary Person") {
		t.Fatalf("signed in as someone else:\n%.800s", txt)
	}
}
