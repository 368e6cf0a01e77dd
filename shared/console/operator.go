package console

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/router"
)

// operatorOnly refuses anyone but a platform operator.
func operatorOnly(r *router.Request) error {
	if !r.Principal.Operator {
		return apperr.Forbidden("this is for Tandem's operators")
	}
	return nil
}

// resendDeadLetterForm serves POST /operator/dead-letters/{id}/resend.
func (s *Server) resendDeadLetterForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	if err := operatorOnly(r); err != nil {
		return nil, err
	}
	if _, err := s.DeadLetters.Resend(ctx, r.Principal, r.Param("id")); err != nil {
		f, ok := refused(err)
		if !ok || !f.Conflict() {
			return nil, err
		}
		o, perr := s.operatorData(ctx, r)
		if perr != nil {
			return nil, perr
		}
		o.Problem = "Not resent: " + f.Message + "."
		return router.Page(http.StatusConflict, operatorView(o)), nil
	}
	return router.Redirect("/operator?done=resent"), nil
}

// operatorPage serves GET /operator: search, sign-ups waiting anywhere,
// enrollments awaiting payment, overdue invoices, stale cases and dead
// letters.
func (s *Server) operatorPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	if err := operatorOnly(r); err != nil {
		return nil, err
	}
	o, err := s.operatorData(ctx, r)
	if err != nil {
		return nil, err
	}
	if r.Query.Get("done") == "resent" {
		o.Notice = "Sent again as a new message; it leaves the dead letters."
	}
	return router.Page(http.StatusOK, operatorView(o)), nil
}

// operatorLists bounds what each list of the operator's page shows.
const operatorLists = 25

func (s *Server) operatorData(ctx context.Context, r *router.Request) (operatorPage, error) {
	loc, _, _ := viewerZone(r)
	now := s.Now()
	o := operatorPage{Nav: s.nav(r, "operator"), Query: strings.TrimSpace(r.Query.Get("q"))}
	if o.Query != "" {
		o.Searched = true
		ms, err := s.Members.Search(ctx, r.Principal, o.Query)
		if err != nil {
			return o, err
		}
		for i, m := range ms {
			if i == operatorLists {
				break
			}
			om := operatorMember{ID: m.ID, Name: m.Name, Domain: m.Domain, Kind: string(m.Kind), Status: m.Status()}
			ps, err := s.Programs.ListForHost(ctx, r.Principal, m.ID)
			if err != nil {
				return o, err
			}
			for _, p := range ps {
				om.Programs = append(om.Programs, option{Value: p.ID, Label: p.Name})
			}
			o.Members = append(o.Members, om)
		}
	}
	waiting, more, err := s.Enrollments.Waiting(ctx, r.Principal, now, operatorLists)
	if err != nil {
		return o, err
	}
	o.MoreWaiting = more
	names := s.programNames(r.Principal)
	for _, e := range waiting {
		o.Waiting = append(o.Waiting, waitingRow{
			ID: e.ID, ProgramID: e.ProgramID, Program: names(ctx, e.ProgramID), Company: e.Company.Name, Email: e.Email,
			Status: string(e.Status), Since: e.CreatedAt.In(loc).Format(timeLayout),
		})
	}
	if err := s.unpaidRows(ctx, r, &o, now, loc); err != nil {
		return o, err
	}
	stale, more, err := s.Cases.Stale(ctx, r.Principal, now, operatorLists)
	if err != nil {
		return o, err
	}
	o.MoreStale = more
	for _, c := range stale {
		o.Stale = append(o.Stale, staleRow{
			ID: c.ID, Summary: c.Summary, From: c.SubmitterName, To: c.ReceiverName + ", " + c.DepartmentName, Program: c.ProgramName,
			Priority: string(c.Priority), Due: c.ResponseDueAt.In(loc).Format(timeLayout), Late: late(now.Sub(c.ResponseDueAt)), Level: c.EscalationLevel,
		})
	}
	dead, next, err := s.DeadLetters.List(ctx, r.Principal, operatorLists, r.Query.Get("deadCursor"))
	if err != nil {
		return o, err
	}
	o.DeadCursor = next
	for _, d := range dead {
		o.Dead = append(o.Dead, deadRow{
			ID: d.ID, Channel: string(d.Channel), Template: d.Template, To: strings.Join(d.To, ", "), Reason: d.Reason,
			At: d.DeadAt.In(loc).Format(timeLayout), Attempts: d.Attempts,
		})
	}
	return o, nil
}

