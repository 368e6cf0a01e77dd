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

// TestMergerPage: an operator finds Gamma, names Delta by its domain, sees
// what would move (Gamma's place in the program passes to Delta, the host
// asked), confirms, and lands on the finished merger; a domain nobody has
// is refused on the page.
func TestMergerPage(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Merge Page Host", map[string]any{"payment": "host"})
	g, _ := e2etest.LivePartner(t, e, h, "Gamma Merge")
	dBody := e2etest.NewMemberBody(e, "Delta Merge", "limited")
	d := e2etest.Expect(t, e.Do("POST", "/v1/members", e.Operator, dBody), 201, "Delta").Str("id")
	operator := "ops@operators.test"
	e2etest.Expect(t, e2etest.SignIn(t, e, g.Email).Do("GET", "/operator/members/"+g.MemberID+"/merge", nil), 403, "a member's admin opens the merger page")
	ops := e2etest.SignIn(t, e, operator)
	e2etest.Expect(t, ops.Do("POST", "/operator/members/"+g.MemberID+"/merge", url.Values{"into": {d}}), 403, "a merger without the form token")
	if r := e2etest.Expect(t, ops.Do("GET", "/operator/members/"+g.MemberID+"/merge?into="+url.QueryEscape(g.Domain), nil), 422, "merging into itself on the page"); !strings.Contains(r.Body, "cannot be merged into itself") {
		t.Errorf("merging into itself on the page: %d", r.Status)
	}

	ctx, problems := browser(t)
	var refused, preview, done string
	err := chromedp.Run(ctx, cdppage.SetBypassCSP(true),
		signInAs(t, e, operator, "/operator?q=gamma", ""),
		chromedp.WaitVisible(`ul.found`, chromedp.ByQuery),
		chromedp.Click(`a[href="/operator/members/`+g.MemberID+`/merge"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#into`, chromedp.ByQuery),
		chromedp.SendKeys(`#into`, "nobody."+e.Domain, chromedp.ByQuery),
		chromedp.Click(`#merge-into button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#into-error`, chromedp.ByQuery),
		chromedp.Text(`main`, &refused, chromedp.ByQuery),
		both(t, "x1-merge-refused"),
		chromedp.Evaluate(`document.getElementById('into').value = ''`, nil),
		chromedp.SendKeys(`#into`, dBody["domain"].(string), chromedp.ByQuery),
		chromedp.Click(`#merge-into button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#preview-title`, chromedp.ByQuery),
		chromedp.Text(`main`, &preview, chromedp.ByQuery),
		both(t, "x2-merge-preview"),
		chromedp.Click(`button.danger`, chromedp.ByQuery),
		chromedp.WaitVisible(`#merger-title`, chromedp.ByQuery),
		chromedp.Text(`main`, &done, chromedp.ByQuery),
		both(t, "x3-merged"),
	)
	if err != nil {
		t.Fatalf("the merger page: %v", err)
	}
	if !strings.Contains(refused, "no member has the domain nobody."+e.Domain) {
		t.Errorf("an unknown domain: %q", refused)
	}
	if !strings.Contains(preview, "Gamma Merge into Delta Merge") || !strings.Contains(preview, "Merge Page Host Partner Connect") ||
		!strings.Contains(preview, "Delta Merge takes Gamma Merge's place") {
		t.Errorf("the preview: %q", preview)
	}
	if !strings.Contains(done, "Merged into Delta Merge") || !strings.Contains(done, "Gamma Merge was merged into Delta Merge.") ||
		!strings.Contains(done, "Enrollments\t1") && !strings.Contains(done, "Enrollments 1") {
		t.Errorf("after merging: %q", done)
	}
	if m := e.Do("GET", "/v1/members/"+g.MemberID, e.Operator, nil).JSON(); m["status"] != "merged" {
		t.Errorf("Gamma after the page's merger: %v", m)
	}
	if r := e2etest.Expect(t, ops.Do("GET", "/members/"+g.MemberID+"/users", nil), 200, "Gamma's people page after the merger"); !strings.Contains(r.Body, "Gamma Merge was merged into") ||
		!strings.Contains(r.Body, `href="/members/`+d+`/users"`) {
		t.Errorf("Gamma's people page after the merger: %d", r.Status)
	}
	search := ops.Do("GET", "/operator?q=gamma", nil)
	if !strings.Contains(search.Body, ">merged<") {
		t.Errorf("the search does not show Gamma merged")
	}
	for _, p := range problems() {
		if strings.Contains(p, "status of 422") && strings.Contains(p, "/merge") {
			continue // the refused domain, on purpose
		}
		t.Errorf("browser problem: %s", p)
	}
}
