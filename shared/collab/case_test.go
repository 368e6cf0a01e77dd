package collab

import (
	"errors"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/program"
)

func TestNextCoversEveryPair(t *testing.T) {
	type key struct {
		s    Status
		a    Action
		side Side
	}
	allowed := map[key]Status{
		{Open, Accept, Receiver}:                 Accepted,
		{InformationRequested, Accept, Receiver}: Accepted,
		{Open, RequestInfo, Receiver}:            InformationRequested,
		{Accepted, RequestInfo, Receiver}:        InformationRequested,
		{Open, Reject, Receiver}:                 Rejected,
		{InformationRequested, Reject, Receiver}: Rejected,
		{Open, Close, Receiver}:                  Closed,
		{Accepted, Close, Receiver}:              Closed,
		{InformationRequested, Close, Receiver}:  Closed,
		{Open, Close, Submitter}:                 Closed,
		{Accepted, Close, Submitter}:             Closed,
		{InformationRequested, Close, Submitter}: Closed,
		{Open, Note, Receiver}:                   Open,
		{Accepted, Note, Receiver}:               Accepted,
		{InformationRequested, Note, Receiver}:   InformationRequested,
		{Open, Note, Submitter}:                  Open,
		{Accepted, Note, Submitter}:              Accepted,
		{InformationRequested, Note, Submitter}:  Open,
	}
	for _, s := range Statuses {
		for _, a := range []Action{Accept, RequestInfo, Note, Reject, Close} {
			for _, side := range []Side{Submitter, Receiver} {
				got, err := Next(s, a, side)
				want, ok := allowed[key{s, a, side}]
				if ok {
					if err != nil || got != want {
						t.Errorf("Next(%s, %s, %s) = %s, %v; want %s", s, a, side, got, err, want)
					}
					continue
				}
				if !errors.Is(err, apperr.ErrConflict) && !errors.Is(err, apperr.ErrForbidden) {
					t.Errorf("Next(%s, %s, %s) = %s, %v; want a refusal", s, a, side, got, err)
				}
			}
		}
	}
}

// The 75 % reminder comes before the response is due, once, and only at
// level 0 while the clock runs; cases without a reminder time (made before
// reminders existed) go straight to their escalation.
func TestReminderComesFirstAndOnce(t *testing.T) {
	created := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	c := Case{Status: Open, CreatedAt: created, RemindAt: created.Add(90 * time.Minute), ResponseDueAt: created.Add(2 * time.Hour), Level2DueAt: created.Add(4 * time.Hour)}
	if at, ok := c.NextEscalation(); !ok || !at.Equal(c.RemindAt) {
		t.Errorf("before the reminder: next %v %v, want the reminder time", at, ok)
	}
	c.Reminded = true
	if at, _ := c.NextEscalation(); !at.Equal(c.ResponseDueAt) {
		t.Errorf("after the reminder: next %v, want the response due time", at)
	}
	old := Case{Status: Open, ResponseDueAt: c.ResponseDueAt}
	if at, _ := old.NextEscalation(); !at.Equal(old.ResponseDueAt) || old.ReminderPending() {
		t.Errorf("a case without a reminder time: next %v", at)
	}
	late := Case{Status: Open, RemindAt: c.ResponseDueAt, ResponseDueAt: c.ResponseDueAt}
	if late.ReminderPending() {
		t.Errorf("a reminder not before the due time is pending")
	}
	answered := c
	answered.Reminded, answered.RespondedAt = false, created.Add(time.Minute)
	if _, ok := answered.NextEscalation(); ok {
		t.Errorf("an answered case still has a reminder or escalation to come")
	}
}

// Solution support programs (and full membership, modelled as one) offer
// every action but reject.
func TestSolutionSupportOffersNoReject(t *testing.T) {
	for _, typ := range program.Types {
		c := Case{ProgramType: typ}
		for _, a := range []Action{Accept, RequestInfo, Note, Reject, Close} {
			want := !(a == Reject && typ == program.SolutionSupport)
			if c.Offers(a) != want {
				t.Errorf("%s offers %s: %v, want %v", typ, a, c.Offers(a), want)
			}
		}
	}
}
