package httpapp_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"
)

// withClass are the elements of the page whose class list holds class.
func withClass(r *httpapptest.Response, class string) []*html.Node {
	var out []*html.Node
	for n := range r.Doc().Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		for _, a := range n.Attr {
			if a.Key == "class" && slices.Contains(strings.Fields(a.Val), class) {
				out = append(out, n)
			}
		}
	}
	return out
}

// textIn is the text a person reads in n, white space collapsed.
func textIn(n *html.Node) string {
	var sb strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			sb.WriteString(d.Data + " ")
		}
	}
	return strings.Join(strings.Fields(sb.String()), " ")
}

// texts are the texts of the page's elements of class, in order.
func texts(r *httpapptest.Response, class string) []string {
	var out []string
	for _, n := range withClass(r, class) {
		out = append(out, textIn(n))
	}
	return out
}

// The case page reads as a conversation: the opening (description and the
// process-form fields by their labels, in the form's order; a field the
// form no longer has last, by its key), the question, the answer in order;
// one reply box (the answer, while information is requested); the other
// steps each a button with its form; accept filled in with the signed-in
// person.
func TestCasePageIsAConversation(t *testing.T) {
	e := httpapptest.New(t)
	w := httpapptest.NewWorld(e)
	h, p, id := w.Host, w.Partner, w.Case
	// The department relabels a field and drops another after the case opened.
	e.Do("PATCH", "/v1/departments/"+h.Department, h.Admin.Token, map[string]any{"form": map[string]any{"fields": []any{
		map[string]any{"name": "serialNumber", "label": "Serial number", "type": "text"},
		map[string]any{"name": "product", "label": "Array model", "type": "select", "required": true, "options": []string{"Array 9000", "Array 5000"}},
	}}}).Expect(200, "relabel the process form")

	e.Advance(time.Hour)
	e.Do("POST", "/v1/cases/"+id+"/request-info", h.Engineer.Token, map[string]any{"question": "Which firmware build exactly?"}).Expect(200, "the receiver asks")
	e.Advance(time.Hour)

	// The submitter answers in the reply box.
	sub := e.SignedIn(p.ID, p.Admin.UserID)
	page := sub.Get("/cases/"+id).Expect(200, "the submitter's case page")
	if got := texts(page, "reply"); len(got) != 1 || !strings.Contains(got[0], "Answer the question") || !strings.Contains(got[0], "Send the answer") {
		t.Errorf("the submitter's reply box while information is requested: %q", got)
	}
	reply := page.Form("/cases/" + id + "/notes")
	if reply == nil || reply.Values.Get("csrf") == "" || !slices.Equal(reply.Fields, []string{"csrf", "text"}) {
		t.Fatalf("the reply form: %+v", reply)
	}
	sub.Submit(reply, url.Values{"text": {"Build 9.2.1-77."}}).Expect(303, "the answer")
	e.Advance(time.Hour)

	eng := e.SignedIn(h.Engineer.MemberID, h.Engineer.UserID)
	page = eng.Get("/cases/"+id).Expect(200, "the receiver's case page")
	kinds := texts(page, "msg-kind")
	if want := []string{"Opened the case", "Question", "Answer"}; !slices.Equal(kinds, want) {
		t.Errorf("the conversation: %q, want %q", kinds, want)
	}
	msgs := texts(page, "msg")
	if len(msgs) == 3 {
		for i, want := range []string{"Since firmware 9.2 every nightly snapshot stalls guests", "Which firmware build exactly?", "Build 9.2.1-77."} {
			if !strings.Contains(msgs[i], want) {
				t.Errorf("message %d: %q, want it to say %q", i, msgs[i], want)
			}
		}
		if !strings.Contains(msgs[1], "Eng Host") || !strings.Contains(msgs[1], "Acme Storage, receiver") || !strings.Contains(msgs[2], "Hyper Visor, submitter") {
			t.Errorf("who said what: %q", msgs)
		}
	}
	var labels []string
	for _, fl := range withClass(page, "fields") {
		for d := range fl.Descendants() {
			if d.Type == html.ElementNode && d.Data == "dt" {
				labels = append(labels, textIn(d))
			}
		}
	}
	if want := []string{"Array model", "version"}; !slices.Equal(labels, want) {
		t.Errorf("the process-form fields: %q, want %q (labels in the form's order, a dropped field last)", labels, want)
	}
	head := strings.Join(texts(page, "case-head"), " ")
	for _, want := range []string{"TDM-", "VMs freeze during array snapshots", "open", "high", "Hyper Visor", "Acme Storage, Storage support", "PTR-1001", "Initech", "INI-42"} {
		if !strings.Contains(head, want) {
			t.Errorf("the case's header lacks %q: %s", want, head)
		}
	}
	if strings.Contains(page.Text(), "How Storage support works") {
		t.Error("the receiver is shown its own department's process")
	}
	steps := texts(page, "step")
	if len(steps) < 3 || !strings.HasPrefix(steps[0], "Accept…") || !strings.HasPrefix(steps[1], "Ask for information…") || !strings.HasPrefix(steps[2], "Reject…") {
		t.Errorf("the receiver's steps: %q", steps)
	}
	if got := texts(page, "reply"); len(got) != 1 || !strings.Contains(got[0], "Reply") {
		t.Errorf("the receiver's reply box: %q", got)
	}
	accept := page.Form("/cases/" + id + "/accept")
	if accept == nil || accept.Values.Get("engineer.name") != "Eng Host" || accept.Values.Get("engineer.email") != h.Engineer.Email || accept.Values.Get("csrf") == "" {
		t.Fatalf("the accept form is not filled in with the signed-in engineer: %+v", accept)
	}
	if strings.Contains(string(page.Body), "<script") {
		t.Error("the case page has a script")
	}
	eng.Submit(accept, url.Values{"receiverCaseNumber": {"ACME-7"}}).Expect(303, "accept as filled in")
	page = eng.Get("/cases/"+id).Expect(200, "the accepted case")
	if kinds := texts(page, "msg-kind"); len(kinds) != 4 || kinds[3] != "Accepted" {
		t.Errorf("the conversation after accepting: %q", kinds)
	}
	if head := strings.Join(texts(page, "case-head"), " "); !strings.Contains(head, "Eng Host <"+h.Engineer.Email+">") || !strings.Contains(head, "ACME-7") {
		t.Errorf("the header after accepting: %s", head)
	}

	// Invalid input: the step's form comes back open, 422, with the error beside the field.
	page = eng.Get("/cases/" + id)
	bad := eng.Submit(page.Form("/cases/"+id+"/request-info"), url.Values{"question": {""}}).Expect(422, "an empty question")
	if len(withClass(bad, "error")) == 0 || !strings.Contains(string(bad.Body), `<details class="step step-request-info" open`) {
		t.Errorf("an empty question: the form is not open with its error: %s", texts(bad, "step"))
	}
}

