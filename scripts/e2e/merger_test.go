package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/ident"
)

// TestMemberMerger: an operator merges Beta into Acme. Beta holds a user
// Acme also has (folded), its admin (moved, without the admin role), a
// department, a place in program One where Acme has none (Acme takes it:
// One's host is asked to keep or remove), a place in program Two where Acme
// has its own (Beta's ends), a case it opened and one it received, its
// membership invoice and a validated configuration. The request's batch is
// 4 objects, so it stops half-way; the scheduled run finishes it; asked
// again it moves nothing.
func TestMemberMerger(t *testing.T) {
	t.Parallel()
	clock := localtest.NewClock(time.Now().UTC())
	e := localtest.New(t, localtest.WithClock(clock), func(c *app.Config) { c.MergeBatch = 4 })
	ctx := context.Background()
	one := e2etest.NewHost(t, e, "Merge One", nil) // member-paid: partners have an invoice
	two := e2etest.NewHost(t, e, "Merge Two", map[string]any{"payment": "host"})
	depOne := e2etest.HostDepartment(t, e, one)
	b, bAdmin := e2etest.Onboard(t, e, one, "Beta Merge")
	a, aAdmin := e2etest.Onboard(t, e, two, "Acme Merge")
	// Beta's place in Two, beside Acme's own.
	prg, err := e.App.Store.GetProgram(ctx, two.ProgramID)
	if err != nil {
		t.Fatal(err)
	}
	now := clock.Now()
	bInTwo := enrollment.Enrollment{
		ID: ident.New(ident.Enrollment, now), ProgramID: prg.ID, MemberID: b.MemberID, MemberName: "Beta Merge", HostMemberID: prg.HostMemberID,
		Status: enrollment.Active, Email: b.Email, Company: enrollment.Company{Name: "Beta Merge", Website: "https://" + b.Domain, Country: "DE"},
		HostPaid: true, GoLiveAt: now, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	// And Beta's place in a program Acme hosts: Acme does not become a
	// partner of its own program.
	own := e2etest.Expect(t, e.Do("POST", "/v1/programs", e.Operator, map[string]any{"slug": "acme-own-" + e.Domain[:8], "name": "Acme Own", "hostMemberId": a.MemberID,
		"type": "oem", "payment": "host", "primaryContact": map[string]any{"name": "Al", "email": e.Addr("al")}, "addendum": map[string]any{"version": "1", "text": "t"}}), 201, "Acme's program").Str("id")
	bInOwn := bInTwo
	bInOwn.ID, bInOwn.ProgramID, bInOwn.HostMemberID = ident.New(ident.Enrollment, now), own, a.MemberID
	if err := e.App.Store.Seed().Enrollments(ctx, []enrollment.Enrollment{bInTwo, bInOwn}); err != nil {
		t.Fatal(err)
	}
	shared := "shared-" + b.Domain
	shared = "ops@" + shared
	folded := e2etest.Expect(t, e.Do("POST", "/v1/members/"+b.MemberID+"/users", bAdmin, map[string]any{"name": "Sam Shared", "email": shared, "roles": []string{"engineer"}}), 201, "Beta's user").Str("token")
	kept := e2etest.Expect(t, e.Do("POST", "/v1/members/"+a.MemberID+"/users", aAdmin, map[string]any{"name": "Sam Shared", "email": strings.ToUpper(shared), "roles": []string{"engineer", "critical"}}), 201, "Acme's user").Str("id")
	depB := e.Do("GET", "/v1/members/"+b.MemberID+"/departments", bAdmin, nil).JSON()["items"].([]any)[0].(map[string]any)["id"].(string)
	sent := e2etest.Expect(t, e.Do("POST", "/v1/cases", bAdmin, e2etest.CaseBody(depOne, one.ProgramID)), 201, "Beta opens a case").Str("id")
	received := e2etest.Expect(t, e.Do("POST", "/v1/cases", one.Admin, e2etest.Set(e2etest.CaseBody(depB, one.ProgramID), "fields.nodes", nil, true)), 201, "One opens a case with Beta").Str("id")
	inv := e.Do("GET", "/v1/enrollments/"+b.EnrollmentID, bAdmin, nil).Str("membershipInvoiceId")
	cfg := e2etest.Expect(t, e.Do("POST", "/v1/programs/"+one.ProgramID+"/configurations", bAdmin, map[string]any{
		"partnerProduct": "Beta Backup", "partnerVersion": "3.1", "hostProduct": "Array", "hostVersions": []string{"9"}, "supportUrl": "https://beta.example/support",
	}), 201, "Beta's configuration").Str("id")

	// Refusals: not an operator; nonsense targets; a host.
	merge := func(from, into, tok string) localtest.Response {
		return e.Do("POST", "/v1/members/"+from+"/merge", tok, map[string]any{"into": into})
	}
	e2etest.Expect(t, merge(b.MemberID, a.MemberID, aAdmin), 403, "a member's admin merges")
	for _, into := range []string{"", b.MemberID, "acme", ident.New(ident.Member, now)} {
		if res := e2etest.Expect(t, merge(b.MemberID, into, e.Operator), 422, fmt.Sprintf("merge into %q", into)); res.ErrorFields()["into"] == nil {
			t.Errorf("merge into %q: %d %s, want 422 naming into", into, res.Status, res.Body)
		}
	}
	if res := e.Do("POST", "/v1/members/"+b.MemberID+"/merge", e.Operator, map[string]any{"into": a.MemberID, "force": true}); res.Status != 400 && res.Status != 422 {
		t.Errorf("an unknown field: %d %s", res.Status, res.Body)
	}
	if res := e2etest.Expect(t, merge(one.MemberID, a.MemberID, e.Operator), 409, "merging a host"); !strings.Contains(res.ErrorMessage(), "Merge One Partner Connect") {
		t.Errorf("merging a host: %d %s, want 409 naming its program", res.Status, res.Body)
	}
	e2etest.Expect(t, e.Do("GET", "/v1/members/"+b.MemberID+"/merge", e.Operator, nil), 404, "a merger before it began")

	// The first request moves its batch and answers 202.
	first := e2etest.Expect(t, merge(b.MemberID, a.MemberID, e.Operator), 202, "merge, first batch").JSON()
	if first["status"] != "running" || total(first) != 4 || first["intoName"] != "Acme Merge" {
		t.Fatalf("after the first batch: %v", first)
	}
	if m := e2etest.Expect(t, e.Do("GET", "/v1/members/"+b.MemberID, e.Operator, nil), 200, "Beta").JSON(); m["status"] != "merging" || m["mergedInto"] != a.MemberID {
		t.Errorf("Beta while merging: %v", m)
	}
	e2etest.Expect(t, merge(b.MemberID, two.MemberID, e.Operator), 409, "merging Beta elsewhere mid-way")
	e2etest.Expect(t, merge(a.MemberID, b.MemberID, e.Operator), 409, "merging Acme into the merging Beta")
	// The scheduled run finishes what the request left.
	var finished bool
	for i := 0; i < 5 && !finished; i++ {
		clock.Advance(5 * time.Minute)
		sum, _ := e2etest.RunSchedule(t, e, "escalation", clock.Now())["mergers"].(map[string]any)
		finished = e2etest.Num(sum, "finished") == 1
	}
	if !finished {
		t.Fatal("the scheduled runs did not finish the merger")
	}
	done := e2etest.Expect(t, e.Do("GET", "/v1/members/"+b.MemberID+"/merge", e.Operator, nil), 200, "merger").JSON()
	moved := done["moved"].(map[string]any)
	// Beta's users: the admin going live made, the test's API admin (both
	// move) and Sam Shared (folded into Acme's).
	want := map[string]float64{"users": 2, "usersFolded": 1, "departments": 1, "enrollments": 3, "cases": 2, "invoices": 1, "configurations": 1, "hostsTold": 3}
	for k, n := range want {
		if moved[k] != n {
			t.Errorf("moved %s = %v, want %v (all: %v)", k, moved[k], n, moved)
		}
	}
	if done["status"] != "done" || done["finishedAt"] == nil {
		t.Errorf("merger: %v", done)
	}
	// Asked again: nothing moves twice.
	again := e2etest.Expect(t, merge(b.MemberID, a.MemberID, e.Operator), 200, "merge again").JSON()
	if total(again) != total(done) {
		t.Errorf("merging again moved more: %v then %v", done["moved"], again["moved"])
	}
	clock.Advance(5 * time.Minute)
	if sum, _ := e2etest.RunSchedule(t, e, "escalation", clock.Now())["mergers"].(map[string]any); e2etest.Num(sum, "running") != 0 {
		t.Errorf("a done merger is still in the sweep: %v", sum)
	}

	// Beta stays, merged, and takes nothing new.
	if m := e2etest.Expect(t, e.Do("GET", "/v1/members/"+b.MemberID, e.Operator, nil), 200, "Beta").JSON(); m["status"] != "merged" || m["mergedInto"] != a.MemberID {
		t.Errorf("Beta after: %v", m)
	}
	e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+b.MemberID, e.Operator, map[string]any{"name": "Beta again"}), 409, "changing a merged member")
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+b.MemberID+"/users", e.Operator, map[string]any{"name": "N", "email": "n@" + b.Domain, "roles": []string{"engineer"}}), 409, "a user added to a merged member")
	if id, ok, err := e.App.Store.MemberIDByDomain(ctx, b.Domain); err != nil || !ok || id != a.MemberID {
		t.Errorf("Beta's domain belongs to %q %v %v, want Acme", id, ok, err)
	}

	// People: Beta's admin is Acme's engineer; the shared address is Acme's user.
	if res := e2etest.Expect(t, e.Do("GET", "/v1/cases?box=outbox", bAdmin, nil), 200, "Beta's former admin reads its cases as Acme's"); !strings.Contains(string(res.Body), sent) {
		t.Errorf("Beta's former admin reads its cases as Acme's: %d %s", res.Status, res.Body)
	}
	e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+a.MemberID, bAdmin, map[string]any{"name": "Taken over"}), 403, "Beta's admin administers Acme")
	e2etest.Expect(t, e.Do("GET", "/v1/cases?box=inbox", folded, nil), 401, "the folded user's old token")
	users := string(e.Do("GET", "/v1/members/"+a.MemberID+"/users", aAdmin, nil).Body)
	if strings.Count(strings.ToLower(users), strings.ToLower(shared)) != 1 || !strings.Contains(users, b.Email) {
		t.Errorf("Acme's users: %s", users)
	}
	if ev := string(e.Do("GET", "/v1/members/"+a.MemberID+"/users/"+kept+"/events", aAdmin, nil).Body); !strings.Contains(ev, "merge_user") {
		t.Errorf("the kept user's timeline lacks the fold: %s", ev)
	}

	// Everything else is Acme's, each with its timeline entry.
	if res := e.Do("GET", "/v1/members/"+a.MemberID+"/departments", aAdmin, nil); !strings.Contains(string(res.Body), depB) {
		t.Errorf("Acme's departments lack Beta's: %s", res.Body)
	}
	inbox := string(e.Do("GET", "/v1/cases?box=inbox", aAdmin, nil).Body)
	if !strings.Contains(inbox, received) {
		t.Errorf("Acme's inbox lacks the case One opened with Beta: %s", inbox)
	}
	for _, id := range []string{sent, received} {
		c := string(e2etest.Expect(t, e.Do("GET", "/v1/cases/"+id, one.Admin, nil), 200, "case").Body)
		if strings.Contains(c, b.MemberID) || !strings.Contains(c, "Acme Merge") {
			t.Errorf("case %s still names Beta: %s", id, c)
		}
		if ev := string(e.Do("GET", "/v1/cases/"+id+"/events", one.Admin, nil).Body); !strings.Contains(ev, `"merge"`) {
			t.Errorf("case %s timeline lacks the merge: %s", id, ev)
		}
	}
	took := e2etest.Expect(t, e.Do("GET", "/v1/enrollments/"+b.EnrollmentID, one.Admin, nil), 200, "One's enrollment").JSON()
	if took["memberId"] != a.MemberID || took["status"] != "active" {
		t.Errorf("Acme does not hold Beta's place in One: %v", took)
	}
	// In Acme's name, with Acme's contacts (its member's primary contact
	// for primary and support).
	acme := e2etest.Expect(t, e.Do("GET", "/v1/members/"+a.MemberID, aAdmin, nil), 200, "Acme").JSON()
	acmePrimary := acme["contacts"].(map[string]any)["primary"].(map[string]any)["email"]
	company, _ := took["company"].(map[string]any)
	contacts, _ := took["contacts"].(map[string]any)
	if company["name"] != "Acme Merge" {
		t.Errorf("the place Acme took is named %v, want Acme Merge", company["name"])
	}
	for _, role := range []string{"primary", "support"} {
		if c, _ := contacts[role].(map[string]any); c["email"] != acmePrimary {
			t.Errorf("the place's %s contact is %v, want Acme's primary %v", role, c, acmePrimary)
		}
	}
	ended := e2etest.Expect(t, e.Do("GET", "/v1/enrollments/"+bInTwo.ID, two.Admin, nil), 200, "Two's enrollment").JSON()
	if ended["memberId"] != a.MemberID || ended["status"] != "removed" {
		t.Errorf("Beta's place in Two: %v, want Acme's and removed", ended)
	}
	if st := e.Do("GET", "/v1/enrollments/"+bInOwn.ID, aAdmin, nil).Str("status"); st != "removed" {
		t.Errorf("Beta's place in Acme's own program: %s, want removed", st)
	}
	if in, err := e.App.Store.Enrolled(ctx, own, a.MemberID); err != nil || in {
		t.Errorf("Acme became a partner of its own program: %v %v", in, err)
	}
	if own := e.Do("GET", "/v1/enrollments/"+a.EnrollmentID, two.Admin, nil).Str("status"); own != "active" {
		t.Errorf("Acme's own place in Two: %s", own)
	}
	if ev := string(e.Do("GET", "/v1/enrollments/"+b.EnrollmentID+"/events", one.Admin, nil).Body); !strings.Contains(ev, "takes Beta Merge's place") {
		t.Errorf("One's enrollment timeline: %s", ev)
	}
	e2etest.Expect(t, e.Do("POST", "/v1/cases", bAdmin, e2etest.CaseBody(depOne, one.ProgramID)), 201, "Acme (as Beta's former admin) opens a case in One")
	if res := e2etest.Expect(t, e.Do("GET", "/v1/invoices/"+inv, aAdmin, nil), 200, "Beta's invoice"); res.Str("memberId") != a.MemberID {
		t.Errorf("Beta's invoice: %d %s", res.Status, res.Body)
	}
	if ev := string(e.Do("GET", "/v1/invoices/"+inv+"/events", aAdmin, nil).Body); !strings.Contains(ev, `"merge"`) {
		t.Errorf("the invoice's timeline lacks the merge: %s", ev)
	}
	if c := string(e.Do("GET", "/v1/configurations/"+cfg+"/events", one.Admin, nil).Body); !strings.Contains(c, `"merge"`) {
		t.Errorf("the configuration's timeline lacks the merge: %s", c)
	}
	if res := e.Do("GET", "/v1/programs/"+one.ProgramID+"/configurations", aAdmin, nil); !strings.Contains(string(res.Body), cfg) {
		t.Errorf("Acme does not see Beta's configuration: %s", res.Body)
	}
	rep := string(e.Do("GET", "/v1/reports/sla?programId="+one.ProgramID, one.Admin, nil).Body)
	if strings.Contains(rep, b.MemberID) || !strings.Contains(rep, a.MemberID) {
		t.Errorf("the SLA report still counts Beta: %s", rep)
	}
	for _, id := range []string{a.MemberID, b.MemberID} {
		if ev := string(e.Do("GET", "/v1/members/"+id+"/events", e.Operator, nil).Body); !strings.Contains(ev, `"merged"`) {
			t.Errorf("member %s's timeline lacks the merger: %s", id, ev)
		}
	}

	// The hosts were told: One decides, Two learns Beta's place ended.
	e.Flush()
	keep := e.Mail(e.Addr("primary-mergeone"), "Beta Merge was merged into Acme Merge")
	if !strings.Contains(keep.Body.Text, "Keep Acme Merge in the program") || !strings.Contains(keep.Body.Text, "/programs/"+one.ProgramID+"/enrollments") {
		t.Errorf("One's mail:\n%s", keep.Body.Text)
	}
	endedMail := e.Mail(e.Addr("primary-mergetwo"), "Beta Merge was merged into Acme Merge")
	if !strings.Contains(endedMail.Body.Text, "place ended") {
		t.Errorf("Two's mail:\n%s", endedMail.Body.Text)
	}
}

// total is how many objects a merger answer says were moved.
func total(m map[string]any) float64 {
	var n float64
	for k, v := range m["moved"].(map[string]any) {
		if k != "hostsTold" {
			n += v.(float64)
		}
	}
	return n
}