// unpaidRows fills o's lists of what operators chase for payment:
// enrollments awaiting payment and open invoices past their due date.
func (s *Server) unpaidRows(ctx context.Context, r *router.Request, o *operatorPage, now time.Time, loc *time.Location) error {
	u, err := s.Enrollments.Unpaid(ctx, r.Principal, now, operatorLists)
	if err != nil {
		return err
	}
	o.MoreAwaiting, o.MoreOverdue = u.MoreAwaiting, u.MoreOverdue
	names := s.programNames(r.Principal)
	for _, e := range u.Awaiting {
		o.Awaiting = append(o.Awaiting, awaitingRow{
			ID: e.ID, ProgramID: e.ProgramID, Program: names(ctx, e.ProgramID), Company: e.Company.Name, Email: e.Email,
			Since: e.UpdatedAt.In(loc).Format(timeLayout), Waiting: late(now.Sub(e.UpdatedAt)), InvoiceID: e.MembershipInvoiceID,
		})
	}
	var memberIDs []string
	for _, inv := range u.Overdue {
		memberIDs = append(memberIDs, inv.MemberID)
	}
	members := s.Members.Names(ctx, memberIDs...)
	for _, inv := range u.Overdue {
		o.Overdue = append(o.Overdue, overdueRow{
			ID: inv.ID, MemberID: inv.MemberID, Member: members[inv.MemberID], Program: names(ctx, inv.ProgramID),
			Kind: kindLabel(inv.Kind), Amount: billing.Money(inv.TotalCents - inv.PaidCents),
			Due: inv.DueAt.In(loc).Format(dateLayout), Late: daysLate(now.Sub(inv.DueAt)),
		})
	}
	return nil
}

// daysLate is how many days a due date passed, as a person says it.
func daysLate(d time.Duration) string {
	n := int(d / (24 * time.Hour))
	if n < 1 {
		return "due today"
	}
	return plural(n, "day") + " overdue"
}

// late is how overdue something is, as a person says it.
func late(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + " days"
	case d >= 2*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " hours"
	case d >= 2*time.Minute:
		return strconv.Itoa(int(d/time.Minute)) + " minutes"
	}
	return "1 minute"
}

// operatorMember is a member found by the operator's search.
type operatorMember struct {
	ID, Name, Domain, Kind string
	// Status is active, merging or merged.
	Status   string
	Programs []option // value: program id
}

// waitingRow is a sign-up waiting for a decision, in any program.
type waitingRow struct {
	ID, ProgramID, Program, Company, Email, Status, Since string
}

// awaitingRow is an enrollment validated and waiting for its membership
// invoice to be paid (since its last change).
type awaitingRow struct {
	ID, ProgramID, Program, Company, Email, Since, Waiting, InvoiceID string
}

// overdueRow is an open invoice past its due date.
type overdueRow struct {
	ID, MemberID, Member, Program, Kind, Amount, Due, Late string
}

// staleRow is a case whose receiver has not responded in time.
type staleRow struct {
	ID, Summary, From, To, Program, Priority, Due, Late string
	Level                                               int
}

// deadRow is a message that could not be delivered.
type deadRow struct {
	ID, Channel, Template, To, Reason, At string
	Attempts                              int
}

// operatorPage is the platform operators' view: search, sign-ups waiting
// anywhere, stale cases and dead letters.
type operatorPage struct {
	Nav                         nav
	Query                       string
	Searched                    bool
	Members                     []operatorMember
	Waiting                     []waitingRow
	MoreWaiting                 bool
	Awaiting                    []awaitingRow
	MoreAwaiting                bool
	Overdue                     []overdueRow
	MoreOverdue                 bool
	Stale                       []staleRow
	MoreStale                   bool
	Dead                        []deadRow
	DeadCursor, Notice, Problem string
}

// kindLabel names an invoice by its kind for people: "Membership
// invoice", "Host annual invoice".
func kindLabel(k billing.Kind) string {
	s := strings.ReplaceAll(string(k), "_", " ")
	if s == "" {
		return "Invoice"
	}
	return strings.ToUpper(s[:1]) + s[1:] + " invoice"
}
