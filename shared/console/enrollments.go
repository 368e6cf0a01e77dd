package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/router"
)

// queueSteps are the steps the queue offers, each with the action of the
// state machine that decides whether an enrollment's status allows it.
var queueSteps = []struct {
	step   string
	action enrollment.Action
}{
	{"approve", enrollment.Approve}, {"validation", enrollment.Pass}, {"resend", enrollment.Resend},
	{"reject", enrollment.Reject}, {"remove", enrollment.Remove},
}

// queueNotices are what the host sees after a step.
var queueNotices = map[string]string{
	"approve":    "Approved: the test case is on its way to the partner's support.",
	"validation": "Validation recorded; the partner was told.",
	"resend":     "A new test case was sent.",
	"reject":     "Rejected; the partner was told why.",
	"remove":     "Removed from the program; both sides were told.",
}

// enrollmentQueue serves GET /programs/{id}/enrollments.
func (s *Server) enrollmentQueue(ctx context.Context, r *router.Request) (*router.Response, error) {
	status := r.Query.Get("status")
	if r.Query.Get("addendum") == "outstanding" {
		status = outstandingFilter
	}
	q, err := s.queueData(ctx, r, status, r.Query.Get("show"), nil)
	if err != nil {
		return nil, err
	}
	q.Notice = queueNotices[r.Query.Get("done")]
	return router.Page(http.StatusOK, enrollmentQueueView(q)), nil
}

// outstandingFilter asks queueData for the partners yet to accept the
// program's current addendum version.
const outstandingFilter = "addendum_outstanding"

// addendumFact says which version the partner accepted, by whom and when,
// and whether it is yet to accept the current one.
func addendumFact(e enrollment.Enrollment, current string, loc *time.Location) string {
	out := "version " + e.Addendum.Version + ", accepted by " + e.Addendum.Name
	if !e.Addendum.At.IsZero() {
		out += " on " + e.Addendum.At.In(loc).Format("2 Jan 2006")
	}
	if e.Outstanding(current) {
		out += "; not yet version " + current
		if e.AddendumAsked == current {
			out += " (asked " + e.AddendumAskedAt.In(loc).Format("2 Jan 2006") + ")"
		}
	}
	return out
}

// queueData builds the queue of program {id} filtered by status; show names
// the enrollment whose timeline is opened, mark adjusts the rows (a form
// that came back).
func (s *Server) queueData(ctx context.Context, r *router.Request, status, show string, mark func(*enrollmentRow)) (enrollmentQueue, error) {
	programID := r.Param("id")
	counts, err := s.Enrollments.Counts(ctx, r.Principal, programID) // 404 other tenants, 403 non-admins
	if err != nil {
		return enrollmentQueue{}, err
	}
	prg, err := s.Programs.ForHost(ctx, r.Principal, programID)
	if err != nil {
		return enrollmentQueue{}, err
	}
	outstanding := status == outstandingFilter
	if !slices.Contains(enrollment.Statuses, enrollment.Status(status)) {
		status = ""
	}
	q := enrollmentQueue{Nav: s.nav(r, "programs"), ProgramID: prg.ID, ProgramName: prg.Name, Status: status,
		AddendumVersion: prg.Addendum.Version, Outstanding: outstanding}
	for _, st := range enrollment.Statuses {
		if n := counts[st]; n > 0 || st == enrollment.PendingApproval {
			q.Counts = append(q.Counts, statusCount{Status: string(st), N: n, Current: string(st) == status})
		}
		q.Total += counts[st]
	}
	var items []enrollment.Enrollment
	var next string
	if outstanding {
		items, _, err = s.Enrollments.Outstanding(ctx, r.Principal, programID)
	} else {
		items, next, err = s.Enrollments.List(ctx, r.Principal, programID, enrollment.Status(status), 25, r.Query.Get("cursor"))
	}
	if err != nil {
		return enrollmentQueue{}, err
	}
	q.NextCursor = next
	processes, err := s.Enrollments.Processes(ctx, r.Principal, items)
	if err != nil {
		return enrollmentQueue{}, err
	}
	loc, _, _ := viewerZone(r)
	for _, e := range items {
		row := enrollmentRow{
			ID: e.ID, Company: e.Company.Name, Email: e.Email, Status: string(e.Status), Created: e.CreatedAt.In(loc).Format(timeLayout),
			Version: e.Version, Facts: enrollmentFacts(e, prg.Addendum.Version, loc),
		}
		if pr, ok := processes[e.ID]; ok {
			row.Process = processCardOf(e.Status, pr)
		}
		for _, st := range queueSteps {
			if st.action == enrollment.Remove && e.Status == enrollment.PendingApproval {
				continue // a pending sign-up is rejected, with the reason the partner is told
			}
			if _, err := enrollment.Next(e.Status, st.action, true); err == nil {
				row.Steps = append(row.Steps, st.step)
			}
		}
		if e.ID == show {
			events, _, err := s.Enrollments.Events(ctx, r.Principal, e.ID, 200, "")
			if err != nil {
				return enrollmentQueue{}, err
			}
			row.Shown = true
			names := s.actorNames(ctx, prg.HostMemberID, e.MemberID)
			for _, ev := range events {
				what := strings.ReplaceAll(string(ev.Action), "_", " ")
				if ev.To != "" && ev.To != ev.From {
					what += " → " + strings.ReplaceAll(string(ev.To), "_", " ")
				}
				row.Timeline = append(row.Timeline, timelineEntry{At: ev.At.In(loc).Format(timeLayout), Actor: names(ev.Actor), What: what, Text: ev.Reason})
			}
		}
		if mark != nil {
			mark(&row)
		}
		q.Rows = append(q.Rows, row)
	}
	return q, nil
}

