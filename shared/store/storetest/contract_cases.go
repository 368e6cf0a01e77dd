package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/report"
)

func caseIDs(cs []collab.Case) []string { return ids(cs, func(c collab.Case) string { return c.ID }) }

func caseActions(evs []collab.Event) []string {
	return ids(evs, func(e collab.Event) string { return string(e.Action) })
}

// unclaimable fails unless none of msgs can be claimed: they were never
// written.
func unclaimable(t *testing.T, s Store, what string, msgs []notify.Message, now time.Time) {
	t.Helper()
	for _, m := range msgs {
		_, _, err := s.ClaimOutbox(bg, m.ID, now, time.Minute)
		wantKind(t, what+": message "+m.ID, err, notify.ErrNotClaimable)
	}
}

// readBack claims each of msgs as the notifier does and checks it comes
// back as it was written, at its first attempt.
func readBack(t *testing.T, s Store, what string, msgs []notify.Message, now time.Time) {
	t.Helper()
	for _, m := range msgs {
		got, attempt, err := s.ClaimOutbox(bg, m.ID, now, time.Minute)
		if err != nil || attempt != 1 {
			t.Fatalf("%s: claim %s: attempt %d, %v", what, m.ID, attempt, err)
		}
		same(t, what+": the message the notifier reads", got, m)
	}
}

