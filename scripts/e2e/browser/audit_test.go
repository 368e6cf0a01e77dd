package browser

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// TestAuditTrail: programs and departments keep a timeline — who created
// them, who changed which fields, a mailbox that bounced and came back —
// over the API (to who may see the object) and on their console pages.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Audit Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, ptok := e2etest.Onboard(t, e, h, "Audit Partner")
	hostUser := e2etest.Expect(t, e.Do("GET", "/v1/programs/"+h.ProgramID+"/events", h.Admin, nil), 200, "events").JSON()["items"].([]any)[0].(map[string]any)["actor"]

	e2etest.Expect(t, e.Do("PATCH", "/v1/programs/"+h.ProgramID, h.Admin, map[string]any{"name": "Audit Host Alliance", "notifyEmails": []string{e.Addr("alliances-new")}}), 200, "rename")
	e2etest.Expect(t, e.Do("PATCH", "/v1/programs/"+h.ProgramID, h.Admin, map[string]any{"name": "Audit Host Alliance"}), 200, "save unchanged")
	evs := timelineOf(t, e, "/v1/programs/"+h.ProgramID+"/events", h.Admin)
	if len(evs) != 3 || evs[0]["action"] != "create" || evs[1]["action"] != "update" || evs[1]["reason"] != "changed name, notifyEmails" ||
		evs[2]["reason"] != "saved without changes" || evs[1]["actor"] != hostUser {
		t.Errorf("the program's timeline: %v", evs)
	}
	e2etest.Expect(t, e.Do("GET", "/v1/programs/"+h.ProgramID+"/events", ptok, nil), 404, "a partner reads the program's timeline")

	// The partner's department: made at sign-up, its address confirmed by
	// the test case's acknowledgement, renamed, its mailbox bounces (Tandem
	// marks it), the admin saves it again.
	pdep := e.Do("GET", "/v1/members/"+p.MemberID+"/departments", ptok, nil).JSON()["items"].([]any)[0].(map[string]any)
	e2etest.Expect(t, e.Do("PATCH", "/v1/departments/"+pdep["id"].(string), ptok, map[string]any{"name": "Audit Partner Tier 2"}), 200, "rename department")
	e2etest.Expect(t, e.Do("POST", "/_local/events/mailevents", "", json.RawMessage(e2etest.SESEvent(t, pdep["inbound"].(map[string]any)["email"].(string), "Permanent"))), 200, "bounce")
	inbound := pdep["inbound"].(map[string]any)
	e2etest.Expect(t, e.Do("PATCH", "/v1/departments/"+pdep["id"].(string), ptok, map[string]any{"inbound": inbound}), 200, "save inbound")
	devs := timelineOf(t, e, "/v1/departments/"+pdep["id"].(string)+"/events", ptok)
	var got []string
	for _, ev := range devs {
		got = append(got, ev["action"].(string)+":"+ev["from"].(string)+">"+ev["to"].(string))
	}
	if want := "create:> confirm address:> update:> unreachable:reachable>unreachable update:unreachable>reachable"; strings.Join(got, " ") != want {
		t.Errorf("the department's timeline: %s, want %s (%v)", strings.Join(got, " "), want, devs)
	}
	if !strings.HasPrefix(devs[0]["actor"].(string), "sign-up by ") || devs[1]["actor"] != "partner (test case acknowledged)" ||
		devs[2]["reason"] != "changed name" || devs[3]["actor"] != "mail events (SES)" {
		t.Errorf("the department's actors and reasons: %v", devs)
	}
	e2etest.Expect(t, e.Do("GET", "/v1/departments/"+dep+"/events", ptok, nil), 404, "the partner reads the host's department timeline")

	// A member-paid program's membership invoice: issued at sign-up, paid.
	mh := e2etest.NewHost(t, e, "Audit Paid Host", nil)
	mp, mptok := e2etest.Onboard(t, e, mh, "Audit Payer")
	inv := e.Do("GET", "/v1/enrollments/"+mp.EnrollmentID, mptok, nil).Str("membershipInvoiceId")
	ievs := timelineOf(t, e, "/v1/invoices/"+inv+"/events", mptok)
	if len(ievs) != 2 || ievs[0]["action"] != "issue" || ievs[0]["to"] != "open" || !strings.HasPrefix(ievs[0]["actor"].(string), "sign-up by ") ||
		ievs[1]["action"] != "paid" || ievs[1]["from"] != "open" || !strings.Contains(ievs[1]["reason"].(string), "payment r") {
		t.Errorf("the invoice's timeline: %v", ievs)
	}
	e2etest.Expect(t, e.Do("GET", "/v1/invoices/"+inv+"/events", ptok, nil), 404, "another member reads the invoice's timeline")

	// The host member's timeline with its people: created by the operator,
	// its admin renames it, adds an engineer, changes the roles, revokes.
	e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+h.MemberID, h.Admin, map[string]any{"name": "Audit Host GmbH"}), 200, "rename member")
	eng := e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": "Eve Engineer", "email": e.Addr("audit-eve"), "roles": []string{"engineer"}}), 201, "add user").Str("id")
	e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+h.MemberID+"/users/"+eng, h.Admin, map[string]any{"roles": []string{"engineer", "critical"}}), 200, "roles")
	e2etest.Expect(t, e.Do("DELETE", "/v1/members/"+h.MemberID+"/users/"+eng, h.Admin, nil), 200, "revoke")
	mevs := timelineOf(t, e, "/v1/members/"+h.MemberID+"/events", h.Admin)
	var macts []string
	for _, ev := range mevs {
		macts = append(macts, ev["action"].(string))
	}
	if got := strings.Join(macts, " "); got != "create add_user update add_user update_user revoke_user" {
		t.Errorf("the member's timeline: %s (%v)", got, mevs)
	}
	if mevs[0]["actor"] != "operator:test-operator" || mevs[2]["reason"] != "changed name" || !strings.Contains(mevs[4]["reason"].(string), "Eve Engineer") ||
		!strings.Contains(mevs[4]["reason"].(string), "changed roles") || mevs[5]["to"] != "revoked" {
		t.Errorf("the member's timeline, actors and reasons: %v", mevs)
	}
	if uevs := timelineOf(t, e, "/v1/members/"+h.MemberID+"/users/"+eng+"/events", h.Admin); len(uevs) != 3 {
		t.Errorf("Eve's own timeline: %v", uevs)
	}
	e2etest.Expect(t, e.Do("GET", "/v1/members/"+h.MemberID+"/events", ptok, nil), 404, "another member reads the timeline")

	// On the console: the program's and the department's pages show it.
	admin := e2etest.SignIn(t, e, e.Addr("primary-audithost"))
	page := e2etest.Expect(t, admin.Do("GET", "/programs/"+h.ProgramID, nil), 200, "the program page's history")
	if !strings.Contains(page.Body, "History") || !strings.Contains(page.Body, "changed name, notifyEmails") || !strings.Contains(page.Body, "Pat Primary") {
		t.Errorf("the program page's history: %d %.400s", page.Status, page.Body)
	}
	people := e2etest.Expect(t, admin.Do("GET", "/members/"+h.MemberID+"/users", nil), 200, "the people page's history")
	if !strings.Contains(people.Body, "revoke user") || !strings.Contains(people.Body, "changed name") {
		t.Errorf("the people page's history: %d", people.Status)
	}
	partner := e2etest.SignIn(t, e, p.Email)
	dpage := e2etest.Expect(t, partner.Do("GET", "/departments/"+url.PathEscape(pdep["id"].(string)), nil), 200, "the department page's history")
	if !strings.Contains(dpage.Body, "update (unreachable → reachable)") || !strings.Contains(dpage.Body, "sign-up by ") {
		t.Errorf("the department page's history: %d", dpage.Status)
	}
	ctx, problems := browser(t)
	var hist string
	if err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, p.Email, "/departments/"+pdep["id"].(string), ""),
		chromedp.WaitVisible(`#history-title`, chromedp.ByQuery),
		chromedp.Text(`section[aria-labelledby=history-title]`, &hist, chromedp.ByQuery),
		both(t, "h1-department-history"),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hist, "unreachable (reachable → unreachable)") || !strings.Contains(hist, "changed name") {
		t.Errorf("the department's history as shown:\n%s", hist)
	}
	for _, p := range problems() {
		t.Errorf("browser problem: %s", p)
	}
}

func timelineOf(t *testing.T, e *localtest.Env, path, tok string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, it := range e2etest.Expect(t, e.Do("GET", path, tok, nil), 200, path).JSON()["items"].([]any) {
		m := it.(map[string]any)
		for _, k := range []string{"from", "to", "reason"} {
			if _, ok := m[k]; !ok {
				m[k] = ""
			}
		}
		out = append(out, m)
	}
	return out
}
