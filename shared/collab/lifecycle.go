package collab

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
)

// CaseReader is what reading cases needs (Get, ReceivingDepartment,
// Events, List): a case, the department it went to, its timeline, and a
// member's boxes.
type CaseReader interface {
	GetCase(ctx context.Context, id string) (Case, error)
	GetDepartment(ctx context.Context, id string) (department.Department, error)
	ListCaseEvents(ctx context.Context, id string, limit int, cursor string) ([]Event, string, error)
	ListCases(ctx context.Context, box Box, memberID string, status Status, limit int, cursor string) ([]Case, string, error)
	// CaseByRef returns the id of the case with reference ref.
	CaseByRef(ctx context.Context, ref string) (string, error)
}

// Stepper is what a step on a case needs (Do, and DoFromMail and
// LookupMailLink for the links in mail): the case and its receiving
// department, the acting user, the day's mail count, and the two writes.
type Stepper interface {
	GetCase(ctx context.Context, id string) (Case, error)
	GetDepartment(ctx context.Context, id string) (department.Department, error)
	GetUser(ctx context.Context, memberID, userID string) (member.User, error)
	MailCounter
	// ApplyCase replaces the case if it is still at before's version.
	ApplyCase(ctx context.Context, before, after Case, ev Event, msgs []notify.Message, claim idem.Claim) error
	// AppendCaseNote writes a note that states no version (see Do).
	AppendCaseNote(ctx context.Context, before, after Case, ev Event, msgs []notify.Message, claim idem.Claim) error
}

// Get returns a case to its two members and operators; to anyone else it
// does not exist.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Case, error) {
	if !ident.Valid(ident.Case, id) {
		return Case{}, apperr.NotFound("case %s not found", id)
	}
	c, err := s.store.GetCase(ctx, id)
	if err != nil {
		return Case{}, err
	}
	if !p.In(c.SubmitterMemberID) && !p.In(c.ReceiverMemberID) {
		return Case{}, apperr.NotFound("case %s not found", id)
	}
	return c, nil
}

// ReceivingDepartment is the department case id was sent to, for the
// case's two members and operators: its submitter sees how to reach it
// (phone, hours, whether its address takes mail).
func (s *Service) ReceivingDepartment(ctx context.Context, p auth.Principal, c Case) (department.Department, error) {
	if !p.In(c.SubmitterMemberID) && !p.In(c.ReceiverMemberID) {
		return department.Department{}, apperr.NotFound("case %s not found", c.ID)
	}
	return s.store.GetDepartment(ctx, c.DepartmentID)
}

// Workspace is what the case page shows: the case, its timeline (up to
// limit events, oldest first) and its receiving department. The case and
// its timeline are read side by side (the timeline is shown only once the
// case is the caller's), then the department; ok is false when the
// department cannot be read (the page reads without it).
func (s *Service) Workspace(ctx context.Context, p auth.Principal, id string, limit int) (c Case, evs []Event, dep department.Department, ok bool, err error) {
	if !ident.Valid(ident.Case, id) {
		return Case{}, nil, department.Department{}, false, apperr.NotFound("case %s not found", id)
	}
	var caseErr, evsErr error
	together(
		func() { c, caseErr = s.Get(ctx, p, id) },
		func() { evs, _, evsErr = s.store.ListCaseEvents(ctx, id, limit, "") },
	)
	if caseErr != nil {
		return Case{}, nil, department.Department{}, false, caseErr
	}
	if evsErr != nil {
		return Case{}, nil, department.Department{}, false, evsErr
	}
	dep, depErr := s.store.GetDepartment(ctx, c.DepartmentID)
	return c, evs, dep, depErr == nil, nil
}

// Events returns a case's timeline.
func (s *Service) Events(ctx context.Context, p auth.Principal, id string, limit int, cursor string) ([]Event, string, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, "", err
	}
	return s.store.ListCaseEvents(ctx, id, limit, cursor)
}

// List returns the caller's inbox or outbox, optionally of one status.
func (s *Service) List(ctx context.Context, p auth.Principal, box Box, status Status, limit int, cursor string) ([]Case, string, error) {
	f := apperr.Fields{}
	if box == "" {
		box = Inbox
	}
	input.OneOf(f, "box", string(box), string(Inbox), string(Outbox))
	if status != "" {
		names := make([]string, len(Statuses))
		for i, st := range Statuses {
			names[i] = string(st)
		}
		input.OneOf(f, "status", string(status), names...)
	}
	if p.MemberID == "" {
		f.Add("box", "is a member's view; operators read cases by id")
	}
	if err := f.Err(); err != nil {
		return nil, "", err
	}
	return s.store.ListCases(ctx, box, p.MemberID, status, limit, cursor)
}

