// Package collab is collaboration cases: one member asking another for help
// on a mutual customer's problem, the directory of whom a member may ask,
// and the case lifecycle under its response-time clock.
package collab

import (
	"time"

	"github.com/tandemhq/tandem/shared/auth"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
)

// Status of a case.
type Status string

// Statuses.
const (
	Open                 Status = "open"
	Accepted             Status = "accepted"
	InformationRequested Status = "information_requested"
	Rejected             Status = "rejected"
	Closed               Status = "closed"
)

// Statuses lists every status.
var Statuses = []Status{Open, Accepted, InformationRequested, Rejected, Closed}

// Final reports whether nothing more happens to a case.
func (s Status) Final() bool { return s == Rejected || s == Closed }

// Action is something a side does to a case.
type Action string

// Actions.
const (
	Accept      Action = "accept"
	RequestInfo Action = "request_info"
	Note        Action = "note"
	Reject      Action = "reject"
	Close       Action = "close"
	// Escalate is the scheduler's, not a side's.
	Escalate Action = "escalate"
	// Remind is the reminder at 75 % of the response time.
	Remind Action = "remind"
	// IdleWarning and AutoClose are housekeeping's: a case without activity.
	IdleWarning Action = "idle_warning"
	AutoClose   Action = "auto_close"
	// Merge: a side's member was merged into another, which the case now
	// names.
	Merge Action = "merge"
	// Assign: a side named who works on the case on its side.
	Assign Action = "assign"
)

// Side is who acts on a case.
type Side string

// Sides.
const (
	Submitter Side = "submitter"
	Receiver  Side = "receiver"
)

// Next is the case state machine: the status after side does a in s.
func Next(s Status, a Action, side Side) (Status, error) {
	refuse := func() (Status, error) {
		return s, &apperr.StateError{Object: "the case", Action: string(a), Current: string(s)}
	}
	if s.Final() {
		return refuse()
	}
	switch a {
	case Accept:
		if side == Receiver && (s == Open || s == InformationRequested) {
			return Accepted, nil
		}
	case RequestInfo:
		if side == Receiver && (s == Open || s == Accepted) {
			return InformationRequested, nil
		}
	case Reject:
		if side == Receiver && (s == Open || s == InformationRequested) {
			return Rejected, nil
		}
	case Close:
		// The submitter asked for help and says when it has it (as in
		// TSANet); the receiver answers, rejects, or asks.
		if side == Submitter {
			return Closed, nil
		}
		return s, apperr.Forbidden("only the submitting side closes a case: it says when it has the help it asked for (a receiver that will not take a case rejects it)")
	case Note:
		// The submitter's answer to a question returns the case to the receiver.
		if side == Submitter && s == InformationRequested {
			return Open, nil
		}
		return s, nil
	}
	if side == Submitter && a != Note && a != Close {
		return s, apperr.Forbidden("only the receiving side can %s a case", a)
	}
	return refuse()
}

// Customer is the mutual customer a case is about.
type Customer struct {
	Company      string `json:"company"`
	ContactName  string `json:"contactName"`
	ContactEmail string `json:"contactEmail"`
	CaseNumber   string `json:"caseNumber,omitempty"`
}

// Case is one collaboration request.
type Case struct {
	ID string
	// Ref is the case's short reference (NewRef), unique, in every mail's
	// subject; cases opened before references existed have none.
	Ref         string
	ProgramID   string
	ProgramName string
	ProgramType program.Type
	// Submitter side.
	SubmitterMemberID string
	SubmitterName     string
	SubmitterUserID   string
	SubmitterEmail    string
	// Receiver side.
	ReceiverMemberID string
	ReceiverName     string
	DepartmentID     string
	DepartmentName   string

	Priority            program.Priority
	Summary             string
	Description         string
	Customer            *Customer
	SubmitterCaseNumber string
	ReceiverCaseNumber  string
	Fields              map[string]any
	BusinessImpact      string
	NoteToManager       string
	Engineer            *member.Contact
	// SubmitterAssignee and ReceiverAssignee are who works on the case on
	// each side (POST /v1/cases/{id}/assign), nil for nobody.
	SubmitterAssignee *Assignee
	ReceiverAssignee  *Assignee

	Status Status
	// SLA is the response time the clock runs for.
	SLA           time.Duration
	ResponseDueAt time.Time
	// Level2DueAt is when, still unanswered, it goes to the host and operators.
	Level2DueAt time.Time
	// RemindAt is when 75 % of the response time has passed: the receiving
	// department is reminded then, once (Reminded), while the clock runs.
	RemindAt time.Time
	Reminded bool
	// LastActivityAt is the last note, action or field change by either
	// side (not escalations): 30 days after it the case closes by itself,
	// warned 7 days before (IdleWarned).
	LastActivityAt time.Time
	IdleWarned     bool
	// Bcc are the capture copies of the case's mail: the submitter's
	// outbound and the receiver's inbound BCC, as they were at intake.
	Bcc             []string
	RespondedAt     time.Time
	EscalationLevel int
	Resolution      string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Version         int
}

