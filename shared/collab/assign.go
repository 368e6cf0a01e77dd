package collab

import (
	"context"
	"errors"
	"fmt"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
)

// Assign names who works on case id on the caller's side: userID, a user
// of the caller's member, or nil for nobody. The timeline records it and
// the new assignee is mailed, in the step's one transaction; a case
// already assigned so is returned as it is. Like Do, a write that lost
// the race to another step is tried again on the case as it is now.
func (s *Service) Assign(ctx context.Context, p auth.Principal, id string, userID *string, claim idem.Claim) (Case, error) {
	counted := false
	return retryStale(ctx, id, true, func() (Case, error) { return s.assign(ctx, p, id, userID, claim, &counted) })
}

func (s *Service) assign(ctx context.Context, p auth.Principal, id string, userID *string, claim idem.Claim, counted *bool) (Case, error) {
	c, err := s.Get(ctx, p, id)
	if err != nil {
		return Case{}, err
	}
	if p.MemberID == "" {
		return Case{}, apperr.Forbidden("assignment is a member's: each side assigns its own people")
	}
	if !p.Has(auth.RoleEngineer) && !p.Has(auth.RoleAdmin) {
		return Case{}, apperr.Forbidden("working on cases needs the engineer role")
	}
	side := SideOf(p, c)
	var to *member.User
	if userID != nil {
		u, err := s.store.GetUser(ctx, p.MemberID, *userID)
		switch {
		case !ident.Valid(ident.User, *userID) || errors.Is(err, apperr.ErrNotFound) || (err == nil && u.Status != member.UserActive):
			f := apperr.Fields{}
			f.Add("userId", "is not an active user of your company: pick one of your people (GET /v1/users), or null to unassign")
			return Case{}, f.Err()
		case err != nil:
			return Case{}, err
		}
		to = &u
	}
	if c.Status.Final() {
		return Case{}, &apperr.StateError{Object: "case " + id, Action: string(Assign), Current: string(c.Status)}
	}
	cur := c.AssigneeOf(side)
	if (cur == nil && to == nil) || (cur != nil && to != nil && cur.UserID == to.ID) {
		return c, nil // already so: a retry, or a second click
	}
	now := s.Now()
	if to != nil && !*counted {
		if err := s.countMail(ctx, p.MemberID, now); err != nil {
			return Case{}, err
		}
		*counted = true
	}
	after := c
	var a *Assignee
	text := "unassigned the case"
	if to != nil {
		a = &Assignee{UserID: to.ID, Name: to.Name}
		text = "assigned the case to " + to.Name
	}
	if side == Receiver {
		after.ReceiverAssignee = a
	} else {
		after.SubmitterAssignee = a
	}
	after.UpdatedAt, after.Version = now, c.Version+1
	actor := s.actorOf(ctx, p)
	ev := Event{ID: ident.New(ident.Event, now), At: now, Actor: actor, MemberID: p.MemberID, Side: side, Action: Assign,
		From: c.Status, To: c.Status, Text: text}
	var msgs []notify.Message
	if to != nil && to.Email != "" {
		dep, err := s.store.GetDepartment(ctx, c.DepartmentID)
		if err != nil {
			return Case{}, err
		}
		msgs = append(msgs, s.mail([]string{to.Email},
			notify.CaseAssigned{CaseMail: s.caseData(after, dep), AssigneeName: to.Name, AssignedBy: actor}, c.ID, now))
	}
	if err := s.store.ApplyCase(ctx, c, after, ev, msgs, claim); err != nil {
		return Case{}, fmt.Errorf("assign case %s: %w", id, err)
	}
	return after, nil
}
