package collab

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/notify"
)

// Housekeeping outcomes.
const (
	HousekeepWarned = "warned"
	HousekeepClosed = "closed"
)

// Housekeep looks at case id at now: 23 days without activity by either
// side warns both sides that it closes in 7 days; 30 days close it, with a
// timeline event that says why and a mail to both. Each step is a
// conditional write on the version read; one that loses a race reads the
// case again: after a note the 30 days start again and nothing is due,
// after an escalation it still is. It returns what it did ("" for nothing).
func (s *Service) Housekeep(ctx context.Context, id string, now time.Time) (string, error) {
	for attempt := 1; ; attempt++ {
		outcome, err := s.housekeep(ctx, id, now)
		if !errors.Is(err, apperr.ErrConflict) {
			return outcome, err
		}
		if attempt == maxStepAttempts {
			return "", nil // still racing: the next run looks again
		}
	}
}

func (s *Service) housekeep(ctx context.Context, id string, now time.Time) (string, error) {
	c, err := s.store.GetCase(ctx, id)
	if err != nil {
		return "", err
	}
	at, ok := c.NextHousekeeping()
	if !ok || at.After(now) {
		return "", nil
	}
	dep, err := s.store.GetDepartment(ctx, c.DepartmentID)
	if err != nil {
		return "", err
	}
	after := c
	after.UpdatedAt, after.Version = now, c.Version+1
	closes := c.IdleClosesAt()
	since := c.idleSince().UTC().Format("2 January 2006")
	ev := Event{ID: ident.New(ident.Event, now), At: now, Actor: "housekeeping schedule", From: c.Status, To: c.Status}
	outcome := HousekeepWarned
	if now.Before(closes) {
		after.IdleWarned = true
		ev.Action = IdleWarning
		ev.Text = fmt.Sprintf("no activity since %s: the case closes by itself on %s unless either side adds a note or acts", since, closes.UTC().Format("2 January 2006"))
	} else {
		outcome = HousekeepClosed
		after.Status, after.Resolution = Closed, "Closed automatically after 30 days without activity."
		ev.Action, ev.To = AutoClose, Closed
		ev.Text = fmt.Sprintf("closed automatically: no note or action by either side since %s (30 days)", since)
	}
	data := notify.CaseIdle{CaseMail: s.caseData(after, dep), Since: since, ClosesAt: closes.UTC().Format("Mon 2 Jan 2006"), Closed: outcome == HousekeepClosed}
	msgs := s.mails(after, dedupe([]string{c.SubmitterEmail, dep.InboundMail()}), data, now)
	if outcome == HousekeepClosed {
		if hook, err := s.hook(ctx, dep, "case.updated", after, now); err != nil {
			return "", err
		} else if hook != nil {
			msgs = append(msgs, *hook)
		}
	}
	if err := s.store.ApplyCase(ctx, c, after, ev, msgs, idem.None); err != nil {
		return "", fmt.Errorf("housekeep case %s: %w", id, err)
	}
	return outcome, nil
}