// The submitter sees the receiving department's process before opening a
// case and on it: its instructions, hours (open now, or when it opens, in
// the viewer's zone), the program's response time per priority, phone,
// whether its address takes mail; required fields are marked.
func TestSubmitterSeesTheReceiversProcess(t *testing.T) {
	e := httpapptest.New(t) // Monday 23 November 2026, 09:00 UTC: 10:00 in Berlin
	h := e.NewHost("Acme Storage", map[string]any{"sla": map[string]any{"low": "PT16H", "medium": "PT8H", "high": "PT3H", "critical": "PT1H"}})
	p := e.Onboard(h, "Hyper Visor")
	inbound := httpapptest.DepartmentBody(h.Domain, h.ProgramID)["inbound"].(map[string]any)
	inbound["instructions"] = "Quote the array's serial number."
	e.Do("PATCH", "/v1/departments/"+h.Department, h.Admin.Token, map[string]any{"inbound": inbound}).Expect(200, "instructions")

	b := e.SignedIn(p.ID, p.Admin.UserID)
	page := b.Get("/cases/new?departmentId="+h.Department).Expect(200, "the new-case page")
	process := strings.Join(texts(page, "process"), " ")
	for _, want := range []string{
		"How Storage support works", "Quote the array's serial number.", "Mon, Tue, Wed, Thu, Fri 08:00–18:00 (Europe/Berlin)", "Open now",
		"+49 30 1", "Its address is confirmed",
		"low 16 h of business hours", "medium 8 h of business hours", "high 3 h of business hours", "critical 1 h around the clock",
	} {
		if !strings.Contains(process, want) {
			t.Errorf("the department's process before opening lacks %q: %s", want, process)
		}
	}
	for _, id := range []string{"summary", "description", "fields-product", "fields-version", "customer-company"} {
		if !requiredAndMarked(page, id) {
			t.Errorf("%s is not marked required (attribute and a visible mark)", id)
		}
	}
	if requiredAndMarked(page, "submitterCaseNumber") {
		t.Error("the optional submitter's case number is marked required")
	}

	e.Set(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)) // Saturday
	for _, tc := range []struct{ tz, want string }{{"UTC", "Opens Mon 30 Nov 07:00 UTC"}, {"Europe/Berlin", "Opens Mon 30 Nov 08:00 Europe/Berlin"}} {
		tz, want := tc.tz, tc.want
		page = b.Get("/cases/new?departmentId="+h.Department+"&tz="+tz).Expect(200, "the new-case page on a Saturday")
		if process := strings.Join(texts(page, "process"), " "); !strings.Contains(process, want) || strings.Contains(process, "Open now") {
			t.Errorf("on a Saturday, times in %q: %s, want %q", tz, process, want)
		}
	}

	// On the case, the submitter still sees it; the receiver does not.
	id := e.Do("POST", "/v1/cases", p.Admin.Token, httpapptest.CaseBody(h.Department, h.ProgramID)).Expect(201, "open").Str("id")
	page = b.Get("/cases/"+id+"?tz=Europe/Berlin").Expect(200, "the submitter's case page")
	if process := strings.Join(texts(page, "process"), " "); !strings.Contains(process, "Quote the array's serial number.") || !strings.Contains(process, "Opens Mon 30 Nov 08:00") || !strings.Contains(process, "high 3 h of business hours") {
		t.Errorf("the department's process on the submitter's case page: %s", process)
	}
	if page := e.SignedIn(h.Engineer.MemberID, h.Engineer.UserID).Get("/cases/"+id).Expect(200, "the receiver's case page"); len(withClass(page, "process")) != 0 {
		t.Error("the receiver is shown its own process")
	}
}

