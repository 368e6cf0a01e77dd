package storetest

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/notify"
)

func contractOutbox(t *testing.T, open func(*testing.T) Store) {
	t.Run("a claimed item is leased: not claimable inside the lease, claimable after it, and the worker that lost it cannot finish", func(t *testing.T) {
		s := open(t)
		m := mail("a@b.example", "mem_x", t0)
		must(t, "enqueue", s.Enqueue(bg, m))
		got, attempt, err := s.ClaimOutbox(bg, m.ID, t0, time.Minute)
		if err != nil || attempt != 1 {
			t.Fatalf("first claim: attempt %d, %v", attempt, err)
		}
		same(t, "the claimed message", got, m)
		_, _, err = s.ClaimOutbox(bg, m.ID, t0.Add(30*time.Second), time.Minute)
		wantKind(t, "claim inside the lease", err, notify.ErrNotClaimable)
		_, attempt2, err := s.ClaimOutbox(bg, m.ID, t0.Add(2*time.Minute), time.Minute)
		if err != nil || attempt2 != 2 {
			t.Fatalf("claim after the lease: attempt %d, %v", attempt2, err)
		}
		wantKind(t, "mark sent by the worker that lost its lease", s.MarkSent(bg, m.ID, attempt, "late", t0.Add(2*time.Minute)), apperr.ErrConflict)
		wantKind(t, "mark dead by the worker that lost its lease", s.MarkDead(bg, m.ID, attempt, "late", t0.Add(2*time.Minute)), apperr.ErrConflict)
		must(t, "mark sent", s.MarkSent(bg, m.ID, attempt2, "ses-1", t0.Add(2*time.Minute)))
	})

	t.Run("a sent item is done: not claimable, not due, not finished twice", func(t *testing.T) {
		s := open(t)
		m := mail("a@b.example", "mem_x", t0)
		must(t, "enqueue", s.Enqueue(bg, m))
		_, attempt, err := s.ClaimOutbox(bg, m.ID, t0, time.Minute)
		must(t, "claim", err)
		must(t, "mark sent", s.MarkSent(bg, m.ID, attempt, "ses-1", t0.Add(time.Second)))
		_, _, err = s.ClaimOutbox(bg, m.ID, t0.Add(time.Hour), time.Minute)
		wantKind(t, "claim after sent", err, notify.ErrNotClaimable)
		wantKind(t, "mark sent again", s.MarkSent(bg, m.ID, attempt, "ses-1", t0.Add(time.Hour)), apperr.ErrConflict)
		wantKind(t, "mark retry after sent", s.MarkRetry(bg, m.ID, attempt, t0.Add(time.Hour), "late"), apperr.ErrConflict)
		due, _, err := s.DueOutbox(bg, t0.Add(48*time.Hour), 10)
		if err != nil || len(due) != 0 {
			t.Fatalf("a sent item is due: %v, %v", due, err)
		}
	})

	t.Run("an item never claimed cannot be finished, and a missing one cannot be claimed", func(t *testing.T) {
		s := open(t)
		m := mail("a@b.example", "mem_x", t0)
		must(t, "enqueue", s.Enqueue(bg, m))
		wantKind(t, "mark sent unclaimed", s.MarkSent(bg, m.ID, 1, "x", t0), apperr.ErrConflict)
		wantKind(t, "mark sent of a missing item", s.MarkSent(bg, ident.New(ident.Outbox, t0), 1, "x", t0), apperr.ErrConflict)
		_, _, err := s.ClaimOutbox(bg, ident.New(ident.Outbox, t0), t0, time.Minute)
		wantKind(t, "claim a missing item", err, notify.ErrNotClaimable)
	})

	t.Run("a second enqueue of the same message is refused", func(t *testing.T) {
		s := open(t)
		m := mail("a@b.example", "mem_x", t0)
		must(t, "enqueue", s.Enqueue(bg, m))
		other := mail("c@d.example", "mem_y", t0)
		wantKind(t, "enqueue again, with another", s.Enqueue(bg, other, m), apperr.ErrConflict)
		unclaimable(t, s, "the other message of the refused enqueue", []notify.Message{other}, t0)
		must(t, "enqueue nothing", s.Enqueue(bg))
	})

	t.Run("a failed attempt waits out its backoff: not claimable before, due and claimable then", func(t *testing.T) {
		s := open(t)
		m := mail("a@b.example", "mem_x", t0)
		must(t, "enqueue", s.Enqueue(bg, m))
		_, attempt, err := s.ClaimOutbox(bg, m.ID, t0, time.Minute)
		must(t, "claim", err)
		retryAt := t0.Add(40 * time.Second)
		must(t, "mark retry", s.MarkRetry(bg, m.ID, attempt, retryAt, "throttled"))
		_, _, err = s.ClaimOutbox(bg, m.ID, t0.Add(time.Second), time.Minute)
		wantKind(t, "claim during the backoff", err, notify.ErrNotClaimable)
		due, _, err := s.DueOutbox(bg, retryAt.Add(-time.Second), 10)
		if err != nil || len(due) != 0 {
			t.Fatalf("due before retryAt: %v, %v", due, err)
		}
		due, _, err = s.DueOutbox(bg, retryAt, 10)
		must(t, "due", err)
		if len(due) != 1 || due[0].ID != m.ID || !due[0].At.Equal(retryAt) {
			t.Fatalf("due at retryAt: got %+v, want %s at %v", due, m.ID, retryAt)
		}
		if _, attempt2, err := s.ClaimOutbox(bg, m.ID, retryAt, time.Minute); err != nil || attempt2 != 2 {
			t.Fatalf("claim at retryAt: attempt %d, %v", attempt2, err)
		}
	})

	t.Run("a message held back is not claimable before its time and due then", func(t *testing.T) {
		s := open(t)
		m := mail("a@b.example", "mem_x", t0)
		m.NotBefore = t0.Add(10 * time.Hour)
		must(t, "enqueue", s.Enqueue(bg, m))
		_, _, err := s.ClaimOutbox(bg, m.ID, t0, time.Minute)
		wantKind(t, "claim before its time", err, notify.ErrNotClaimable)
		due, _, _ := s.DueOutbox(bg, m.NotBefore.Add(-time.Second), 10)
		if len(due) != 0 {
			t.Fatalf("due before its time: %+v", due)
		}
		due, _, _ = s.DueOutbox(bg, m.NotBefore, 10)
		same(t, "due at its time", dueIDs(due), []string{m.ID})
		got, attempt, err := s.ClaimOutbox(bg, m.ID, m.NotBefore, time.Minute)
		if err != nil || attempt != 1 {
			t.Fatalf("claim at its time: attempt %d, %v", attempt, err)
		}
		if got.ID != m.ID || got.Data != m.Data {
			t.Fatalf("claimed: got %+v", got)
		}
	})

	t.Run("undelivered items are due after the first sweep delay, oldest first, a limit at a time", func(t *testing.T) {
		s := open(t)
		var want []string
		for i := 0; i < 7; i++ {
			m := mail("a@b.example", "mem_x", t0.Add(time.Duration(i)*time.Minute))
			must(t, "enqueue", s.Enqueue(bg, m))
			want = append(want, m.ID)
		}
		due, _, err := s.DueOutbox(bg, t0.Add(notify.FirstSweepDelay-time.Second), 100)
		if err != nil || len(due) != 0 {
			t.Fatalf("due before the first sweep delay: %v, %v", dueIDs(due), err)
		}
		due, more, err := s.DueOutbox(bg, t0.Add(notify.FirstSweepDelay+3*time.Minute), 100)
		must(t, "due", err)
		same(t, "due after 3 minutes, oldest first", dueIDs(due), want[:4])
		if more {
			t.Errorf("4 due with a limit of 100, yet more")
		}
		due, more, err = s.DueOutbox(bg, t0.Add(time.Hour), 5)
		if err != nil || len(due) != 5 || !more {
			t.Fatalf("limited sweep: got %d more=%v (%v), want 5 and more", len(due), more, err)
		}
	})

	t.Run("dead letters list newest first, a page at a time, and each is resent once", func(t *testing.T) {
		s := open(t)
		var msgs []notify.Message
		for i := 0; i < 5; i++ {
			at := t0.Add(time.Duration(i) * time.Minute)
			m := mail("gone@x.example", "mem_x", at)
			must(t, "enqueue", s.Enqueue(bg, m))
			_, attempt, err := s.ClaimOutbox(bg, m.ID, at, time.Minute)
			must(t, "claim", err)
			must(t, "mark dead", s.MarkDead(bg, m.ID, attempt, "550 no such user", at.Add(time.Second)))
			msgs = append(msgs, m)
		}
		list := pages(t, "the dead letters", 2, func(limit int, cursor string) ([]notify.DeadLetter, string, error) {
			return s.ListDeadLetters(bg, limit, cursor)
		})
		all := flat(list)
		same(t, "the dead letters, newest first", ids(all, func(d notify.DeadLetter) string { return d.ID }),
			[]string{msgs[4].ID, msgs[3].ID, msgs[2].ID, msgs[1].ID, msgs[0].ID})
		same(t, "a dead letter", all[4], notify.DeadLetter{ID: msgs[0].ID, Channel: notify.Email, Template: msgs[0].Template(),
			To: msgs[0].To, Ref: msgs[0].Ref, Reason: "550 no such user", Attempts: 1, DeadAt: t0.Add(time.Second)})
		_, _, err := s.ClaimOutbox(bg, msgs[0].ID, t0.Add(time.Hour), time.Minute)
		wantKind(t, "claim a dead letter", err, notify.ErrNotClaimable)

		newID := ident.New(ident.Outbox, t0.Add(time.Hour))
		got, err := s.ResendDeadLetter(bg, msgs[0].ID, newID, t0.Add(time.Hour))
		if err != nil || got != newID {
			t.Fatalf("resend: got %q, %v", got, err)
		}
		_, err = s.ResendDeadLetter(bg, msgs[0].ID, ident.New(ident.Outbox, t0.Add(time.Hour)), t0.Add(time.Hour))
		wantKind(t, "resend again", err, apperr.ErrConflict)
		readBack(t, s, "the resent message", []notify.Message{msgs[0].Again(newID, t0.Add(time.Hour))}, t0.Add(time.Hour))
		left := flat(pages(t, "the dead letters after a resend", 10, func(limit int, cursor string) ([]notify.DeadLetter, string, error) {
			return s.ListDeadLetters(bg, limit, cursor)
		}))
		if len(left) != 4 {
			t.Fatalf("dead letters after one was resent: got %d, want 4", len(left))
		}
	})

	t.Run("only a dead letter is resent; a missing one is not found", func(t *testing.T) {
		s := open(t)
		m := mail("a@b.example", "mem_x", t0)
		must(t, "enqueue", s.Enqueue(bg, m))
		_, err := s.ResendDeadLetter(bg, m.ID, ident.New(ident.Outbox, t0), t0)
		wantKind(t, "resend a pending message", err, apperr.ErrConflict)
		_, err = s.ResendDeadLetter(bg, ident.New(ident.Outbox, t0), ident.New(ident.Outbox, t0), t0)
		wantKind(t, "resend a missing message", err, apperr.ErrNotFound)
	})
}