// Act is one side's step on a case.
type Act struct {
	Action             Action
	Text               string
	ReceiverCaseNumber string
	Engineer           *member.Contact
	Version            *int
}

// ErrStale is what ApplyCase answers when the case is no longer at the
// version it was read at: another step was written in between. It is a
// conflict.
var ErrStale = fmt.Errorf("the case changed since it was read: %w", apperr.ErrConflict)

// maxStepAttempts bounds how often a step that lost a write race is tried
// again on a fresh read.
const maxStepAttempts = 30

// Do applies a step: a conditional transition on the version read; the
// first response of the receiver stops the clock; the other side is mailed.
//
// Only a stated version makes a step depend on the case staying as the
// caller saw it: a stale one is a 409. Without one, a step that loses the
// write race to another (50 notes at once, a note beside an accept) is
// read afresh and checked again against what the case is now — a note
// still applies, an accept of an accepted case is a 409 as it would have
// been — and written again, in its one transaction with its mail, its
// webhook and its idempotency commit, until it is written, refused by the
// case's new state, or has lost maxStepAttempts races (503, retry).
func (s *Service) Do(ctx context.Context, p auth.Principal, id string, a Act, claim idem.Claim) (Case, error) {
	counted := false
	return retryStale(ctx, id, a.Version == nil, func() (Case, error) { return s.do(ctx, p, id, a, claim, &counted) })
}

// retryStale runs step until it is written or refused for another reason
// than a lost write race (ErrStale): a stale step is tried again on a
// fresh read, with backoff, up to maxStepAttempts (then 503), unless
// retry is false (a stated version: stale is then the answer).
func retryStale(ctx context.Context, id string, retry bool, step func() (Case, error)) (Case, error) {
	for attempt := 1; ; attempt++ {
		c, err := step()
		if err == nil || !retry || !errors.Is(err, ErrStale) {
			return c, err
		}
		if attempt == maxStepAttempts {
			return Case{}, apperr.Unavailable(err, "case %s is being changed by many at once; retry shortly", id)
		}
		if err := backOff(ctx, attempt); err != nil {
			return Case{}, apperr.Unavailable(err, "case %s is being changed by many at once; retry shortly", id)
		}
	}
}

// actorOf is how the timeline and the mail name p: its user's name and
// address, Tandem's operator, or its principal's id when its user cannot
// be read.
func (s *Service) actorOf(ctx context.Context, p auth.Principal) string {
	if p.Operator {
		return "Tandem operator <" + p.UserID + ">"
	}
	if u, err := s.store.GetUser(ctx, p.MemberID, p.UserID); err == nil {
		return u.Name + " <" + u.Email + ">"
	}
	return p.Actor()
}

