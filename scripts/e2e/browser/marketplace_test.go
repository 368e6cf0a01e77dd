package browser

import (
	"strings"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// TestValidatedConfigurations: partners submit what they tested, the host
// approves or rejects with a reason, approved ones of active partners are
// on the public marketplace (searchable), a removed partner's drop off,
// every step is in the configuration's timeline; then the same through the
// console and the public page in Chromium.
func TestValidatedConfigurations(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Market Host", map[string]any{"payment": "host"})
	a, atok := e2etest.LivePartner(t, e, h, "Alpha Hyper")
	b, btok := e2etest.LivePartner(t, e, h, "Beta Backup")
	pending := e2etest.SignUp(t, e, h, "Gamma Pending")
	unrelated := e.Do("POST", "/v1/members", e.Operator, e2etest.NewMemberBody(e, "Market Stranger", "limited")).Str("adminToken")
	aEng := e2etest.Expect(t, e.Do("POST", "/v1/members/"+a.MemberID+"/users", atok, map[string]any{"name": "Eng", "email": "eng@" + a.Domain, "roles": []string{"engineer"}}), 201, "engineer").Str("token")
	submit := "/v1/programs/" + h.ProgramID + "/configurations"
	cfg := func(product, version string, hostVersions ...string) map[string]any {
		return map[string]any{"partnerProduct": product, "partnerVersion": version, "hostProduct": "Array 9000", "hostVersions": hostVersions,
			"notes": "Tested with snapshots on.", "supportUrl": "https://support.example/" + strings.ToLower(strings.ReplaceAll(product, " ", "-"))}
	}

	one := e2etest.Expect(t, e.Do("POST", submit, atok, cfg("Hypervisor X", "8.0", "9.2", "9.3", "9.2")), 201, "submit")
	if one.Str("status") != "submitted" || len(one.JSON()["hostVersions"].([]any)) != 2 || one.Str("memberName") != "Alpha Hyper" {
		t.Fatalf("submitted: %s", one.Body)
	}
	oneID := one.Str("id")
	for _, c := range []struct {
		name   string
		tok    string
		body   map[string]any
		status int
		field  string
	}{
		{"a partner's engineer", aEng, cfg("P", "1", "9"), 403, ""},
		{"a partner not yet active", e2etest.Expect(t, e.Do("POST", "/v1/members/"+pending.MemberID+"/users", e.Operator, map[string]any{"name": "G", "email": "g@" + pending.Domain, "roles": []string{"admin"}}), 201, "pending admin").Str("token"), cfg("P", "1", "9"), 409, ""},
		{"the host itself", h.Admin, cfg("P", "1", "9"), 409, ""},
		{"an unrelated member", unrelated, cfg("P", "1", "9"), 404, ""},
		{"no host versions", atok, cfg("P", "1"), 422, "hostVersions"},
		{"a support link without TLS", atok, e2etest.Set(cfg("P", "1", "9"), "supportUrl", "http://support.example", false), 422, "supportUrl"},
		{"no product", atok, e2etest.Set(cfg("P", "1", "9"), "partnerProduct", "  ", false), 422, "partnerProduct"},
		{"an unknown field", atok, e2etest.Set(cfg("P", "1", "9"), "price", 3, false), 422, "price"},
		{"a version too long", atok, cfg("P", strings.Repeat("9", 41), "9"), 422, "partnerVersion"},
	} {
		res := e2etest.Expect(t, e.Do("POST", submit, c.tok, c.body), c.status, c.name)
		if (c.field != "" && res.ErrorFields()[c.field] == nil) || res.ErrorMessage() == "" {
			t.Errorf("%s: %d %s, want %d on %q", c.name, res.Status, res.Body, c.status, c.field)
		}
	}

	// Who sees what.
	if l := e.Do("GET", submit+"?status=submitted", h.Admin, nil).JSON()["items"].([]any); len(l) != 1 {
		t.Errorf("the host's queue: %d, want 1", len(l))
	}
	if l := e.Do("GET", submit, btok, nil).JSON()["items"].([]any); len(l) != 0 {
		t.Errorf("Beta sees %d of Alpha's configurations", len(l))
	}
	e2etest.Expect(t, e.Do("GET", submit+"?status=pending", h.Admin, nil), 422, "an unknown status")
	market := func(q string) string {
		t.Helper()
		res := e2etest.Expect(t, e2etest.NewClient(t, e).Do("GET", "/p/"+h.Slug+"/marketplace"+q, nil), 200, "marketplace"+q)
		return res.Body
	}
	if strings.Contains(market(""), "Hypervisor X") {
		t.Error("a submitted configuration is on the marketplace before approval")
	}

	// Decisions.
	e2etest.Expect(t, e.Do("POST", "/v1/configurations/"+oneID+"/approve", atok, nil), 403, "the partner approves its own")
	e2etest.Expect(t, e.Do("POST", "/v1/configurations/"+oneID+"/approve", h.Admin, map[string]any{"version": 7}), 409, "a stale version")
	e2etest.Expect(t, e.Do("POST", "/v1/configurations/"+oneID+"/approve", h.Admin, map[string]any{"version": 1}), 200, "approve")
	e2etest.Expect(t, e.Do("POST", "/v1/configurations/"+oneID+"/approve", h.Admin, nil), 409, "approved twice")
	two := e2etest.Expect(t, e.Do("POST", submit, btok, cfg("Backup Pro", "5.1", "9.3")), 201, "submit two").Str("id")
	if res := e2etest.Expect(t, e.Do("POST", "/v1/configurations/"+two+"/reject", h.Admin, map[string]any{"reason": " "}), 422, "a rejection without a reason"); res.ErrorFields()["reason"] == nil {
		t.Errorf("a rejection without a reason: %d %s", res.Status, res.Body)
	}
	e2etest.Expect(t, e.Do("POST", "/v1/configurations/"+two+"/reject", h.Admin, map[string]any{"reason": "5.1 corrupts thin volumes; test 5.2"}), 200, "reject")
	if l := e.Do("GET", submit, btok, nil).JSON()["items"].([]any); len(l) != 1 || l[0].(map[string]any)["reason"] != "5.1 corrupts thin volumes; test 5.2" {
		t.Errorf("Beta's view of its rejected configuration: %v", l)
	}
	evs := e2etest.Expect(t, e.Do("GET", "/v1/configurations/"+oneID+"/events", atok, nil), 200, "events").JSON()["items"].([]any)
	if len(evs) != 2 || evs[0].(map[string]any)["action"] != "submit" || evs[1].(map[string]any)["action"] != "approve" || evs[1].(map[string]any)["from"] != "submitted" {
		t.Errorf("the timeline: %v", evs)
	}
	e2etest.Expect(t, e.Do("GET", "/v1/configurations/"+oneID+"/events", btok, nil), 404, "another partner reads the timeline")

	// The marketplace: approved, active partners only; search.
	all := market("")
	if !strings.Contains(all, "Hypervisor X") || !strings.Contains(all, "https://support.example/hypervisor-x") || strings.Contains(all, "Backup Pro") {
		t.Errorf("the marketplace lists the wrong configurations:\n%.2000s", all)
	}
	for q, want := range map[string]bool{
		"?product=hyper": true, "?product=ARRAY": true, "?version=9": true, "?version=9.3": true, "?product=hyper&version=8": true,
		"?version=7": false, "?product=toaster": false, "?version=9.31": false,
	} {
		if got := strings.Contains(market(q), "Hypervisor X"); got != want {
			t.Errorf("search %s: listed %v, want %v", q, got, want)
		}
	}
	e2etest.Expect(t, e2etest.NewClient(t, e).Do("GET", "/p/no-such-program/marketplace", nil), 404, "an unknown program's marketplace")

	// The console: the host reviews a third configuration; Beta submits
	// from its programs page (first with a mistake).
	three := e2etest.Expect(t, e.Do("POST", submit, atok, cfg("Hypervisor X", "8.1", "9.3")), 201, "submit three").Str("id")
	ctx, problems := browser(t)
	var queue, notice string
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, e.Addr("primary-markethost"), "/programs", ""),
		chromedp.Click(`a[href="/programs/`+h.ProgramID+`/configurations"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`tr#`+three, chromedp.ByQuery),
		chromedp.Text(`table.configurations`, &queue, chromedp.ByQuery),
		both(t, "m1-configurations-queue"),
		chromedp.Click(`tr#`+three+` form[action$="/approve"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`[role=status]`, chromedp.ByQuery),
		chromedp.Text(`[role=status]`, &notice, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(queue, "Hypervisor X 8.1") || strings.Contains(queue, "8.0") {
		t.Errorf("the host's queue (submitted only):\n%s", queue)
	}
	if !strings.Contains(notice, "Approved") {
		t.Errorf("after approving: %q", notice)
	}
	if res := e.Do("GET", "/v1/programs/"+h.ProgramID+"/configurations?status=approved", h.Admin, nil).JSON()["items"].([]any); len(res) != 2 {
		t.Errorf("approved after the console: %d, want 2", len(res))
	}

	bctx, bproblems := browser(t)
	var bErr, bNotice, bList string
	err = chromedp.Run(bctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, b.Email, "/programs", ""),
		chromedp.Click(`a[href="/programs/`+h.ProgramID+`/configurations"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#cfg-partnerProduct`, chromedp.ByQuery),
		chromedp.SetValue(`#cfg-partnerProduct`, "Backup Pro", chromedp.ByQuery),
		chromedp.SetValue(`#cfg-partnerVersion`, "5.2", chromedp.ByQuery),
		chromedp.SetValue(`#cfg-hostProduct`, "Array 9000", chromedp.ByQuery),
		chromedp.SetValue(`#cfg-hostVersions`, "9.3, 9.4", chromedp.ByQuery),
		chromedp.SetValue(`#cfg-supportUrl`, "http://insecure.example", chromedp.ByQuery),
		chromedp.Click(`form[action$="/configurations"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#cfg-supportUrl-error`, chromedp.ByQuery),
		chromedp.Text(`#cfg-supportUrl-error`, &bErr, chromedp.ByQuery),
		both(t, "m2-configuration-submit-error"),
		chromedp.SetValue(`#cfg-supportUrl`, "https://beta.example/support", chromedp.ByQuery),
		chromedp.Click(`form[action$="/configurations"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok[role=status]`, chromedp.ByQuery),
		chromedp.Text(`.ok[role=status]`, &bNotice, chromedp.ByQuery),
		chromedp.Text(`table.configurations`, &bList, chromedp.ByQuery),
		both(t, "m3-configurations-partner"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if bErr == "" || !strings.Contains(bNotice, "Submitted") || !strings.Contains(bList, "Backup Pro 5.2") || !strings.Contains(bList, "5.1 corrupts thin volumes") {
		t.Errorf("Beta's submission: error %q notice %q list:\n%s", bErr, bNotice, bList)
	}
	// The rejected configuration's timeline, as Beta sees it.
	var timeline string
	err = chromedp.Run(bctx,
		chromedp.Click(`tr#`+two+` a[href*="show=`+two+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`tr#`+two+` ol.timeline`, chromedp.ByQuery),
		chromedp.Text(`tr#`+two+` ol.timeline`, &timeline, chromedp.ByQuery),
		both(t, "m5-configuration-timeline"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(timeline, "submit") || !strings.Contains(timeline, "reject → rejected") || !strings.Contains(timeline, "Pat Primary") || !strings.Contains(timeline, "test 5.2") {
		t.Errorf("the timeline of the rejected configuration:\n%s", timeline)
	}

	// The public marketplace in the browser, searched.
	var rows int
	err = chromedp.Run(bctx,
		chromedp.Navigate(e.URL+"/p/"+h.Slug),
		chromedp.Click(`a[href="/p/`+h.Slug+`/marketplace"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#mp-product`, chromedp.ByQuery),
		chromedp.SetValue(`#mp-product`, "hypervisor", chromedp.ByQuery),
		chromedp.Click(`form[role=search] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#mp-product[value="hypervisor"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('table.configurations tbody tr').length`, &rows),
		both(t, "m4-marketplace"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if rows != 2 {
		t.Errorf("the marketplace searched for hypervisor: %d rows, want 2 (8.0 and 8.1)", rows)
	}

	// A removed partner drops off the marketplace.
	e2etest.Expect(t, e.Do("POST", "/v1/enrollments/"+a.EnrollmentID+"/remove", h.Admin, map[string]any{"reason": "left the program"}), 200, "remove")
	if strings.Contains(market(""), "Hypervisor X") {
		t.Error("a removed partner's configurations are still on the marketplace")
	}
	for _, p := range append(problems(), bproblems()...) {
		if strings.Contains(p, "status of 422") && strings.HasSuffix(p, "/configurations") {
			continue // the form sent back with its error
		}
		t.Errorf("browser problem: %s", p)
	}
}
