package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/notify"
)

// actionLinks are the /r/ links in a mail's text and HTML.
func actionLinks(m localtest.Mail) []string {
	var out []string
	for _, l := range e2etest.LinkRE.FindAllString(m.Body.Text+" "+m.Body.HTML, -1) {
		if strings.Contains(l, "/r/") {
			out = append(out, strings.TrimRight(l, `">`))
		}
	}
	return out
}

// A member's capture (BCC) mailbox gets its own copy of the case mail, and
// that copy carries none of the receiving department's action links: they
// act without a sign-in, so they are the recipient's alone. (Before, the
// submitter's capture address got the department's new-case mail and its
// 75 % reminder with their accept, ask and reject links, and following one
// accepted the case as the receiver.) The department's own links name the
// address they went to: once the department moves its mail elsewhere, an
// old link acts no more.
func TestCaptureCopiesCarryNoActionLinks(t *testing.T) {
	t.Parallel()
	opened := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) // a Monday, inside Berlin's 08–18
	clock := localtest.NewClock(opened)
	e := localtest.New(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Capture Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, ptok := e2etest.LivePartner(t, e, h, "Capture Partner")
	out, in := "crm@"+p.Domain, e.Addr("host-crm")
	e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+p.MemberID, ptok, map[string]any{"bcc": map[string]any{"outbound": out}}), 200, "partner outbound bcc")
	e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+h.MemberID, h.Admin, map[string]any{"bcc": map[string]any{"inbound": in}}), 200, "host inbound bcc")
	confirmAddress(t, e, out)
	confirmAddress(t, e, in)
	if m := e2etest.Expect(t, e.Do("GET", "/v1/members/"+p.MemberID, ptok, nil), 200, "partner"); !strings.Contains(string(m.Body), `"outboundConfirmed":true`) {
		t.Errorf("the member after its capture address was confirmed: %s", m.Body)
	}

	c := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "case").Str("id")
	toDep := e.Mail(e.Addr("storage-support"), "New collaboration case")
	if len(actionLinks(toDep)) == 0 {
		t.Fatalf("the department's own mail has no action link:\n%s", toDep.Body.Text)
	}
	for _, addr := range []string{out, in} {
		copyMail := e.Mail(addr, "New collaboration case")
		if l := actionLinks(copyMail); len(l) != 0 {
			t.Errorf("the capture copy to %s carries action links %v", addr, l)
		}
		if !strings.Contains(copyMail.Body.Text, "/cases/"+c) {
			t.Errorf("the capture copy to %s does not link the case", addr)
		}
	}
	// The 75 % reminder goes the same way (high: 2 h, so at 10:30).
	e2etest.RunSchedule(t, e, "escalation", opened.Add(95*time.Minute))
	e.Mail(e.Addr("storage-support"), "[Reminder]")
	for _, addr := range []string{out, in} {
		if l := actionLinks(e.Mail(addr, "[Reminder]")); len(l) != 0 {
			t.Errorf("the capture copy of the reminder to %s carries action links %v", addr, l)
		}
	}

	// The department moves its mail to another mailbox: the links mailed
	// to the old one act no more.
	accept := ""
	for _, l := range actionLinks(toDep) {
		if strings.Contains(toDep.Body.Text, "Accept:                   "+l) {
			accept = l
		}
	}
	if accept == "" {
		t.Fatalf("no accept link in the department's mail:\n%s", toDep.Body.Text)
	}
	inbound := map[string]any{"email": e.Addr("storage-new"), "hours": "24x7", "escalation": map[string]any{"name": "Esc Manager", "email": e.Addr("storage-escalation")}}
	e2etest.Expect(t, e.Do("PATCH", "/v1/departments/"+dep, h.Admin, map[string]any{"inbound": inbound}), 200, "move the inbound address")
	e2etest.Expect(t, e2etest.Page(t, "GET", accept, nil), 404, "the old mailbox's accept link after the move")
	e2etest.Expect(t, e2etest.Page(t, "POST", accept, url.Values{"engineer.name": {"Mallory"}, "engineer.email": {"m@x.example"}}), 404, "posting the old mailbox's accept link")
	if got := e2etest.Expect(t, e.Do("GET", "/v1/cases/"+c, ptok, nil), 200, "case").Str("status"); got != "open" {
		t.Errorf("the case is %s after the old link was tried, want open", got)
	}
}

