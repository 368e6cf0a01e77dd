package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/web"
)

// tzCookie remembers the time zone a viewer reads times in.
const tzCookie = "tandem_tz"

// viewerZone is the zone the viewer asked for (?tz=), or remembered, or UTC.
func viewerZone(r *router.Request) (*time.Location, string, string) {
	name := r.Query.Get("tz")
	set := ""
	if name == "" {
		name = r.Cookie(tzCookie)
	} else {
		set = name
	}
	if !slices.Contains(commonZones, name) {
		name, set = "UTC", ""
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC, "UTC", ""
	}
	return loc, name, set
}

const timeLayout = "Mon 2 Jan 2006, 15:04 MST"

// overdue: the receiver's clock runs and its respond-by time passed.

// caseList serves GET /inbox and GET /outbox: one view of the box (open
// by default) or a search of it, with each view's count beside its link.
// The counts are read beside the list, so the page is one round trip in
// series after the session's: the list's Query (its entries carry the
// rows).
func (s *Server) caseList(box collab.Box) router.Handler {
	return func(ctx context.Context, r *router.Request) (*router.Response, error) {
		loc, zone, setZone := viewerZone(r)
		l := caseList{Nav: s.nav(r, string(box)), Box: string(box), Zone: zone, Zones: commonZones,
			View: string(queueView(r)), Q: strings.TrimSpace(r.Query.Get("q"))}
		l.Back = l.self()
		var counts map[collab.View]int
		var countErr error
		counted := make(chan struct{})
		go func() {
			defer close(counted)
			counts, countErr = s.Cases.QueueCounts(ctx, r.Principal, box)
		}()
		items, next, err := s.listQueue(ctx, r, box, collab.View(l.View), l.Q)
		<-counted
		status := http.StatusOK
		var ae *apperr.Error
		if l.Q != "" && r.Principal.MemberID != "" && errors.As(err, &ae) && ae.Fields["q"] != "" {
			l.SearchError, status, err = "Search "+ae.Fields["q"]+".", http.StatusUnprocessableEntity, nil
		}
		if err != nil {
			return nil, err
		}
		if countErr != nil {
			return nil, countErr
		}
		l.NextCursor = next
		l.Views = viewTabs(l, counts)
		now := s.Now()
		for _, c := range items {
			side := collab.SideOf(r.Principal, c)
			row := caseRow{
				ID: c.ID, Ref: c.Ref, Summary: c.Summary, Other: c.OtherName(side), Priority: string(c.Priority), Status: string(c.Status),
				RespondBy: c.ResponseDueAt.In(loc).Format(timeLayout), Overdue: c.Overdue(now),
			}
			if a := c.AssigneeOf(side); a != nil {
				row.Assignee, row.Mine = a.Name, a.UserID == r.Principal.UserID
			}
			l.Rows = append(l.Rows, row)
		}
		resp := router.Page(status, caseListPage(l))
		if setZone != "" {
			resp.Cookies = []string{s.cookie(tzCookie, setZone, "/", 365*24*time.Hour)}
		}
		return resp, nil
	}
}

// actionPath is where a case page's form for action a posts
// (/cases/{id}/<path>, as the API's /v1/cases/{id}/<path>).
func actionPath(a collab.Action) string {
	switch a {
	case collab.RequestInfo:
		return "request-info"
	case collab.Note:
		return "notes"
	}
	return string(a)
}

// casePage serves GET /cases/{id}.
func (s *Server) casePage(ctx context.Context, r *router.Request) (*router.Response, error) {
	page, err := s.casePageData(ctx, r, "", nil, nil)
	if err != nil {
		return nil, err
	}
	if done := r.Query.Get("done"); done != "" {
		page.Notice = doneNotice(done)
	}
	return router.Page(http.StatusOK, casePageView(page)), nil
}

func doneNotice(path string) string {
	switch path {
	case "accept":
		return "Accepted. The submitter was told."
	case "request-info":
		return "Your question went to the submitter."
	case "notes":
		return "Your note was added and the other side told."
	case "reject":
		return "Rejected. The submitter was told why."
	case "close":
		return "Closed."
	}
	return ""
}