// backOff waits before the attempt after attempt: a random share (full
// jitter) of 5 ms doubling up to 250 ms, so steps that lost a race together
// do not meet again at once.
func backOff(ctx context.Context, attempt int) error {
	ceiling := min(5*time.Millisecond<<min(attempt, 6), 250*time.Millisecond)
	select {
	case <-time.After(rand.N(ceiling) + time.Millisecond):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// do is one attempt of Do on the case as read now; the step counts
// against its member's daily mail once, however many attempts it takes.
func (s *Service) do(ctx context.Context, p auth.Principal, id string, a Act, claim idem.Claim, counted *bool) (Case, error) {
	c, err := s.Get(ctx, p, id)
	if err != nil {
		return Case{}, err
	}
	side := SideOf(p, c)
	if !p.Has(auth.RoleEngineer) && !p.Has(auth.RoleAdmin) {
		return Case{}, apperr.Forbidden("working on cases needs the engineer role")
	}
	if !c.Offers(a.Action) {
		return Case{}, apperr.Conflict("%s is a solution support program: its cases are not rejected; ask for more information or close the case with a resolution", c.ProgramName)
	}
	f := apperr.Fields{}
	after := c
	switch a.Action {
	case Accept:
		after.ReceiverCaseNumber = input.OptionalText(f, "receiverCaseNumber", a.ReceiverCaseNumber, 100)
		if a.Engineer == nil {
			f.Add("engineer", "is required: who works on the case")
		} else {
			eng := a.Engineer.Check(f, "engineer")
			after.Engineer = &eng
		}
	case RequestInfo:
		a.Text = input.Text(f, "question", a.Text, 10000)
	case Note:
		a.Text = input.Text(f, "text", a.Text, 20000)
	case Reject:
		a.Text = input.Text(f, "reason", a.Text, 5000)
	case Close:
		a.Text = input.Text(f, "resolution", a.Text, 10000)
		after.Resolution = a.Text
	}
	if err := f.Err(); err != nil {
		return Case{}, err
	}
	if a.Version != nil && *a.Version != c.Version {
		return Case{}, apperr.Conflict("case %s is at version %d, not %d; reload it", id, c.Version, *a.Version)
	}
	next, err := Next(c.Status, a.Action, StepSide(p, c, a.Action))
	if err != nil {
		if se, ok := err.(*apperr.StateError); ok {
			se.Object = "case " + id
		}
		return Case{}, err
	}
	now := s.Now()
	if !*counted && !p.Operator { // an operator's step is no member's mail
		if err := s.countMail(ctx, c.MemberOf(side), now); err != nil {
			return Case{}, err
		}
		*counted = true
	}
	after.Status, after.UpdatedAt, after.Version = next, now, c.Version+1
	after.LastActivityAt, after.IdleWarned = now, false // any step restarts the 30 days
	if side == Receiver && c.RespondedAt.IsZero() && (a.Action == Accept || a.Action == RequestInfo || a.Action == Reject) {
		after.RespondedAt = now // the clock stops at the first response
	}
	actor, evSide := s.actorOf(ctx, p), side
	if p.Operator {
		evSide = "" // Tandem's operators are neither side: the timeline says so
	}
	ev := Event{ID: ident.New(ident.Event, now), At: now, Actor: actor, MemberID: p.MemberID, Side: evSide, Action: a.Action, From: c.Status, To: next, Text: a.Text}

	dep, err := s.store.GetDepartment(ctx, c.DepartmentID)
	if err != nil {
		return Case{}, err
	}
	to := []string{c.SubmitterEmail}
	if side == Submitter {
		to = dedupe([]string{dep.InboundMail()})
	}
	data := notify.CaseUpdate{
		CaseMail: s.caseData(after, dep), Action: string(a.Action), ActionText: actionText(a.Action), Text: a.Text,
		Actor: actor, Status: string(next), ReceiverCaseNumber: after.ReceiverCaseNumber,
	}
	if after.Engineer != nil {
		data.Engineer = after.Engineer.Name + " <" + after.Engineer.Email + ">"
	}
	msgs := s.mails(after, to, data, now)
	if inbound := dep.InboundMail(); p.Operator && inbound != "" {
		// Both sides hear of an operator's step, each in a mail of its own.
		msgs = append(msgs, s.mail([]string{inbound}, data, after.ID, now))
	}
	if hook, err := s.hook(ctx, dep, "case.updated", after, now); err != nil {
		return Case{}, err
	} else if hook != nil {
		msgs = append(msgs, *hook)
	}
	if a.Action == Note && a.Version == nil {
		// A note is an append: it depends on the case's status (whether a
		// note may be added, whether it answers a question), never on its
		// version, so it conflicts with no other note and no step that
		// leaves the status as it was. The case is read again for the
		// answer: other notes may have been written beside this one.
		if err := s.store.AppendCaseNote(ctx, c, after, ev, msgs, claim); err != nil {
			return Case{}, fmt.Errorf("add a note to case %s: %w", id, err)
		}
		if now, err := s.store.GetCase(ctx, id); err == nil {
			return now, nil
		}
		return after, nil // written: an error now would only invite a second note
	}
	if err := s.store.ApplyCase(ctx, c, after, ev, msgs, claim); err != nil {
		return Case{}, fmt.Errorf("%s case %s: %w", a.Action, id, err)
	}
	return after, nil
}

func actionText(a Action) string {
	switch a {
	case Accept:
		return "accepted the case"
	case RequestInfo:
		return "asked for more information"
	case Reject:
		return "rejected the case"
	case Close:
		return "closed the case"
	}
	return "added a note"
}

// StaleStore lists the cases whose receiver has not responded in time,
// across tenants (the operators' index).
type StaleStore interface {
	StaleCases(ctx context.Context, now time.Time, limit int) ([]Case, bool, error)
}

// Stale are the cases whose receiver has not responded by now, oldest due
// first, and whether there are more than limit (operators only).
func (s *Service) Stale(ctx context.Context, p auth.Principal, now time.Time, limit int) ([]Case, bool, error) {
	if !p.Operator {
		return nil, false, apperr.Forbidden("this is for Tandem's operators")
	}
	return s.store.StaleCases(ctx, now, limit)
}