// An action link works 30 days after its mail, and not after.
func TestActionLinksExpire(t *testing.T) {
	t.Parallel()
	opened := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	clock := localtest.NewClock(opened)
	e := localtest.New(t, localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Expiry Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Expiry Partner")
	e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "case")
	m := e.Mail(e.Addr("storage-support"), "New collaboration case")
	ask := e2etest.LinkIn(t, m, "/r/")
	clock.Set(opened.Add(29 * 24 * time.Hour))
	if p := e2etest.Expect(t, e2etest.Page(t, "GET", ask, nil), 200, "the link on day 29"); strings.Contains(p.Body, "expired") {
		t.Fatalf("the link on day 29: %d %.300s", p.Status, p.Body)
	}
	clock.Set(opened.Add(30*24*time.Hour + time.Minute))
	if p := e2etest.Expect(t, e2etest.Page(t, "GET", ask, nil), 200, "the link after 30 days"); !strings.Contains(p.Body, "This link expired on") {
		t.Fatalf("the link after 30 days: %d %.400s, want a page saying it expired", p.Status, p.Body)
	}
	e2etest.Expect(t, e2etest.Page(t, "POST", ask, url.Values{"question": {"late?"}, "engineer.name": {"A"}, "engineer.email": {"a@x.example"}}), 409, "acting on an expired link")
}

// Tandem mails case content only to an address whose owner confirmed it.
// An admin points a department at a stranger's mailbox: the stranger gets
// one mail, the confirmation request, and no case; the case still opens
// and reaches the department in Tandem. (Before, the case's text went to
// the stranger from the platform's domain.) Once confirmed, cases are
// mailed. Capture addresses likewise. Confirmation mail is limited per
// address and day.
func TestAddressesAreConfirmedBeforeTandemMailsThem(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Confirm Host", map[string]any{"payment": "host"})
	p, ptok := e2etest.LivePartner(t, e, h, "Confirm Partner")
	stranger, esc := e.Addr("stranger"), e.Addr("stranger-boss")
	res := e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/departments", h.Admin, map[string]any{
		"name": "Pointed elsewhere", "programIds": []string{h.ProgramID},
		"inbound": map[string]any{"email": stranger, "hours": "24x7", "escalation": map[string]any{"name": "Boss", "email": esc}},
	}), 201, "department")
	dep := res.Str("id")
	if res.JSON()["inboundConfirmed"] != false || res.JSON()["escalationConfirmed"] != false {
		t.Errorf("a new department's view: %s, want both addresses unconfirmed", res.Body)
	}
	c := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.Set(e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "fields", map[string]any{"product": "X"}, false), "summary", "Secret text for the stranger", false)), 201, "case to the unconfirmed department")
	if got := e.Do("GET", "/v1/cases?box=inbox", h.Admin, nil); !strings.Contains(string(got.Body), c.Str("id")) {
		t.Errorf("the case is not in the host's inbox: %s", got.Body)
	}
	dir := e.Do("GET", "/v1/directory", ptok, nil)
	if !strings.Contains(string(dir.Body), `"id":"`+dep+`"`) || !strings.Contains(string(dir.Body), `"inboundConfirmed":false`) {
		t.Errorf("the directory does not say the department's address is unconfirmed: %s", dir.Body)
	}
	e.Mail(stranger, "takes Tandem mail") // the confirmation request
	for _, m := range e.MailsTo(stranger) {
		if !strings.Contains(m.Subject, "takes Tandem mail") || strings.Contains(m.Body.Text, "Secret text") {
			t.Errorf("the unconfirmed address got %q:\n%s", m.Subject, m.Body.Text)
		}
	}
	// Resending: twice more today, then no more (three a day per address).
	for i := 0; i < 2; i++ {
		if r := e2etest.Expect(t, e.Do("POST", "/v1/departments/"+dep+"/confirmations", h.Admin, nil), 202, fmt.Sprintf("resend %d", i+1)); !strings.Contains(string(r.Body), stranger) {
			t.Fatalf("resend %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	if r := e2etest.Expect(t, e.Do("POST", "/v1/departments/"+dep+"/confirmations", h.Admin, nil), 429, "a fourth confirmation mail today"); r.Header.Get("Retry-After") == "" {
		t.Fatalf("a fourth confirmation mail today: %d %s, want 429 with Retry-After", r.Status, r.Body)
	}
	if n := e2etest.CountMails(t, e, stranger, "takes Tandem mail"); n != 3 {
		t.Errorf("%d confirmation mails reached the address, want 3", n)
	}
	e2etest.Expect(t, e.Do("POST", "/v1/departments/"+dep+"/confirmations", ptok, nil), 404, "another member resends the host's confirmations")
	// The owner confirms; from then on the department gets its cases.
	confirmAddress(t, e, stranger)
	if got := e.Do("GET", "/v1/departments/"+dep, h.Admin, nil); got.JSON()["inboundConfirmed"] != true || got.JSON()["escalationConfirmed"] != false {
		t.Errorf("after the inbound address was confirmed: %s", got.Body)
	}
	e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.Set(e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "fields", map[string]any{"product": "X"}, false), "summary", "Now it may be mailed", false)), 201, "case after confirming")
	e.Mail(stranger, "Now it may be mailed")

	// A capture address the same way.
	crm := "crm@" + p.Domain
	e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+p.MemberID, ptok, map[string]any{"bcc": map[string]any{"outbound": crm}}), 200, "capture")
	e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.Set(e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "fields", map[string]any{"product": "X"}, false), "summary", "Not copied yet", false)), 201, "case before the capture is confirmed")
	e.Mail(stranger, "Not copied yet")
	if n := e2etest.CountMails(t, e, crm, "Not copied yet"); n != 0 {
		t.Errorf("the unconfirmed capture address got %d copies", n)
	}
}