// casePageData builds a case page; values and errs refill the form of
// step failed, which came back invalid.
func (s *Server) casePageData(ctx context.Context, r *router.Request, failed string, values url.Values, errs map[string]string) (casePage, error) {
	// The case beside its timeline, then the receiving department, which
	// names the process-form fields and, to the submitter, says how it
	// works; a case still reads without it.
	c, events, dep, depOK, err := s.Cases.Workspace(ctx, r.Principal, r.Param("id"), historyLimit)
	if err != nil {
		return casePage{}, err
	}
	loc, zone, _ := viewerZone(r)
	now := s.Now()
	side := collab.SideOf(r.Principal, c)
	page := casePage{Nav: s.nav(r, "")}
	conv := conversation{ID: c.ID, Ref: c.Ref, Summary: c.Summary, Status: string(c.Status), Overdue: c.Overdue(now),
		Facts: caseFacts(c, loc), Messages: messagesOf(c, events, dep.Form, loc), FormToken: r.FormToken}
	if c.ClockRunning() {
		conv.RespondBy = c.ResponseDueAt.In(loc).Format(timeLayout)
	}
	if side == collab.Submitter && depOK {
		if !c.Status.Final() {
			page.Warning = noMailWarning(dep)
		}
		conv.Process = processOf(dep, []fact{{Label: string(c.Priority), Value: responseTime(c.SLA, collab.ClockFor(dep.Inbound.Hours, c.Priority).Always)}}, now, loc, zone)
	}
	for _, a := range c.ActionsFor(r.Principal) {
		path := actionPath(a)
		v, e := values, errs
		if path != failed {
			v, e = nil, nil
		}
		f := actionFormFor(path, a, v, e)
		f.Open = path == failed
		switch a {
		case collab.Note:
			if side == collab.Submitter && c.Status == collab.InformationRequested {
				f.Title, f.Button, f.TextareaLabel = "Answer the question", "Send the answer", "Your answer"
			} else {
				f.Title, f.Button, f.TextareaLabel = "Reply", "Send", "Your note (the other side is told)"
			}
			conv.Reply = &f
			continue
		case collab.Accept:
			if v == nil { // the signed-in person takes the case, unless they say otherwise
				f.Fields[0].Value, f.Fields[1].Value = r.Session.UserName, r.Session.UserEmail
			}
		}
		conv.Steps = append(conv.Steps, f)
	}
	page.Conversation = conv
	return page, nil
}

// noMailWarning tells a submitter that department dep gets no mail of the
// case, and how else to reach it ("" when it does).
func noMailWarning(dep department.Department) string {
	switch {
	case dep.Unreachable != nil:
		return fmt.Sprintf("Mail to %s %s on %s, so it gets no mail of this case; it still sees the case in Tandem%s.",
			dep.Name, dep.Unreachable.What(), dep.Unreachable.Since.Format("2 January 2006"), phoneHint(dep.Inbound.Phone))
	case !dep.InboundConfirmed():
		return fmt.Sprintf("%s has not confirmed its address %s yet, so Tandem does not mail it this case; it sees the case in Tandem and by webhook%s.",
			dep.Name, dep.Inbound.Email, phoneHint(dep.Inbound.Phone))
	}
	return ""
}

// caseFacts are the facts of a case's header: who, what, when, which
// numbers; its description and process-form fields open the conversation.
func caseFacts(c collab.Case, loc *time.Location) []fact {
	f := []fact{
		{Label: "Priority", Value: string(c.Priority)},
		{Label: "From", Value: c.SubmitterName + " (" + c.SubmitterEmail + ")"},
		{Label: "To", Value: c.ReceiverName + ", " + c.DepartmentName},
		{Label: "Program", Value: c.ProgramName},
		{Label: "Opened", Value: c.CreatedAt.In(loc).Format(timeLayout)},
	}
	if c.EscalationLevel > 0 {
		f = append(f, fact{Label: "Escalation level", Value: strconv.Itoa(c.EscalationLevel)})
	}
	if c.SubmitterCaseNumber != "" {
		f = append(f, fact{Label: "Submitter's case number", Value: c.SubmitterCaseNumber})
	}
	if c.ReceiverCaseNumber != "" {
		f = append(f, fact{Label: "Receiver's case number", Value: c.ReceiverCaseNumber})
	}
	if c.Engineer != nil {
		f = append(f, fact{Label: "Engineer", Value: c.Engineer.Name + " <" + c.Engineer.Email + ">"})
	}
	if cu := c.Customer; cu != nil {
		f = append(f, fact{Label: "Customer", Value: cu.Company + " — " + cu.ContactName + " <" + cu.ContactEmail + ">"})
		if cu.CaseNumber != "" {
			f = append(f, fact{Label: "Customer's case number", Value: cu.CaseNumber})
		}
	}
	if c.BusinessImpact != "" {
		f = append(f, fact{Label: "Business impact", Value: c.BusinessImpact})
	}
	if c.Resolution != "" {
		f = append(f, fact{Label: "Resolution", Value: c.Resolution})
	}
	return f
}