func contractCases(t *testing.T, open func(*testing.T) Store) {
	// These read back only the cases they open themselves: they share one
	// store and cast. The lists, the report and the due and operators'
	// indexes below would see the others' cases: they keep their own.
	shared := shareCast(t, open)
	t.Run("a case opened writes its first event and its outbox items, which the notifier reads back as written", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		c, ev, msgs := w.openCase("Down", t0)
		must(t, "open", s.CreateCase(bg, c, ev, msgs, idem.None))
		got, err := s.GetCase(bg, c.ID)
		must(t, "get", err)
		same(t, "case", got, c)
		evs, next, err := s.ListCaseEvents(bg, c.ID, 10, "")
		must(t, "events", err)
		same(t, "the first event", evs, []collab.Event{ev})
		if next != "" {
			t.Fatalf("one event, yet a cursor %q", next)
		}
		due, _, err := s.DueOutbox(bg, t0.Add(notify.FirstSweepDelay), 10)
		must(t, "due outbox", err)
		dueNow := map[string]bool{}
		for _, d := range due {
			dueNow[d.ID] = true
		}
		for _, m := range msgs {
			if !dueNow[m.ID] {
				t.Fatalf("outbox item %s is not due for the sweep at its first sweep delay (due: %v)", m.ID, dueIDs(due))
			}
		}
		readBack(t, s, "the case's mail", msgs, t0)
	})

	t.Run("a second create of the same case is refused and writes none of its mail", func(t *testing.T) {
		s, w := shared.s, shared.w
		c, ev, msgs := w.openCase("Down", t0)
		must(t, "open", s.CreateCase(bg, c, ev, msgs, idem.None))
		_, ev2, msgs2 := w.openCase("Down", t0)
		wantKind(t, "open again", s.CreateCase(bg, c, ev2, msgs2, idem.None), apperr.ErrConflict)
		unclaimable(t, s, "the refused create's mail", msgs2, t0)
		evs, _, err := s.ListCaseEvents(bg, c.ID, 10, "")
		if err != nil || len(evs) != 1 {
			t.Fatalf("events after the refused create: %v, %v", evs, err)
		}
	})

	t.Run("a case's reference is its own: another case with it is refused and writes nothing; the reference finds the case", func(t *testing.T) {
		s, w := shared.s, shared.w
		c, ev, msgs := w.openCase("Ref", t0)
		must(t, "open", s.CreateCase(bg, c, ev, msgs, idem.None))
		id, err := s.CaseByRef(bg, c.Ref)
		if err != nil || id != c.ID {
			t.Fatalf("case by reference %s: %q, %v; want %s", c.Ref, id, err, c.ID)
		}
		other, oev, omsgs := w.openCase("Same ref", t0)
		other.Ref = c.Ref
		err = s.CreateCase(bg, other, oev, omsgs, idem.None)
		wantKind(t, "a second case with the reference", err, collab.ErrRefTaken)
		wantKind(t, "a second case with the reference", err, apperr.ErrConflict)
		wantKind(t, "the refused case", func() error { _, err := s.GetCase(bg, other.ID); return err }(), apperr.ErrNotFound)
		unclaimable(t, s, "the refused case's mail", omsgs, t0)
		_, err = s.CaseByRef(bg, collab.NewRef())
		wantKind(t, "an unknown reference", err, apperr.ErrNotFound)
	})

	t.Run("a missing case is not found and has no timeline", func(t *testing.T) {
		s := shared.s
		id := ident.New(ident.Case, t0)
		_, err := s.GetCase(bg, id)
		wantKind(t, "get", err, apperr.ErrNotFound)
		evs, next, err := s.ListCaseEvents(bg, id, 10, "")
		if err != nil || len(evs) != 0 || next != "" {
			t.Fatalf("events of a missing case: %v %q %v", evs, next, err)
		}
	})

	t.Run("a case larger than the table keeps is refused as too large", func(t *testing.T) {
		s, w := shared.s, shared.w
		c, ev, msgs := w.openCase("Huge", t0)
		c.Description = strings.Repeat("x", 450*1024)
		wantKind(t, "open", s.CreateCase(bg, c, ev, msgs, idem.None), apperr.ErrTooLarge)
		_, err := s.GetCase(bg, c.ID)
		wantKind(t, "the refused case", err, apperr.ErrNotFound)
		unclaimable(t, s, "the refused case's mail", msgs, t0)
	})

	t.Run("a step on a missing case is stale", func(t *testing.T) {
		s, w := shared.s, shared.w
		c, _, _ := w.openCase("Never written", t0)
		after, ev := step(c, collab.Accept, collab.Receiver, collab.Accepted, "", t0.Add(time.Minute))
		err := s.ApplyCase(bg, c, after, ev, nil, idem.None)
		wantKind(t, "accept", err, collab.ErrStale)
		_, err = s.GetCase(bg, c.ID)
		wantKind(t, "the case", err, apperr.ErrNotFound)
	})

	t.Run("a step at a stale version is a conflict and writes none of its mail", func(t *testing.T) {
		s, w := shared.s, shared.w
		c, ev, msgs := w.openCase("Down", t0)
		must(t, "open", s.CreateCase(bg, c, ev, msgs, idem.None))
		accepted, aev := step(c, collab.Accept, collab.Receiver, collab.Accepted, "", t0.Add(time.Minute))
		amsgs := []notify.Message{mail(c.SubmitterEmail, c.ID, t0.Add(time.Minute))}
		must(t, "accept at version 1", s.ApplyCase(bg, c, accepted, aev, amsgs, idem.None))
		rejected, rev := step(c, collab.Reject, collab.Receiver, collab.Rejected, "not ours", t0.Add(2*time.Minute))
		rmsgs := []notify.Message{mail(c.SubmitterEmail, c.ID, t0.Add(2*time.Minute))}
		err := s.ApplyCase(bg, c, rejected, rev, rmsgs, idem.None)
		wantKind(t, "reject at version 1", err, apperr.ErrConflict)
		wantKind(t, "reject at version 1", err, collab.ErrStale)
		got, err := s.GetCase(bg, c.ID)
		must(t, "get", err)
		same(t, "the case", got, accepted)
		unclaimable(t, s, "the refused step's mail", rmsgs, t0.Add(2*time.Minute))
		readBack(t, s, "the step's mail", amsgs, t0.Add(2*time.Minute))
		evs, _, _ := s.ListCaseEvents(bg, c.ID, 10, "")
		same(t, "the timeline", caseActions(evs), []string{"open", "accept"})
	})

	t.Run("notes written side by side all apply, and a note on a changed status is stale", func(t *testing.T) {
		s, w := shared.s, shared.w
		c, ev, msgs := w.openCase("Down", t0)
		must(t, "open", s.CreateCase(bg, c, ev, msgs, idem.None))
		// Two notes read at version 1, then an accept read at version 1 too.
		n1, ev1 := step(c, collab.Note, collab.Submitter, collab.Open, "first", t0.Add(time.Minute))
		n2, ev2 := step(c, collab.Note, collab.Receiver, collab.Open, "second", t0.Add(2*time.Minute))
		must(t, "note 1", s.AppendCaseNote(bg, c, n1, ev1, nil, idem.None))
		must(t, "note 2", s.AppendCaseNote(bg, c, n2, ev2, nil, idem.None))
		got, err := s.GetCase(bg, c.ID)
		must(t, "get", err)
		if got.Version != 3 || got.Status != collab.Open || !got.LastActivityAt.Equal(t0.Add(2*time.Minute)) || !got.UpdatedAt.Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("after two notes: version %d status %s activity %v updated %v", got.Version, got.Status, got.LastActivityAt, got.UpdatedAt)
		}
		accepted, aev := step(got, collab.Accept, collab.Receiver, collab.Accepted, "", t0.Add(3*time.Minute))
		must(t, "accept", s.ApplyCase(bg, got, accepted, aev, nil, idem.None))
		late, lev := step(c, collab.Note, collab.Submitter, collab.Open, "late", t0.Add(4*time.Minute))
		lmsgs := []notify.Message{mail("desk@hostA.example", c.ID, t0.Add(4*time.Minute))}
		err = s.AppendCaseNote(bg, c, late, lev, lmsgs, idem.None)
		wantKind(t, "a note checked against open on an accepted case", err, collab.ErrStale)
		unclaimable(t, s, "the refused note's mail", lmsgs, t0.Add(4*time.Minute))
		evs := flat(pages(t, "the case's timeline", 2, func(limit int, cursor string) ([]collab.Event, string, error) {
			return s.ListCaseEvents(bg, c.ID, limit, cursor)
		}))
		same(t, "the timeline", caseActions(evs), []string{"open", "note", "note", "accept"})
		same(t, "the notes' texts in order", []string{evs[1].Text, evs[2].Text}, []string{"first", "second"})
		other, oev, _ := w.openCase("Other", t0)
		must(t, "open another", s.CreateCase(bg, other, oev, nil, idem.None))
		_, next, err := s.ListCaseEvents(bg, c.ID, 1, "")
		must(t, "first page", err)
		_, _, err = s.ListCaseEvents(bg, other.ID, 1, next)
		malformed(t, "one case's cursor on another's timeline", err)
	})

	t.Run("inbox and outbox list newest first, a page at a time, a status narrowing them", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		var opened []collab.Case
		for i := 0; i < 5; i++ {
			c, ev, _ := w.openCase("Case", t0.Add(time.Duration(i)*time.Minute))
			must(t, "open", s.CreateCase(bg, c, ev, nil, idem.None))
			opened = append(opened, c)
		}
		closed, cev := step(opened[1], collab.Close, collab.Submitter, collab.Closed, "fixed", t0.Add(time.Hour))
		must(t, "close", s.ApplyCase(bg, opened[1], closed, cev, nil, idem.None))
		newestFirst := []string{opened[4].ID, opened[3].ID, opened[2].ID, opened[1].ID, opened[0].ID}

		inbox := pages(t, "the host's inbox", 2, func(limit int, cursor string) ([]collab.Case, string, error) {
			return s.ListCases(bg, collab.Inbox, w.host.ID, "", limit, cursor)
		})
		same(t, "the inbox's first page", caseIDs(inbox[0]), newestFirst[:2])
		same(t, "the inbox", caseIDs(flat(inbox)), newestFirst)
		sent := flat(pages(t, "the partner's outbox", 3, func(limit int, cursor string) ([]collab.Case, string, error) {
			return s.ListCases(bg, collab.Outbox, w.partner.ID, "", limit, cursor)
		}))
		same(t, "the outbox", caseIDs(sent), newestFirst)
		if got, _, err := s.ListCases(bg, collab.Outbox, w.host.ID, "", 10, ""); err != nil || len(got) != 0 {
			t.Fatalf("the host sent nothing: %v, %v", caseIDs(got), err)
		}
		only := flat(pages(t, "the closed cases", 1, func(limit int, cursor string) ([]collab.Case, string, error) {
			return s.ListCases(bg, collab.Inbox, w.host.ID, collab.Closed, limit, cursor)
		}))
		same(t, "the closed cases", caseIDs(only), []string{opened[1].ID})
		// A cursor is bound to its list: the inbox's does not page the outbox, nor a narrowed inbox.
		_, next, err := s.ListCases(bg, collab.Inbox, w.host.ID, "", 2, "")
		must(t, "first page", err)
		_, _, err = s.ListCases(bg, collab.Outbox, w.partner.ID, "", 2, next)
		malformed(t, "the inbox's cursor on the outbox", err)
		_, _, err = s.ListCases(bg, collab.Inbox, w.host.ID, collab.Open, 2, next)
		malformed(t, "the inbox's cursor on the open cases", err)
	})

	t.Run("a case is due for its reminder, then its escalation, and leaves the due index once answered", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		c, ev, _ := w.openCase("Down", t0)
		must(t, "open", s.CreateCase(bg, c, ev, nil, idem.None))
		due, _, err := s.DueCases(bg, c.RemindAt.Add(-time.Second), 10)
		if err != nil || len(due) != 0 {
			t.Fatalf("due before the reminder: %v, %v", due, err)
		}
		due, _, err = s.DueCases(bg, c.RemindAt, 10)
		must(t, "due", err)
		if len(due) != 1 || due[0].ID != c.ID || !due[0].At.Equal(c.RemindAt) {
			t.Fatalf("due at the reminder: got %+v, want %s at %v", due, c.ID, c.RemindAt)
		}
		// Reminded: next due at the response time, then escalated: at level 2.
		reminded := c
		reminded.Reminded, reminded.UpdatedAt, reminded.Version = true, c.RemindAt, 2
		must(t, "remind", s.ApplyCase(bg, c, reminded, collab.Event{ID: ident.New(ident.Event, c.RemindAt), At: c.RemindAt, Actor: "tandem", Action: collab.Remind, From: c.Status, To: c.Status}, nil, idem.None))
		due, _, _ = s.DueCases(bg, c.ResponseDueAt.Add(-time.Second), 10)
		if len(due) != 0 {
			t.Fatalf("due between the reminder and the response time: %+v", due)
		}
		due, _, _ = s.DueCases(bg, c.ResponseDueAt, 10)
		same(t, "due at the response time", dueIDs(due), []string{c.ID})
		escalated := reminded
		escalated.EscalationLevel, escalated.UpdatedAt, escalated.Version = 1, c.ResponseDueAt, 3
		must(t, "escalate", s.ApplyCase(bg, reminded, escalated, collab.Event{ID: ident.New(ident.Event, c.ResponseDueAt), At: c.ResponseDueAt, Actor: "tandem", Action: collab.Escalate, From: c.Status, To: c.Status, Level: 1}, nil, idem.None))
		due, _, _ = s.DueCases(bg, c.Level2DueAt.Add(-time.Second), 10)
		if len(due) != 0 {
			t.Fatalf("due before level 2: %+v", due)
		}
		due, _, _ = s.DueCases(bg, c.Level2DueAt, 10)
		same(t, "due at level 2", dueIDs(due), []string{c.ID})
		accepted, aev := step(escalated, collab.Accept, collab.Receiver, collab.Accepted, "", c.Level2DueAt.Add(-time.Minute))
		must(t, "accept", s.ApplyCase(bg, escalated, accepted, aev, nil, idem.None))
		due, _, err = s.DueCases(bg, c.Level2DueAt.Add(48*time.Hour), 10)
		if err != nil || len(due) != 0 {
			t.Fatalf("an answered case is still due: %+v, %v", due, err)
		}
	})

	t.Run("the due index yields what is due oldest first, at most the limit, and says more are left", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		var want []string
		for i := 0; i < 5; i++ {
			c, ev, _ := w.openCase("Case", t0.Add(time.Duration(i)*time.Minute))
			must(t, "open", s.CreateCase(bg, c, ev, nil, idem.None))
			want = append(want, c.ID)
		}
		far := t0.Add(24 * time.Hour)
		due, more, err := s.DueCases(bg, far, 10)
		must(t, "all", err)
		if more {
			t.Errorf("all 5 read with a limit of 10, yet more")
		}
		same(t, "due, oldest first", dueIDs(due), want)
		due, more, err = s.DueCases(bg, far, 3)
		must(t, "limited", err)
		if len(due) != 3 || !more {
			t.Fatalf("a limit of 3: got %d, more=%v; want 3 and more", len(due), more)
		}
	})

	t.Run("the operators' index holds cases waiting past their response time, most overdue first", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		c1, ev1, _ := w.openCase("First", t0)
		c2, ev2, _ := w.openCase("Second", t0.Add(time.Minute))
		c3, ev3, _ := w.openCase("Third", t0.Add(2*time.Minute))
		for _, x := range []struct {
			c  collab.Case
			ev collab.Event
		}{{c1, ev1}, {c2, ev2}, {c3, ev3}} {
			must(t, "open", s.CreateCase(bg, x.c, x.ev, nil, idem.None))
		}
		stale, more, err := s.StaleCases(bg, c1.ResponseDueAt.Add(-time.Second), 10)
		if err != nil || len(stale) != 0 || more {
			t.Fatalf("stale before any response time: %v %v %v", caseIDs(stale), more, err)
		}
		stale, _, err = s.StaleCases(bg, c2.ResponseDueAt, 10)
		must(t, "stale", err)
		same(t, "stale at the second's response time", caseIDs(stale), []string{c1.ID, c2.ID})
		same(t, "the stale case as stored", stale[0], c1)
		accepted, aev := step(c1, collab.Accept, collab.Receiver, collab.Accepted, "", c1.ResponseDueAt.Add(time.Hour))
		must(t, "accept the first", s.ApplyCase(bg, c1, accepted, aev, nil, idem.None))
		closed, cev := step(c3, collab.Close, collab.Submitter, collab.Closed, "gone", c3.ResponseDueAt.Add(time.Hour))
		must(t, "close the third", s.ApplyCase(bg, c3, closed, cev, nil, idem.None))
		stale, _, err = s.StaleCases(bg, t0.Add(24*time.Hour), 10)
		must(t, "stale", err)
		same(t, "stale once the first was answered and the third closed", caseIDs(stale), []string{c2.ID})
	})

	t.Run("a case is due for housekeeping after its idle time, and not once closed", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		c, ev, _ := w.openCase("Quiet", t0)
		must(t, "open", s.CreateCase(bg, c, ev, nil, idem.None))
		warnAt := t0.Add(collab.IdleClose - collab.IdleWarn)
		due, _, err := s.DueIdle(bg, warnAt.Add(-time.Second), 10)
		if err != nil || len(due) != 0 {
			t.Fatalf("idle before the warning: %v, %v", due, err)
		}
		due, _, err = s.DueIdle(bg, warnAt, 10)
		must(t, "idle", err)
		same(t, "idle at the warning", dueIDs(due), []string{c.ID})
		// A note restarts the idle time.
		noted, nev := step(c, collab.Note, collab.Submitter, collab.Open, "still there?", t0.Add(24*time.Hour))
		must(t, "note", s.AppendCaseNote(bg, c, noted, nev, nil, idem.None))
		due, _, _ = s.DueIdle(bg, warnAt, 10)
		if len(due) != 0 {
			t.Fatalf("idle at the old warning time after a note: %+v", due)
		}
		due, _, _ = s.DueIdle(bg, warnAt.Add(24*time.Hour), 10)
		same(t, "idle a day later", dueIDs(due), []string{c.ID})
		got, err := s.GetCase(bg, c.ID)
		must(t, "get", err)
		closed, cev := step(got, collab.Close, collab.Submitter, collab.Closed, "done", t0.Add(48*time.Hour))
		must(t, "close", s.ApplyCase(bg, got, closed, cev, nil, idem.None))
		due, _, _ = s.DueIdle(bg, t0.Add(365*24*time.Hour), 10)
		if len(due) != 0 {
			t.Fatalf("a closed case is due for housekeeping: %+v", due)
		}
	})

	t.Run("a program's SLA report holds its cases opened in the period, oldest first, as they were answered", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		c1, ev1, _ := w.openCase("First", t0)
		c2, ev2, _ := w.openCase("Second", t0.Add(time.Hour))
		c3, ev3, _ := w.openCase("Later", t0.Add(48*time.Hour))
		must(t, "open 1", s.CreateCase(bg, c1, ev1, nil, idem.None))
		must(t, "open 2", s.CreateCase(bg, c2, ev2, nil, idem.None))
		must(t, "open 3", s.CreateCase(bg, c3, ev3, nil, idem.None))
		accepted, aev := step(c1, collab.Accept, collab.Receiver, collab.Accepted, "", t0.Add(30*time.Minute))
		must(t, "accept the first", s.ApplyCase(bg, c1, accepted, aev, nil, idem.None))
		recs, err := s.ListSLARecords(bg, w.prg.ID, t0, t0.Add(time.Hour))
		must(t, "report", err)
		same(t, "the period's records", recs, []report.Record{{
			CaseID: c1.ID, ProgramID: w.prg.ID, ReceiverMemberID: w.host.ID, ReceiverName: w.host.Name,
			CreatedAt: c1.CreatedAt, ResponseDueAt: c1.ResponseDueAt, RespondedAt: t0.Add(30 * time.Minute),
		}})
		recs, err = s.ListSLARecords(bg, w.prg.ID, t0, t0.Add(24*time.Hour))
		must(t, "report", err)
		same(t, "a day's records", ids(recs, func(r report.Record) string { return r.CaseID }), []string{c1.ID, c2.ID})
		recs, err = s.ListSLARecords(bg, w.prg.ID, t0.Add(time.Hour), c3.CreatedAt)
		must(t, "report", err)
		same(t, "from the second's opening up to the third's: the period's start is in it, its end not", ids(recs, func(r report.Record) string { return r.CaseID }), []string{c2.ID})
	})
}