// Saving a department lifts only the suppression of the address that
// bounced, and only when the saved address is that one; a spam complaint
// is lifted by operators only. (Before, an admin whose department had
// bounced saved it with another, suppressed address, and Tandem lifted
// that address's suppression.)
func TestSavingADepartmentLiftsOnlyItsOwnBounce(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Lift Host", map[string]any{"payment": "host"})
	p, ptok := e2etest.LivePartner(t, e, h, "Lift Partner")
	dep := e.Do("GET", "/v1/members/"+p.MemberID+"/departments", ptok, nil).JSON()["items"].([]any)[0].(map[string]any)["id"].(string)
	own, victim := "support@"+p.Domain, e.Addr("complained-elsewhere")
	e2etest.Feed(t, e, e2etest.SESEvent(t, own, "Permanent"))
	e2etest.Feed(t, e, e2etest.SESEvent(t, victim, "")) // a complaint about an address that is nobody's department
	ctx := context.Background()
	suppressed := func(addr string) bool {
		t.Helper()
		got, err := e.App.Store.Suppressed(ctx, []string{addr})
		if err != nil {
			t.Fatal(err)
		}
		return got[addr]
	}
	if !suppressed(own) || !suppressed(victim) {
		t.Fatalf("after the bounce and the complaint: own %v, victim %v", suppressed(own), suppressed(victim))
	}
	inbound := func(addr string) map[string]any {
		return map[string]any{"inbound": map[string]any{"email": addr, "hours": "24x7", "escalation": map[string]any{"name": "E", "email": "escalation@" + p.Domain}}}
	}
	e2etest.Expect(t, e.Do("PATCH", "/v1/departments/"+dep, ptok, inbound(victim)), 200, "save with another, suppressed address")
	if !suppressed(victim) {
		t.Errorf("saving the department with a suppressed address lifted that address's suppression")
	}
	if !suppressed(own) {
		t.Errorf("saving the department with another address lifted the bounced one's suppression")
	}

	// A complaint about a department's own address: its admin cannot
	// overrule it, even saving the same address; an operator can.
	q, qtok := e2etest.LivePartner(t, e, h, "Complained Partner")
	qdep := e.Do("GET", "/v1/members/"+q.MemberID+"/departments", qtok, nil).JSON()["items"].([]any)[0].(map[string]any)["id"].(string)
	qown := "support@" + q.Domain
	e2etest.Feed(t, e, e2etest.SESEvent(t, qown, ""))
	qin := map[string]any{"inbound": map[string]any{"email": qown, "hours": "24x7", "escalation": map[string]any{"name": "E", "email": "escalation@" + q.Domain}}}
	e2etest.Expect(t, e.Do("PATCH", "/v1/departments/"+qdep, qtok, qin), 200, "the admin saves after a complaint")
	if !suppressed(qown) {
		t.Errorf("an admin's save lifted a spam complaint")
	}
	if d := e.Do("GET", "/v1/departments/"+qdep, qtok, nil); d.JSON()["unreachable"] == nil {
		t.Errorf("after the admin's save the department no longer shows the complaint: %s", d.Body)
	}
	e2etest.Expect(t, e.Do("PATCH", "/v1/departments/"+qdep, e.Operator, qin), 200, "an operator saves after a complaint")
	if suppressed(qown) {
		t.Errorf("an operator's save did not lift the complaint")
	}
}

