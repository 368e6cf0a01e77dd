package collab_test

import (
	"errors"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/program"
)

func TestNextCoversEveryPair(t *testing.T) {
	type key struct {
		s    collab.Status
		a    collab.Action
		side collab.Side
	}
	allowed := map[key]collab.Status{
		{collab.Open, collab.Accept, collab.Receiver}:                 collab.Accepted,
		{collab.InformationRequested, collab.Accept, collab.Receiver}: collab.Accepted,
		{collab.Open, collab.RequestInfo, collab.Receiver}:            collab.InformationRequested,
		{collab.Accepted, collab.RequestInfo, collab.Receiver}:        collab.InformationRequested,
		{collab.Open, collab.Reject, collab.Receiver}:                 collab.Rejected,
		{collab.InformationRequested, collab.Reject, collab.Receiver}: collab.Rejected,
		{collab.Open, collab.Close, collab.Submitter}:                 collab.Closed,
		{collab.Accepted, collab.Close, collab.Submitter}:             collab.Closed,
		{collab.InformationRequested, collab.Close, collab.Submitter}: collab.Closed,
		{collab.Open, collab.Note, collab.Receiver}:                   collab.Open,
		{collab.Accepted, collab.Note, collab.Receiver}:               collab.Accepted,
		{collab.InformationRequested, collab.Note, collab.Receiver}:   collab.InformationRequested,
		{collab.Open, collab.Note, collab.Submitter}:                  collab.Open,
		{collab.Accepted, collab.Note, collab.Submitter}:              collab.Accepted,
		{collab.InformationRequested, collab.Note, collab.Submitter}:  collab.Open,
	}
	for _, s := range collab.Statuses {
		for _, a := range []collab.Action{collab.Accept, collab.RequestInfo, collab.Note, collab.Reject, collab.Close} {
			for _, side := range []collab.Side{collab.Submitter, collab.Receiver} {
				got, err := collab.Next(s, a, side)
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
	c := collab.Case{Status: collab.Open, CreatedAt: created, RemindAt: created.Add(90 * time.Minute), ResponseDueAt: created.Add(2 * time.Hour), Level2DueAt: created.Add(4 * time.Hour)}
	if at, ok := c.NextEscalation(); !ok || !at.Equal(c.RemindAt) {
		t.Errorf("before the reminder: next %v %v, want the reminder time", at, ok)
	}
	c.Reminded = true
	if at, _ := c.NextEscalation(); !at.Equal(c.ResponseDueAt) {
		t.Errorf("after the reminder: next %v, want the response due time", at)
	}
	old := collab.Case{Status: collab.Open, ResponseDueAt: c.ResponseDueAt}
	if at, _ := old.NextEscalation(); !at.Equal(old.ResponseDueAt) || old.ReminderPending() {
		t.Errorf("a case without a reminder time: next %v", at)
	}
	late := collab.Case{Status: collab.Open, RemindAt: c.ResponseDueAt, ResponseDueAt: c.ResponseDueAt}
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
		c := collab.Case{ProgramType: typ}
		for _, a := range []collab.Action{collab.Accept, collab.RequestInfo, collab.Note, collab.Reject, collab.Close} {
			want := !(a == collab.Reject && typ == program.SolutionSupport)
			if c.Offers(a) != want {
				t.Errorf("%s offers %s: %v, want %v", typ, a, c.Offers(a), want)
			}
		}
	}
}

// References read as TDM- and 8 characters of the unambiguous alphabet,
// differ from draw to draw, and are read back however a person types them.
func TestReferences(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		r := collab.NewRef()
		if got, ok := collab.NormalizeRef(r); !ok || got != r {
			t.Fatalf("NewRef() = %q, which does not read back (%q, %v)", r, got, ok)
		}
		if seen[r] {
			t.Fatalf("%s drawn twice in 1000", r)
		}
		seen[r] = true
	}
	for in, want := range map[string]string{"tdm-7k3q9xw2": "TDM-7K3Q9XW2", " 7K3Q9XW2 ": "TDM-7K3Q9XW2", "TDM-7K3Q9XW": "", "TDM-7K3Q9XW0": "", "TDM-7K3Q9XWU": "", "": ""} {
		got, ok := collab.NormalizeRef(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeRef(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