func toString(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// actionForm is one action's form with the values and errors it came back with.
func actionFormFor(path string, a collab.Action, v url.Values, errs map[string]string) actionFormData {
	get := func(k string) string {
		if v == nil {
			return ""
		}
		return v.Get(k)
	}
	f := actionFormData{Action: path, Summary: actionSummary(a)}
	switch a {
	case collab.Accept:
		f.Title, f.Button = "Accept the case", "Accept"
		f.Fields = []web.Field{
			{ID: "accept-engineer-name", Name: "engineer.name", Label: "Engineer", Type: "text", Auto: "name", Required: true, Value: get("engineer.name"), Error: firstErr(errs, "engineer.name", "engineer")},
			{ID: "accept-engineer-email", Name: "engineer.email", Label: "Engineer's email", Type: "email", Auto: "email", Required: true, Value: get("engineer.email"), Error: errs["engineer.email"]},
			{ID: "accept-receiverCaseNumber", Name: "receiverCaseNumber", Label: "Your case number", Hint: "optional", Type: "text", Value: get("receiverCaseNumber"), Error: errs["receiverCaseNumber"]},
		}
	case collab.RequestInfo:
		f.Title, f.Button, f.Textarea, f.TextareaLabel = "Ask for more information", "Send the question", "question", "Question"
	case collab.Note:
		f.Title, f.Button, f.Textarea, f.TextareaLabel = "Add a note", "Add the note", "text", "Note"
	case collab.Reject:
		f.Title, f.Button, f.Danger, f.Textarea, f.TextareaLabel = "Reject the case", "Reject", true, "reason", "Reason (the submitter is told)"
	case collab.Close:
		f.Title, f.Button, f.Textarea, f.TextareaLabel = "Close the case", "Close", "resolution", "Resolution"
	}
	if f.Textarea != "" {
		f.TextareaValue, f.TextareaError = get(f.Textarea), errs[f.Textarea]
	}
	return f
}

// actionSummary is the button that opens action a's form.
func actionSummary(a collab.Action) string {
	switch a {
	case collab.Accept:
		return "Accept…"
	case collab.RequestInfo:
		return "Ask for information…"
	case collab.Reject:
		return "Reject…"
	case collab.Close:
		return "Close…"
	}
	return capitalize(human(string(a)))
}

func firstErr(errs map[string]string, keys ...string) string {
	for _, k := range keys {
		if m := errs[k]; m != "" {
			return m
		}
	}
	return ""
}

// actFromForm reads an action's form into the step it asks for.
func actFromForm(a collab.Action, v url.Values) collab.Act {
	act := collab.Act{Action: a}
	switch a {
	case collab.Accept:
		act.ReceiverCaseNumber = v.Get("receiverCaseNumber")
		act.Engineer = &member.Contact{Name: v.Get("engineer.name"), Email: v.Get("engineer.email")}
	case collab.RequestInfo:
		act.Text = v.Get("question")
	case collab.Note:
		act.Text = v.Get("text")
	case collab.Reject:
		act.Text = v.Get("reason")
	case collab.Close:
		act.Text = v.Get("resolution")
	}
	return act
}

// caseAction serves POST /cases/{id}/{action}: success goes back to the
// case; invalid input is the page again (422) with the errors beside the
// fields; a lost race (409) says what changed.
func (s *Server) casePageAction(path string, a collab.Action) router.Handler {
	return func(ctx context.Context, r *router.Request) (*router.Response, error) {
		form, err := r.Form()
		if err != nil {
			return nil, err
		}
		_, err = s.Cases.Do(ctx, r.Principal, r.Param("id"), actFromForm(a, form), idem.None)
		if err == nil {
			return router.Redirect("/cases/" + r.Param("id") + "?done=" + path), nil
		}
		f, ok := refused(err)
		if !ok {
			return nil, err
		}
		if f.Conflict() {
			page, perr := s.casePageData(ctx, r, "", nil, nil)
			if perr != nil {
				return nil, perr
			}
			page.Problem = "The case changed while you were looking at it: " + f.Message + ". It is shown as it is now."
			return router.Page(f.Status, casePageView(page)), nil
		}
		page, perr := s.casePageData(ctx, r, path, form, f.Fields)
		if perr != nil {
			return nil, perr
		}
		page.Problem = "Please check the highlighted field."
		return router.Page(f.Status, casePageView(page)), nil
	}
}

// mailActionPage serves GET /r/{token}: the action's form, no sign-in.
func (s *Server) mailActionPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	return s.renderMailAction(ctx, r.Param("token"), nil, nil, http.StatusOK)
}