// Case mail a member causes is limited per day: beyond it, 429 with
// Retry-After, and nothing is written.
func TestCaseMailIsLimitedPerMemberAndDay(t *testing.T) {
	t.Parallel()
	e := localtest.New(t, func(c *app.Config) { c.CaseMailPerDay = 3 })
	h := e2etest.NewHost(t, e, "Limit Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Limit Partner")
	c := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "case 1").Str("id")
	e2etest.Expect(t, e.Do("POST", "/v1/cases/"+c+"/notes", ptok, map[string]any{"text": "note 1"}), 200, "note")
	e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "case 2")
	res := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 429, "a fourth mailing step today")
	if res.Header.Get("Retry-After") == "" {
		t.Fatalf("a fourth mailing step today: %d %s, want 429 with Retry-After", res.Status, res.Body)
	}
	e2etest.Expect(t, e.Do("POST", "/v1/cases/"+c+"/notes", ptok, map[string]any{"text": "note 2"}), 429, "a note beyond the limit")
	out := e.Do("GET", "/v1/cases?box=outbox", ptok, nil)
	if n := len(out.JSON()["items"].([]any)); n != 2 {
		t.Errorf("%d cases in the outbox, want 2", n)
	}
	// The other side is counted on its own.
	e2etest.Expect(t, e.Do("POST", "/v1/cases/"+c+"/notes", h.Admin, map[string]any{"text": "the host answers"}), 200, "the receiver's note")
}

// An installation from before address confirmation: the backfill confirms
// the inbound address of a department whose partner acknowledged its test
// case (the test case reached it), and mails every other unconfirmed
// address its link — once, however often it runs.
func TestBackfillConfirmations(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	ctx := context.Background()
	h := e2etest.NewHost(t, e, "Upgrade Host", map[string]any{"payment": "host"})
	p, ptok := e2etest.Onboard(t, e, h, "Upgrade Partner") // acknowledged its test case
	res := e2etest.Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/departments", h.Admin, map[string]any{
		"name": "Old desk", "programIds": []string{h.ProgramID},
		"inbound": map[string]any{"email": e.Addr("old-desk"), "hours": "24x7", "escalation": map[string]any{"name": "Boss", "email": e.Addr("old-boss")}},
	}), 201, "host department")
	hostDep := res.Str("id")
	partnerDep := e.Do("GET", "/v1/members/"+p.MemberID+"/departments", ptok, nil).JSON()["items"].([]any)[0].(map[string]any)["id"].(string)
	// What such an installation holds: nothing confirmed.
	for _, id := range []string{hostDep, partnerDep} {
		d, err := e.App.Store.GetDepartment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		was := d
		d.Confirmed, d.Version = nil, d.Version+1
		if err := e.App.Store.UpdateDepartment(ctx, d, was, nil); err != nil {
			t.Fatal(err)
		}
	}
	before := e2etest.CountMails(t, e, e.Addr("old-desk"), "takes Tandem mail")
	links := confirmation.Links{Keys: e.App.Config.Keys}
	origin := notify.Origin{From: "Tandem <no-reply@tandem.test>", BaseURL: e.URL}
	ask := func(kind confirmation.Owner, id, memberName string, r confirmation.Request) notify.Message {
		return links.Mail(origin, kind, id, memberName, r, time.Now().UTC())
	}
	sum, err := e.App.Store.BackfillConfirmations(ctx, time.Now().UTC(), ask)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Confirmed < 1 {
		t.Errorf("backfill: %+v, want the acknowledged partner's inbound address confirmed", sum)
	}
	if d := e2etest.Expect(t, e.Do("GET", "/v1/departments/"+partnerDep, ptok, nil), 200, "partner department"); d.JSON()["inboundConfirmed"] != true {
		t.Errorf("the acknowledged partner's department after the backfill: %s", d.Body)
	}
	if d := e2etest.Expect(t, e.Do("GET", "/v1/departments/"+hostDep, h.Admin, nil), 200, "host department"); d.JSON()["inboundConfirmed"] != false {
		t.Errorf("the host's never-acknowledged department after the backfill: %s", d.Body)
	}
	e.NthMail(e.Addr("old-desk"), "takes Tandem mail", before+1)
	again, err := e.App.Store.BackfillConfirmations(ctx, time.Now().UTC(), ask)
	if err != nil {
		t.Fatal(err)
	}
	if again.Confirmed != 0 || again.Asked != 0 || again.AskedBefore < 2 {
		t.Errorf("a second run: %+v, want nothing done again", again)
	}
	if n := e2etest.CountMails(t, e, e.Addr("old-desk"), "takes Tandem mail"); n != before+1 {
		t.Errorf("%d confirmation mails to the old desk after two runs, want %d", n, before+1)
	}
	confirmAddress(t, e, e.Addr("old-desk"))
}