// SideOf is the side of case c that principal p acts for: the receiving
// member's users and platform operators act as the receiver (operators may
// do anything), everyone else as the submitter.
func SideOf(p auth.Principal, c Case) Side {
	if p.Operator || p.MemberID == c.ReceiverMemberID {
		return Receiver
	}
	return Submitter
}

// ActionOrder is the order a case's steps are offered in.
var ActionOrder = []Action{Accept, RequestInfo, Note, Reject, Close}

// Actions are the steps side may take on the case now, in ActionOrder:
// what its state allows that side, and its program offers.
func (c Case) Actions(side Side) []Action {
	var out []Action
	for _, a := range ActionOrder {
		if c.allows(a, side) {
			out = append(out, a)
		}
	}
	return out
}

// ActionsFor are the steps principal p may take on the case now, in
// ActionOrder: its side's (StepSide).
func (c Case) ActionsFor(p auth.Principal) []Action {
	var out []Action
	for _, a := range ActionOrder {
		if c.allows(a, StepSide(p, c, a)) {
			out = append(out, a)
		}
	}
	return out
}

func (c Case) allows(a Action, side Side) bool {
	_, err := Next(c.Status, a, side)
	return err == nil && c.Offers(a) && !(a == Reject && side != Receiver)
}

// StepSide is the side the state machine takes p's step a on case c for:
// SideOf, except that an operator closes as the submitter does (operators
// may do anything, and only the submitting side closes).
func StepSide(p auth.Principal, c Case, a Action) Side {
	if p.Operator && a == Close {
		return Submitter
	}
	return SideOf(p, c)
}

// Overdue reports whether the response clock runs past the due time.
func (c Case) Overdue(now time.Time) bool { return c.ClockRunning() && now.After(c.ResponseDueAt) }

// MemberOf is the member on side of the case.
func (c Case) MemberOf(side Side) string {
	if side == Receiver {
		return c.ReceiverMemberID
	}
	return c.SubmitterMemberID
}

// OtherName is the name of the member on the other side from side: who
// a side's people see the case is with.
func (c Case) OtherName(side Side) string {
	if side == Submitter {
		return c.ReceiverName
	}
	return c.SubmitterName
}

// ClockRunning reports whether the receiver has yet to respond.
func (c Case) ClockRunning() bool { return c.RespondedAt.IsZero() && !c.Status.Final() }

// Housekeeping limits: a case without activity closes after IdleClose,
// both sides warned IdleWarn before.
const (
	IdleClose = 30 * 24 * time.Hour
	IdleWarn  = 7 * 24 * time.Hour
)

// idleSince is when the case was last worked on by either side.
func (c Case) idleSince() time.Time {
	if c.LastActivityAt.IsZero() {
		return c.CreatedAt
	}
	return c.LastActivityAt
}

// IdleClosesAt is when the case closes by itself unless someone acts.
func (c Case) IdleClosesAt() time.Time { return c.idleSince().Add(IdleClose) }

// NextHousekeeping is when housekeeping next looks at the case: the warning,
// then the close; never once it is final.
func (c Case) NextHousekeeping() (time.Time, bool) {
	if c.Status.Final() {
		return time.Time{}, false
	}
	if !c.IdleWarned {
		return c.IdleClosesAt().Add(-IdleWarn), true
	}
	return c.IdleClosesAt(), true
}

// ReminderPending reports whether the 75 % reminder is still to go out.
func (c Case) ReminderPending() bool {
	return !c.Reminded && c.EscalationLevel == 0 && !c.RemindAt.IsZero() && c.RemindAt.Before(c.ResponseDueAt)
}

// Offers reports whether action a exists for the case at all: solution
// support programs (and full membership) have no reject.
func (c Case) Offers(a Action) bool {
	return !(a == Reject && c.ProgramType == program.SolutionSupport)
}

// NextEscalation is when the case next escalates (or is first reminded), if it will.
func (c Case) NextEscalation() (time.Time, bool) {
	if !c.ClockRunning() {
		return time.Time{}, false
	}
	switch c.EscalationLevel {
	case 0:
		if c.ReminderPending() {
			return c.RemindAt, true
		}
		return c.ResponseDueAt, true
	case 1:
		return c.Level2DueAt, true
	}
	return time.Time{}, false
}

// Event is one entry of a case's timeline.
type Event struct {
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	MemberID string    `json:"memberId,omitempty"`
	Side     Side      `json:"side,omitempty"`
	Action   Action    `json:"action"`
	From     Status    `json:"from,omitempty"`
	To       Status    `json:"to"`
	Text     string    `json:"text,omitempty"`
	Level    int       `json:"level,omitempty"`
}