func (s *Server) renderMailAction(ctx context.Context, token string, v url.Values, errs map[string]string, status int) (*router.Response, error) {
	l, err := s.Cases.LookupMailLink(ctx, token)
	if err != nil {
		return nil, err
	}
	m := mailAction{Token: token, Summary: l.Case.Summary, CaseID: l.Case.ID, Done: l.Done, Form: actionFormFor(actionPath(l.Action), l.Action, v, errs)}
	if rec, err := s.Idempotency.GetIdempotency(ctx, mailLinkKey(token)); err == nil && rec.State != "" {
		m.Done = "This link was already used. Open the case to see what happened since."
	}
	return router.Page(status, mailActionPage(m)), nil
}

func mailLinkKey(token string) string { return "maillink#" + auth.Hash(token) }

// mailActionForm serves POST /r/{token}: acts once, as the receiving
// department, without sign-in.
func (s *Server) mailActionForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	token := r.Param("token")
	form, err := r.Form()
	if err != nil {
		return nil, err
	}
	l, err := s.Cases.LookupMailLink(ctx, token)
	if err != nil {
		return nil, err
	}
	g := router.Guard{Store: s.Idempotency, Log: s.Log}
	resp, err := g.Do(ctx, s.Now(), router.Once{
		Key: mailLinkKey(token), BodyHash: "mail-link", Retention: mailLinkRetention,
		Mismatch: apperr.Conflict("this link was already used"),
		// Only a step taken uses the link up: a form sent back with an
		// error may be corrected and sent again.
		Keep: func(status int) bool { return status < 400 },
		Taken: func(ctx context.Context, rec idem.Record) (*router.Response, error) {
			return s.renderMailAction(ctx, token, nil, nil, http.StatusConflict)
		},
		Run: func(ctx context.Context, claim idem.Claim) (*router.Response, error) {
			c, err := s.Cases.DoFromMail(ctx, token, actFromForm(l.Action, form), claim)
			if err != nil {
				return nil, err
			}
			return message(http.StatusOK, "Done", "Thank you: the case "+c.ID+" is "+strings.ReplaceAll(string(c.Status), "_", " ")+" and the submitter was told.", false, nil), nil
		},
	})
	if err != nil {
		f, ok := refused(err)
		switch {
		case !ok:
			return nil, err
		case f.Conflict():
			return s.renderMailAction(ctx, token, nil, nil, f.Status)
		}
		return s.renderMailAction(ctx, token, form, f.Fields, f.Status)
	}
	return resp, nil
}

// mailLinkRetention is how long a used action link is remembered.
const mailLinkRetention = 365 * 24 * time.Hour

// caseRow is one line of the inbox or outbox.
type caseRow struct {
	ID, Ref, Summary, Other, Priority, Status, RespondBy string
	// Assignee is who works on the case on the viewer's side; Mine says
	// it is the viewer.
	Assignee      string
	Overdue, Mine bool
}

// caseList is the inbox or outbox page.
type caseList struct {
	Nav  nav
	Box  string // inbox or outbox
	View string
	// Q is the search; SearchError why it cannot be run.
	Q, SearchError string
	// Back is the list's address, where assigning from it returns.
	Back       string
	Views      []queueTab
	Zone       string
	Zones      []string
	Rows       []caseRow
	NextCursor string
}

// actionFormData is one action a case page offers: where it posts, its fields
// and the errors beside them.
type actionFormData struct {
	Action, Title, Button string
	// Summary is the button that opens the form, and Open says it is open
	// (it came back with errors).
	Summary string
	Open    bool
	Danger  bool
	Fields  []web.Field
	// Textarea is the name of the one multi-line field, if any.
	Textarea      string
	TextareaLabel string
	TextareaValue string
	TextareaError string
}

// casePage is one case as a conversation, and what came of the viewer's
// last step.
type casePage struct {
	Nav          nav
	Conversation conversation
	Notice       string
	Problem      string
	// Warning tells the submitter the receiving department gets no mail
	// of the case (its address is unconfirmed or bounced), and how else to
	// reach it.
	Warning string
}

// mailAction is the page behind an action link in a case mail.
type mailAction struct {
	Token, Summary, CaseID, Done string
	Form                         actionFormData
}
