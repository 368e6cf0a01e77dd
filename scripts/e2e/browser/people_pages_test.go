package browser

import (
	"net/url"
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// A partner's admin runs the member's people in the console: invites an
// engineer by mail (no token shown or pasted), who signs in from the
// invitation and opens a case; changes roles and program access; revokes
// (the person's session ends); makes an integration's API token, shown
// once. Engineers are refused (403), another member's people do not exist
// (404), a form without its token is refused, and bad input comes back
// with the error beside the field.
func TestPeoplePage(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "People Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, ptok := e2etest.LivePartner(t, e, h, "People Partner")
	q, _ := e2etest.LivePartner(t, e, h, "Other People")
	eng := "erin@" + p.Domain
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+p.MemberID+"/users", ptok, map[string]any{"name": "Erin Engineer", "email": eng, "roles": []string{"engineer"}}), 201, "partner engineer")
	page := "/members/" + p.MemberID + "/users"

	e2etest.Expect(t, e2etest.NewClient(t, e).Do("GET", page, nil), 303, "the people page without a session")
	engineer := e2etest.SignIn(t, e, eng)
	e2etest.Expect(t, engineer.Do("GET", page, nil), 403, "an engineer opens the people page")
	if r := engineer.Do("GET", "/inbox", nil); strings.Contains(r.Body, `href="`+page+`"`) {
		t.Errorf("an engineer's header links to the people page")
	}
	admin := e2etest.SignIn(t, e, p.Email)
	e2etest.Expect(t, admin.Do("GET", "/members/"+q.MemberID+"/users", nil), 404, "another member's people")
	r := e2etest.Expect(t, admin.Do("GET", page, nil), 200, "the people page")
	csrf := e2etest.CSRFOf(t, r.Body)
	e2etest.Expect(t, admin.Do("POST", page, url.Values{"name": {"Forged"}, "email": {"forged@" + p.Domain}, "roles": {"admin"}}), 403, "an invitation without the form token")
	e2etest.Expect(t, admin.Do("POST", "/members/"+q.MemberID+"/users", url.Values{"csrf": {csrf}, "name": {"Spy"}, "email": {"spy@" + p.Domain}, "roles": {"admin"}}), 404, "inviting into another member")
	if r := e2etest.Expect(t, admin.Do("POST", page, url.Values{"csrf": {csrf}, "name": {"No Mail"}, "email": {"not-an-address"}, "roles": {"engineer"}}), 422, "an invitation to a bad address"); !strings.Contains(r.Body, `id="invite-email-error"`) {
		t.Errorf("an invitation to a bad address: %d, want 422 with the error beside the field: %.300s", r.Status, r.Body)
	}
	if r := e2etest.Expect(t, admin.Do("POST", page, url.Values{"csrf": {csrf}, "name": {"Erin Again"}, "email": {eng}, "roles": {"engineer"}}), 422, "inviting someone who already signs in"); !strings.Contains(r.Body, "already signs in") {
		t.Errorf("inviting someone who already signs in: %d, want 422 saying so", r.Status)
	}
	e2etest.Expect(t, admin.Do("POST", page, url.Values{"csrf": {csrf}, "name": {"Nobody"}, "email": {"n@" + p.Domain}, "roles": {"wizard"}}), 422, "an unknown role")
	e2etest.Expect(t, admin.Do("POST", page+"/usr_nonsense", url.Values{"csrf": {csrf}, "roles": {"admin"}}), 404, "changing a user that is not there")
	company := url.Values{"csrf": {csrf}, "name": {"People Partner GmbH"},
		"contacts.primary.name": {"Primary Person"}, "contacts.primary.email": {p.Email},
		"contacts.escalation.name": {"Escalation Person"}, "contacts.escalation.email": {"escalation@" + p.Domain},
		"contacts.billing.name": {"Accounts Payable"}, "contacts.billing.email": {"not-an-address"}}
	if r := e2etest.Expect(t, admin.Do("POST", "/members/"+p.MemberID, company), 422, "company details with a bad billing address"); !strings.Contains(r.Body, `id="company-contacts-billing-email-error"`) || !strings.Contains(r.Body, "Accounts Payable") {
		t.Errorf("company details with a bad billing address: %d, want 422 with the error beside it and the typed values kept", r.Status)
	}
	company.Set("contacts.billing.email", "ap@"+p.Domain)
	e2etest.Expect(t, admin.Do("POST", "/members/"+q.MemberID, company), 404, "another member's company details")
	engForm := url.Values{}
	for k, v := range company {
		engForm[k] = v
	}
	engForm.Set("csrf", e2etest.CSRFOf(t, engineer.Do("GET", "/inbox", nil).Body)) // the engineer's own form token: the refusal is the role's
	if r := e2etest.Expect(t, engineer.Do("POST", "/members/"+p.MemberID, engForm), 403, "an engineer saves the company details"); !strings.Contains(r.Body, "admin") {
		t.Errorf("an engineer saves the company details: %d, want 403", r.Status)
	}
	e2etest.Expect(t, admin.Do("POST", "/members/"+p.MemberID, company), 303, "saving the company details")
	if m := e.Do("GET", "/v1/members/"+p.MemberID, ptok, nil); !strings.Contains(string(m.Body), `"billing":{"name":"Accounts Payable","email":"ap@`+p.Domain+`"`) || m.Str("name") != "People Partner GmbH" {
		t.Errorf("the member after saving its details: %s", m.Body)
	}

	// The journey: invite, the invitee signs in from the mail and opens a case.
	ctx, problems := browser(t)
	invitee := "ian@" + p.Domain
	var notice, table string
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, p.Email, "/inbox", ""),
		chromedp.Click(`nav.console a[href="`+page+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#invite-name`, chromedp.ByQuery),
		both(t, "f1-people"),
		chromedp.SendKeys(`#invite-name`, "Ian Invited", chromedp.ByQuery),
		chromedp.SendKeys(`#invite-email`, invitee, chromedp.ByQuery),
		chromedp.Click(`form[action="`+page+`"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`.ok`, &notice, chromedp.ByQuery),
		chromedp.Text(`table.people`, &table, chromedp.ByQuery),
		both(t, "f2-invited"),
	)
	if err != nil {
		t.Fatalf("inviting: %v", err)
	}
	if !strings.Contains(notice, "Invitation sent") || !strings.Contains(table, "Ian Invited") || !strings.Contains(table, invitee) {
		t.Fatalf("after the invitation: %q, people %q", notice, table)
	}
	mail := e.Mail(invitee, "invited you to Tandem")
	if !strings.Contains(mail.Subject, "People Partner") || strings.Contains(mail.Body.Text, "tdm_") || !strings.Contains(mail.Body.Text, "7 days") {
		t.Errorf("the invitation mail: %q\n%s", mail.Subject, mail.Body.Text)
	}
	link := e2etest.LinkIn(t, mail, "/login/")
	var landed, opened string
	err = chromedp.Run(ctx,
		chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		chromedp.Navigate(link),
		chromedp.WaitVisible(`form button`, chromedp.ByQuery),
		both(t, "f3-invitation-confirm"),
		chromedp.Click(`form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`nav.console`, chromedp.ByQuery),
		chromedp.Location(&landed),
		chromedp.Navigate(e.URL+"/cases/new?departmentId="+dep),
		chromedp.WaitVisible(`#summary`, chromedp.ByQuery),
		chromedp.SendKeys(`#summary`, "Snapshots fail after upgrade", chromedp.ByQuery),
		chromedp.SendKeys(`#description`, "Since 9.3 nightly snapshots fail.", chromedp.ByQuery),
		chromedp.SendKeys(`#customer-company`, "Initech", chromedp.ByQuery),
		chromedp.SendKeys(`#customer-contactName`, "Peter", chromedp.ByQuery),
		chromedp.SendKeys(`#customer-contactEmail`, "peter@initech.example", chromedp.ByQuery),
		chromedp.SetValue(`#fields-product`, "Array 9000", chromedp.ByQuery),
		chromedp.SendKeys(`#fields-version`, "9.3", chromedp.ByQuery),
		chromedp.Click(`form[action="/cases"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/notes"]`, chromedp.ByQuery),
		chromedp.Text(`h1`, &opened, chromedp.ByQuery),
		both(t, "f4-invitee-opened-case"),
	)
	if err != nil {
		t.Fatalf("the invitee's first sign-in: %v", err)
	}
	if !strings.HasSuffix(landed, "/inbox") || opened != "Snapshots fail after upgrade" {
		t.Fatalf("the invitee landed on %s and opened %q", landed, opened)
	}
	e2etest.Expect(t, e2etest.NewClient(t, e).Do("GET", link, nil), 409, "the invitation link a second time")

	// Roles, then revoking ends the engineer's session; an integration token.
	users := e.Do("GET", "/v1/members/"+p.MemberID+"/users", ptok, nil).JSON()["items"].([]any)
	erinID := ""
	for _, u := range users {
		if m := u.(map[string]any); m["email"] == eng {
			erinID = m["id"].(string)
		}
	}
	var saved, tokenBox string
	err = chromedp.Run(ctx,
		chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		signInAs(t, e, p.Email, page, ""),
		chromedp.WaitVisible(`#`+erinID+`-role-critical`, chromedp.ByID),
		chromedp.Click(`#`+erinID+`-role-critical`, chromedp.ByID),
		chromedp.Click(`form[action="`+page+"/"+erinID+`"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`.ok`, &saved, chromedp.ByQuery),
		chromedp.SendKeys(`#token-name`, "ServiceNow bridge", chromedp.ByQuery),
		chromedp.SendKeys(`#token-email`, "itsm@"+p.Domain, chromedp.ByQuery),
		chromedp.Click(`form[action="/members/`+p.MemberID+`/tokens"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`code.token`, chromedp.ByQuery),
		chromedp.Text(`code.token`, &tokenBox, chromedp.ByQuery),
		both(t, "f5-token-once"),
	)
	if err != nil {
		t.Fatalf("roles and tokens: %v", err)
	}
	if !strings.Contains(saved, "Saved") {
		t.Errorf("saving roles: %q", saved)
	}
	if got := e.Do("GET", "/v1/members/"+p.MemberID+"/users", ptok, nil); !strings.Contains(string(got.Body), `"critical","engineer"`) {
		t.Errorf("Erin's roles after the save: %s", got.Body)
	}
	e2etest.Expect(t, e.Do("GET", "/v1/directory", tokenBox, nil), 200, "the integration's token from the page")
	// A restricted program: its access is granted per person on this page.
	e2etest.Expect(t, e.Do("PATCH", "/v1/programs/"+h.ProgramID, h.Admin, map[string]any{"access": "restricted"}), 200, "restrict the program")
	pp := admin.Do("GET", page, nil)
	if !strings.Contains(pp.Body, `id="`+erinID+`-program-`+h.ProgramID+`"`) {
		t.Fatalf("the people page offers no access to the restricted program")
	}
	grant := url.Values{"csrf": {e2etest.CSRFOf(t, pp.Body)}, "roles": {"engineer", "critical"}, "programIds": {h.ProgramID}}
	e2etest.Expect(t, admin.Do("POST", page+"/"+erinID, grant), 303, "granting the restricted program")
	if got := e.Do("GET", "/v1/members/"+p.MemberID+"/users", ptok, nil); !strings.Contains(string(got.Body), `"programIds":["`+h.ProgramID+`"]`) {
		t.Errorf("Erin's program access after the grant: %s", got.Body)
	}
	e2etest.Expect(t, engineer.Do("GET", "/inbox", nil), 200, "Erin's session before the revocation")
	err = chromedp.Run(ctx,
		chromedp.Navigate(e.URL+page),
		chromedp.WaitVisible(`form[action="`+page+"/"+erinID+`/revoke"] button`, chromedp.ByQuery),
		chromedp.Click(`form[action="`+page+"/"+erinID+`/revoke"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		both(t, "f6-revoked"),
	)
	if err != nil {
		t.Fatalf("revoking: %v", err)
	}
	e2etest.Expect(t, engineer.Do("GET", "/inbox", nil), 303, "Erin's session after the revocation")
	for _, p := range problems() {
		t.Errorf("browser problem: %s", p)
	}
}
