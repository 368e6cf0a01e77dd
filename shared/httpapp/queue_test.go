package httpapp_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"
)

// The queue over the API: views of one box and of both, the counts, a
// search by every kind of number and word, and assignment (its mail, its
// event, its retry, and who may not).
func TestQueueAndAssignOverTheAPI(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Queue Host", map[string]any{"payment": "host"})
	p := e.Onboard(h, "Queue Partner")
	first := e.Do("POST", "/v1/cases", p.Admin.Token, httpapptest.CaseBody(h.Department, h.ProgramID)).Expect(201, "open a case")
	other := httpapptest.CaseBody(h.Department, h.ProgramID)
	other["summary"], other["customer"].(map[string]any)["caseNumber"] = "Printer on fire", "INI-77"
	e.Advance(time.Minute)
	second := e.Do("POST", "/v1/cases", p.Admin.Token, other).Expect(201, "open another")
	id, ref := first.Str("id"), first.Str("ref")
	e.Do("POST", "/v1/cases/"+second.Str("id")+"/request-info", h.Engineer.Token, map[string]any{"question": "Which model?"}).Expect(200, "ask")

	ids := func(res *httpapptest.Response) []string {
		var out struct {
			Items []struct{ ID string }
		}
		res.Decode(&out)
		var got []string
		for _, c := range out.Items {
			got = append(got, c.ID)
		}
		return got
	}
	for _, tc := range []struct {
		name, token, query string
		want               []string
	}{
		{"what needs the host", h.Engineer.Token, "view=needs_me", []string{id}},
		{"what needs the partner: the question", p.Admin.Token, "view=needs_me", []string{second.Str("id")}},
		{"the partner's inbox needs nothing", p.Admin.Token, "view=needs_me&box=inbox", nil},
		{"the host's open inbox", h.Engineer.Token, "view=open&box=inbox", []string{second.Str("id"), id}},
		{"by reference", h.Engineer.Token, "q=" + url.QueryEscape(ref), []string{id}},
		{"by the customer's case number", h.Engineer.Token, "q=ini-42", []string{id}},
		{"by the submitter's case number", h.Engineer.Token, "q=PTR-1001&box=inbox", []string{second.Str("id"), id}},
		{"by the customer's company", p.Admin.Token, "q=initech&view=needs_me", []string{second.Str("id")}},
		{"by summary words", h.Engineer.Token, "q=" + url.QueryEscape("snapshots VMs"), []string{id}},
		{"by the other member", h.Engineer.Token, "q=queue+partner&view=all", []string{second.Str("id"), id}},
		{"a word of no case", h.Engineer.Token, "q=kernel", nil},
		{"the old inbox still", h.Engineer.Token, "box=inbox&status=open", []string{id}},
	} {
		got := ids(e.Do("GET", "/v1/cases?"+tc.query, tc.token, nil).Expect(200, tc.name))
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	var counted struct{ Counts map[string]int }
	e.Do("GET", "/v1/cases?view=needs_me&box=inbox&counts=true", h.Engineer.Token, nil).Expect(200, "counts").Decode(&counted)
	if want := map[string]int{"needs_me": 1, "mine": 0, "overdue": 0, "open": 2, "closed": 0, "all": 2}; fmt.Sprint(counted.Counts) != fmt.Sprint(want) {
		t.Errorf("the host's counts: got %v, want %v", counted.Counts, want)
	}
	for _, q := range []string{"view=later", "q=x", "view=open&status=open", "counts=maybe", "box=sideways&view=open"} {
		e.Do("GET", "/v1/cases?"+q, h.Engineer.Token, nil).Expect(422, q)
	}

	assign := func(token string, body any, headers ...string) *httpapptest.Response {
		return e.Do("POST", "/v1/cases/"+id+"/assign", token, body, headers...)
	}
	res := assign(h.Admin.Token, map[string]any{"userId": h.Engineer.UserID}, "Idempotency-Key", "assign-1").Expect(200, "assign the engineer")
	if a := res.JSON()["assignee"].(map[string]any); a["userId"] != h.Engineer.UserID {
		t.Errorf("the assignee is %v, want %s", a, h.Engineer.UserID)
	}
	again := assign(h.Admin.Token, map[string]any{"userId": h.Engineer.UserID}, "Idempotency-Key", "assign-1").Expect(200, "the same request again")
	if string(again.Body) != string(res.Body) {
		t.Errorf("a retry answered %s, want the first answer %s", again.Body, res.Body)
	}
	mailed := 0
	for _, m := range e.Store.Outbox() {
		if m.Template() == "case_assigned" {
			mailed++
			if fmt.Sprint(m.To) != fmt.Sprint([]string{h.Engineer.Email}) {
				t.Errorf("the assignment mail went to %v, want the engineer %s", m.To, h.Engineer.Email)
			}
		}
	}
	if mailed != 1 {
		t.Errorf("%d assignment mails, want 1 (the retry mails nothing)", mailed)
	}
	if got := ids(e.Do("GET", "/v1/cases?view=mine", h.Engineer.Token, nil).Expect(200, "mine")); fmt.Sprint(got) != fmt.Sprint([]string{id}) {
		t.Errorf("the engineer's cases: got %v", got)
	}
	if _, ok := e.Do("GET", "/v1/cases/"+id, p.Admin.Token, nil).Expect(200, "the partner reads it").JSON()["assignee"]; ok {
		t.Errorf("the partner sees the host's assignee as its own")
	}
	evs := e.Do("GET", "/v1/cases/"+id+"/events", h.Admin.Token, nil).Expect(200, "timeline").JSON()["items"].([]any)
	if last := evs[len(evs)-1].(map[string]any); last["action"] != "assign" {
		t.Errorf("the timeline ends with %v, want the assignment", last)
	}
	assign(h.Admin.Token, map[string]any{"userId": p.Admin.UserID}).Expect(422, "a user of the other member")
	assign(h.Admin.Token, map[string]any{}).Expect(422, "no userId")
	assign(h.Admin.Token, map[string]any{"userId": 7}).Expect(422, "a number")
	assign(e.NewMember("Outsider", "full").Admin.Token, map[string]any{"userId": nil}).Expect(404, "an outsider")
	assign(h.Admin.Token, map[string]any{"userId": nil}).Expect(200, "unassign")
	e.Do("POST", "/v1/cases/"+id+"/close", p.Admin.Token, map[string]any{"resolution": "done"}).Expect(200, "close")
	assign(h.Admin.Token, map[string]any{"userId": h.Engineer.UserID}).Expect(409, "a closed case")
}

// The inbox page: its views as links with their counts, a search box that
// finds a case by the customer's case number, and rows whose every cell
// says what it is (a phone shows the cells without the table's head).
func TestInboxPageViewsCountsAndSearch(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Page Host", map[string]any{"payment": "host"})
	p := e.Onboard(h, "Page Partner")
	id := e.Do("POST", "/v1/cases", p.Admin.Token, httpapptest.CaseBody(h.Department, h.ProgramID)).Expect(201, "open a case").Str("id")
	e.Do("POST", "/v1/cases/"+id+"/assign", h.Engineer.Token, map[string]any{"userId": h.Engineer.UserID}).Expect(200, "assign")
	b := e.SignedIn(h.ID, h.Engineer.UserID)

	page := b.Get("/inbox?view=needs_me").Expect(200, "needs me")
	text := page.Text()
	for _, want := range []string{"Needs me 1", "Mine 1", "Overdue 0", "Open 1", "Closed 0", "All 1", "VMs freeze during array snapshots"} {
		if !strings.Contains(text, want) {
			t.Errorf("the inbox lacks %q: %s", want, text)
		}
	}
	if strings.Contains(text, "nobody") {
		t.Errorf("the assigned case's row shows no assignee: %s", text)
	}
	if !strings.Contains(string(page.Body), `href="/inbox?tz=UTC&amp;view=needs_me" data-view="needs_me" aria-current="page"`) {
		t.Errorf("needs me is not the current view: %s", page.Body)
	}
	var labels []string
	for n := range page.Doc().Descendants() {
		if n.Type == html.ElementNode && n.Data == "td" {
			label := ""
			for _, a := range n.Attr {
				if a.Key == "data-label" {
					label = a.Val
				}
			}
			labels = append(labels, label)
		}
	}
	if want := []string{"Case", "From", "Priority", "Status", "Assignee", "Respond by"}; fmt.Sprint(labels) != fmt.Sprint(want) {
		t.Errorf("the row's cells are labelled %q, want %q", labels, want)
	}
	search := page.Form("/inbox")
	if search == nil || !slices.Contains(search.Fields, "q") {
		t.Fatalf("the inbox offers no search: %v", page.Forms())
	}
	found := b.Submit(search, url.Values{"q": {"INI-42"}}).Expect(200, "search by the customer's case number")
	if !strings.Contains(found.Text(), "VMs freeze during array snapshots") {
		t.Errorf("the search did not find the case: %s", found.Text())
	}
	if got := b.Get("/inbox?q=kernel").Expect(200, "a search of nothing").Text(); !strings.Contains(got, "No cases here.") {
		t.Errorf("a search of nothing shows: %s", got)
	}
	if got := b.Get("/inbox?q=x").Expect(422, "a search of one letter").Text(); !strings.Contains(got, "Search needs a word of at least 2") {
		t.Errorf("a one-letter search says: %s", got)
	}
	// The partner's admin takes the case on its side from the outbox.
	outbox := e.SignedIn(p.ID, p.Admin.UserID)
	list := outbox.Get("/outbox?view=open").Expect(200, "the partner's outbox")
	take := list.Form("/cases/" + id + "/assign")
	if take == nil {
		t.Fatalf("the outbox offers no Assign to me: %v", list.Forms())
	}
	back := outbox.Submit(take, nil).Expect(303, "assign to me")
	if loc := back.Headers["location"] + back.Headers["Location"]; loc != "/outbox?tz=UTC&view=open" {
		t.Errorf("assigning from the list goes to %q, want back to the list", loc)
	}
	if got := outbox.Get("/outbox?view=mine").Expect(200, "the partner admin's").Text(); !strings.Contains(got, "VMs freeze during array snapshots") {
		t.Errorf("the partner admin's cases after taking it: %s", got)
	}
	if b.Get("/inbox?view=mine").Expect(200, "the host engineer's still").Form("/cases/"+id+"/assign") != nil {
		t.Errorf("the host engineer is offered to take a case assigned to them")
	}
	if got := e.SignedIn(h.ID, h.Admin.UserID).Get("/inbox?view=mine").Expect(200, "the partner's own").Text(); !strings.Contains(got, "No cases here.") {
		t.Errorf("the host's admin sees the engineer's case as its own: %s", got)
	}
}