// enrollmentFacts is what a host decides on: who signed up, for which
// company, who its contacts are and how it pays.
func enrollmentFacts(e enrollment.Enrollment, current string, loc *time.Location) []fact {
	f := []fact{
		{Label: "Website", Value: e.Company.Website},
		{Label: "Country", Value: e.Company.Country},
		{Label: "Primary contact", Value: person(e.Contacts.Primary.Name, e.Contacts.Primary.Email)},
		{Label: "Support", Value: person(e.Contacts.Support.Name, e.Contacts.Support.Email)},
		{Label: "Escalation", Value: person(e.Contacts.Escalation.Name, e.Contacts.Escalation.Email)},
		{Label: "Addendum", Value: addendumFact(e, current, loc)},
	}
	pay := "the partner pays"
	if e.HostPaid {
		pay = "your company pays"
	} else if e.Paid {
		pay = "the partner paid"
	}
	f = append(f, fact{Label: "Membership", Value: pay})
	if e.ExistingMember {
		f = append(f, fact{Label: "Member", Value: "already a Tandem member"})
	}
	if e.Reason != "" {
		f = append(f, fact{Label: "Reason", Value: e.Reason})
	}
	return f
}

// processCard is the partner's support process on its queue card: what
// the host's validation tests.
type processCard struct {
	// About says what the process has to do with the enrollment's step.
	About string
	Facts []fact
}

// processCardOf is process pr of an enrollment in status st as its card
// shows it.
func processCardOf(st enrollment.Status, pr enrollment.Process) *processCard {
	c := &processCard{}
	switch st {
	case enrollment.PendingApproval:
		c.About = "Approving sends the test case here."
	case enrollment.Validating:
		c.About = "The test case went here. It passes when the partner acknowledges it from that mail, or when you record the validation."
	case enrollment.ValidationFailed:
		c.About = "The test case failed here; resending it sends a new one."
	case enrollment.PendingMemberConsent:
		c.About = "Proposed at sign-up: it becomes a department when the partner's company confirms the sign-up."
	}
	in := pr.Inbound
	email := in.Email
	switch {
	case pr.Proposed:
	case pr.Confirmed:
		email += " (confirmed: it takes mail)"
	default:
		email += " (not confirmed yet: acknowledging the test case confirms it)"
	}
	name := pr.DepartmentName
	if name == "" {
		name = "Support"
	}
	c.Facts = append(c.Facts, fact{Label: "Department", Value: name}, fact{Label: "Case email", Value: email})
	if in.Phone != "" {
		c.Facts = append(c.Facts, fact{Label: "Phone", Value: in.Phone})
	}
	if in.WebhookURL != "" {
		hook := in.WebhookURL
		if pr.WebhookDisabled {
			hook += " (disabled: deliveries failed for a day)"
		}
		c.Facts = append(c.Facts, fact{Label: "Webhook", Value: hook})
	}
	c.Facts = append(c.Facts, fact{Label: "Hours", Value: hoursText(in.Hours)})
	if in.Escalation.Email != "" || in.Escalation.Name != "" {
		c.Facts = append(c.Facts, fact{Label: "Escalates to", Value: person(in.Escalation.Name, in.Escalation.Email)})
	}
	instructions := in.Instructions
	if instructions == "" {
		instructions = "none given"
	}
	c.Facts = append(c.Facts, fact{Label: "Instructions", Value: instructions})
	return c
}

func person(name, email string) string {
	if email == "" {
		return name
	}
	return name + " <" + email + ">"
}