// requiredAndMarked reports whether the input with id has the required
// attribute and its label says so before anyone submits.
func requiredAndMarked(r *httpapptest.Response, id string) bool {
	required, marked := false, false
	for n := range r.Doc().Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		var nid, forID string
		req := false
		for _, a := range n.Attr {
			switch a.Key {
			case "id":
				nid = a.Val
			case "for":
				forID = a.Val
			case "required":
				req = true
			}
		}
		if nid == id && req {
			required = true
		}
		if n.Data == "label" && forID == id && strings.Contains(textIn(n), "required") {
			marked = true
		}
	}
	return required && marked
}

// A critical escalation program's form offers only critical and asks, as
// required before anyone submits, for the business impact, a note to the
// manager and the customer's existing case number (collab's rule); its
// response time is the critical one, around the clock.
func TestCriticalEscalationForm(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Acme Storage", map[string]any{"type": "critical_escalation"})
	p := e.Onboard(h, "Hyper Visor")
	e.Do("PATCH", "/v1/members/"+p.ID+"/users/"+p.Admin.UserID, p.Admin.Token, map[string]any{"roles": []string{"admin", "critical", "engineer"}}).Expect(200, "the critical role")
	page := e.SignedIn(p.ID, p.Admin.UserID).Get("/cases/new?departmentId="+h.Department).Expect(200, "the critical escalation form")
	f := page.Form("/cases")
	if f == nil {
		t.Fatal("no form to open the case")
	}
	var priorities []string
	for n := range page.Doc().Descendants() {
		if n.Type == html.ElementNode && n.Data == "select" && slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == "name" && a.Val == "priority" }) {
			for o := range n.Descendants() {
				if o.Type == html.ElementNode && o.Data == "option" {
					priorities = append(priorities, textIn(o))
				}
			}
		}
	}
	if !slices.Equal(priorities, []string{"critical"}) {
		t.Errorf("priorities offered: %q, want only critical", priorities)
	}
	for _, id := range []string{"businessImpact", "noteToManager", "customer-caseNumber"} {
		if !requiredAndMarked(page, id) {
			t.Errorf("%s is not asked for as required", id)
		}
	}
	if got := texts(page, "response-times"); len(got) != 1 || !strings.Contains(got[0], "critical 2 h around the clock") || strings.Contains(got[0], "high") {
		t.Errorf("the response times of a critical escalation: %q", got)
	}
}

// The level-1 escalation contact's mail links to a read-only view of the
// case (/s/{token}): the conversation with no form, no sign-in; the
// submitter's mail links to the case page. Once the submitter closes the
// case the link shows nothing. (API.md, "The case as a workspace".)
func TestEscalationContactReadsTheCaseByItsLink(t *testing.T) {
	e := httpapptest.New(t)
	w := httpapptest.NewWorld(e)
	contact := "escalation-desk@" + w.Host.Domain
	e.Advance(72 * time.Hour)
	if _, err := e.Services.Cases.Escalate(t.Context(), w.Case, e.Now()); err != nil {
		t.Fatal(err)
	}
	links := httpapptest.Links(e.Mails(contact), "/s/")
	if len(links) != 1 {
		t.Fatalf("the escalation contact got %d read-only links, want 1 (mails: %d)", len(links), len(e.Mails(contact)))
	}
	if sub := httpapptest.Links(e.Mails(w.Partner.Admin.Email), "/s/"); len(sub) != 0 {
		t.Errorf("the submitter, who signs in, got read-only links: %v", sub)
	}
	anon := e.Browser()
	page := anon.Get(links[0]).Expect(200, "the read-only link")
	if got := page.Forms(); len(got) != 0 {
		t.Errorf("the read-only view offers %d forms, want none", len(got))
	}
	text := page.Text()
	for _, want := range []string{"A read-only view of the case", contact, "Opened the case", "Escalated (level 1)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the read-only view lacks %q:\n%.1500s", want, text)
		}
	}
	tampered := links[0][:len(links[0])-3] + "abc"
	anon.Get(tampered).Expect(404, "an altered read-only link")

	e.Do("POST", "/v1/cases/"+w.Case+"/close", w.Partner.Admin.Token, map[string]any{"resolution": "Fixed."}).Expect(200, "the submitter closes")
	if p := anon.Get(links[0]).Expect(404, "the link of a closed case"); !strings.Contains(p.Text(), "closed") {
		t.Errorf("the closed case's link says: %.500s", p.Text())
	}
}
