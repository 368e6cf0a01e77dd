package collab

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// Escalations is what the scheduled runs on a case need (Escalate,
// Housekeep): the case, its receiving department and its program, and the
// case written back at the version read.
type Escalations interface {
	GetCase(ctx context.Context, id string) (Case, error)
	GetDepartment(ctx context.Context, id string) (department.Department, error)
	GetProgram(ctx context.Context, id string) (program.Program, error)
	// ApplyCase replaces the case if it is still at before's version.
	ApplyCase(ctx context.Context, before, after Case, ev Event, msgs []notify.Message, claim idem.Claim) error
}

// Escalate raises case id one level for each escalation due at or before
// now, after reminding the receiving department once when 75 % of the
// response time has passed (reported as level 0): level 1 tells the
// receiver's escalation contact and the submitter;
// level 2 the program's host and the operators. Each level is a conditional
// write on the version read, so it happens once however many runs race;
// a write that loses to another (a note, another run) reads the case
// again and goes on if it is still due, so a note does not put an
// escalation off to the next run. It returns the levels it raised.
func (s *Service) Escalate(ctx context.Context, id string, now time.Time) ([]int, error) {
	var raised []int
	// At most three steps (reminder, level 1, level 2), each read again
	// after a lost race up to maxStepAttempts times in all.
	for i := 0; i < 3+maxStepAttempts; i++ {
		c, err := s.store.GetCase(ctx, id)
		if err != nil {
			return raised, err
		}
		at, ok := c.NextEscalation()
		if !ok || at.After(now) {
			return raised, nil
		}
		if c.ReminderPending() {
			if now.Before(c.ResponseDueAt) {
				done, err := s.remind(ctx, c, now)
				if err != nil {
					return raised, err
				}
				if done {
					raised = append(raised, 0)
				}
				continue
			}
			// The sweep comes late: the response is already due, and the
			// escalation says more than a reminder would.
			c.Reminded = true
			at = c.ResponseDueAt
		}
		after := c
		after.EscalationLevel, after.UpdatedAt, after.Version = c.EscalationLevel+1, now, c.Version+1
		level := after.EscalationLevel
		ev := Event{ID: ident.New(ident.Event, now), At: now, Actor: "escalation schedule", Action: Escalate, From: c.Status, To: c.Status, Level: level,
			Text: fmt.Sprintf("no response by %s", at.UTC().Format(time.RFC3339))}
		dep, err := s.store.GetDepartment(ctx, c.DepartmentID)
		if err != nil {
			return raised, err
		}
		var to []string
		escalationContact := "" // told inside the department's business hours
		if level == 1 {
			to, escalationContact = []string{c.SubmitterEmail}, dep.EscalationMail()
		} else {
			if c.ProgramID != "" {
				prg, err := s.store.GetProgram(ctx, c.ProgramID)
				if err != nil {
					return raised, err
				}
				to = append(to, prg.PrimaryContact.Email)
			}
			to = append(to, s.Operators...)
		}
		data := s.caseData(after, dep)
		data.DueAt = at.UTC().Format("Mon 2 Jan 2006 15:04 UTC")
		escalated := notify.CaseEscalated{CaseMail: data, Level: strconv.Itoa(level)}
		msgs := s.mails(after, dedupe(to), escalated, now)
		if escalationContact != "" {
			// Its own message, told inside the department's hours; the
			// capture copies went with the submitter's.
			// Not a Tandem user, as a rule: its link reads the case
			// without a sign-in (a sign-in link would mail it nothing).
			contact := escalated
			contact.Link, contact.ReadOnly = s.Origin.BaseURL+"/s/"+s.MailLinks.SignRead(after.ID, dep.ID, escalationContact, now), true
			m := s.mail([]string{escalationContact}, contact, after.ID, now)
			m.NotBefore = s.insideHours(c, dep.Inbound.Hours, now)
			msgs = append(msgs, m)
		}
		if hook, err := s.hook(ctx, dep, "case.escalated", after, now); err != nil {
			return raised, err
		} else if hook != nil {
			msgs = append(msgs, *hook)
		}
		if err := s.store.ApplyCase(ctx, c, after, ev, msgs, idem.None); err != nil {
			if errors.Is(err, apperr.ErrConflict) {
				continue // read it again: another run or a response makes it not due, a note does not
			}
			return raised, fmt.Errorf("escalate case %s: %w", id, err)
		}
		raised = append(raised, level)
	}
	return raised, nil
}

func dedupe(xs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// remind tells the receiving department that 75 % of the response time has
// passed: once, as a conditional write on the version read. It reports
// whether this run sent it.
func (s *Service) remind(ctx context.Context, c Case, now time.Time) (bool, error) {
	dep, err := s.store.GetDepartment(ctx, c.DepartmentID)
	if err != nil {
		return false, err
	}
	after := c
	after.Reminded, after.UpdatedAt, after.Version = true, now, c.Version+1
	ev := Event{ID: ident.New(ident.Event, now), At: now, Actor: "escalation schedule", Action: Remind, From: c.Status, To: c.Status,
		Text: fmt.Sprintf("75 %% of the response time has passed; a response is due by %s", c.ResponseDueAt.UTC().Format(time.RFC3339))}
	inbound := dep.InboundMail()
	reminder := notify.CaseReminder{CaseMail: s.caseData(after, dep)}
	if inbound != "" {
		reminder.AcceptLink = s.actionLink(c, dep, Accept, inbound, now)
		reminder.RequestInfoLink = s.actionLink(c, dep, RequestInfo, inbound, now)
	}
	msgs := s.mails(after, dedupe([]string{inbound}), reminder, now)
	for i := range msgs {
		msgs[i].NotBefore = s.insideHours(c, dep.Inbound.Hours, now)
	}
	if err := s.store.ApplyCase(ctx, c, after, ev, msgs, idem.None); err != nil {
		if errors.Is(err, apperr.ErrConflict) {
			return false, nil // the caller reads the case again
		}
		return false, fmt.Errorf("remind case %s: %w", c.ID, err)
	}
	return true, nil
}

// insideHours is when mail about non-critical case c may reach a
// department open h: now inside its business hours, else when they next
// open (nobody is woken at midnight for a medium case). Critical cases, and
// hours that cannot say, send at once.
func (s *Service) insideHours(c Case, h hours.Hours, now time.Time) time.Time {
	if c.Priority == program.Critical {
		return time.Time{}
	}
	at, err := h.OpenAt(now)
	if err != nil || !at.After(now) {
		return time.Time{}
	}
	return at
}