// queueStep serves POST /programs/{id}/enrollments/{enrollmentId}/{step}:
// success goes back to the queue with a notice; invalid input (422) and a
// moved-on enrollment (409) show the queue again with what to do.
func (s *Server) queueStep(step string) router.Handler {
	return func(ctx context.Context, r *router.Request) (*router.Response, error) {
		v, err := r.Form()
		if err != nil {
			return nil, err
		}
		programID, id := r.Param("id"), r.Param("enrollmentId")
		e, err := s.Enrollments.Get(ctx, r.Principal, id)
		if err != nil {
			return nil, err
		}
		if e.ProgramID != programID {
			return nil, apperr.NotFound("enrollment %s not found in program %s", id, programID)
		}
		var version *int
		if n, err := strconv.Atoi(v.Get("version")); err == nil {
			version = &n
		}
		switch step {
		case "approve":
			_, err = s.Enrollments.Approve(ctx, r.Principal, id, version)
		case "reject":
			_, err = s.Enrollments.Reject(ctx, r.Principal, id, v.Get("reason"), version)
		case "validation":
			_, err = s.Enrollments.RecordValidation(ctx, r.Principal, id, enrollment.Outcome(v.Get("outcome")), v.Get("note"), version)
		case "resend":
			_, err = s.Enrollments.Resend(ctx, r.Principal, id)
		case "remove":
			_, err = s.Enrollments.Remove(ctx, r.Principal, id, v.Get("reason"), version)
		}
		status := v.Get("status")
		if err == nil {
			return router.Redirect("/programs/" + programID + "/enrollments?" + url.Values{"status": {status}, "done": {step}}.Encode() + "#" + id), nil
		}
		f, ok := refused(err)
		if !ok {
			return nil, err
		}
		q, qerr := s.queueData(ctx, r, status, "", func(row *enrollmentRow) {
			if row.ID != id {
				return
			}
			if f.Conflict() {
				row.Problem = "This enrollment changed while you were looking: " + f.Message + ". It is shown as it is now."
				return
			}
			row.Problem = "Please check the highlighted field."
			row.Errors, row.Values = map[string]string{}, map[string]string{"outcome": v.Get("outcome")}
			for k, why := range f.Fields {
				row.Errors[step+"."+k] = strings.ToUpper(k[:1]) + k[1:] + " " + why
			}
			for _, k := range []string{"reason", "note"} {
				row.Values[step+"."+k] = v.Get(k)
			}
		})
		if qerr != nil {
			return nil, qerr
		}
		if !slices.ContainsFunc(q.Rows, func(row enrollmentRow) bool { return row.ID == id }) {
			q.Problem = e.Company.Name + ": " + f.Message
		}
		return router.Page(f.Status, enrollmentQueueView(q)), nil
	}
}

// actorNames names the people behind actor ids (users of the given
// members) for timelines; other actors (an address, "operator", "system")
// show as they are.
func (s *Server) actorNames(ctx context.Context, memberIDs ...string) func(string) string {
	seen := map[string]string{}
	return func(actor string) string {
		if !strings.HasPrefix(actor, "usr_") {
			return actor
		}
		if n, ok := seen[actor]; ok {
			return n
		}
		seen[actor] = actor
		if n, ok := s.Members.UserNames(ctx, memberIDs, []string{actor})[actor]; ok {
			seen[actor] = n
		}
		return seen[actor]
	}
}

// statusCount is one status of the enrollment queue's head.
type statusCount struct {
	Status  string
	N       int
	Current bool
}

// enrollmentRow is one enrollment of the queue with the steps its status
// allows (approve, reject, validation, resend, remove).
type enrollmentRow struct {
	ID, Company, Email, Status, Created string
	Version                             int
	Facts                               []fact
	// Process is the partner's support process the validation tests.
	Process *processCard
	Steps   []string
	// Timeline is filled for the enrollment the page was asked to show.
	Timeline []timelineEntry
	Shown    bool
	Problem  string
	Errors   map[string]string
	Values   map[string]string
}

// enrollmentQueue is a program's enrollments, filtered by status.
type enrollmentQueue struct {
	Nav                    nav
	ProgramID, ProgramName string
	Status                 string
	Total                  int
	Counts                 []statusCount
	Rows                   []enrollmentRow
	NextCursor             string
	Notice, Problem        string
	// AddendumVersion is the program's current addendum; Outstanding is
	// true when the rows are the partners yet to accept it.
	AddendumVersion string
	Outstanding     bool
}

// Has reports whether step is one the row offers.
func (r enrollmentRow) Has(step string) bool {
	for _, s := range r.Steps {
		if s == step {
			return true
		}
	}
	return false
}
