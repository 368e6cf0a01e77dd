package notify_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

var (
	deadAt  = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	resendT = deadAt.Add(2 * time.Hour)
)

// letters is a store holding a dead letter (its mailbox bounced three
// times), a message still being sent and one delivered: what an operator
// finds on the dead-letter list and what it does not.
type letters struct {
	st                *memstore.Store
	d                 *notify.DeadLetters
	dead, sending, ok notify.Message
}

func newLetters(t *testing.T) letters {
	t.Helper()
	ctx := context.Background()
	l := letters{st: memstore.New(keyring.Fixed("k", []byte("test-key-0123456789abcdef0123456789")))}
	msg := func(to string) notify.Message {
		return notify.Message{ID: ident.New(ident.Outbox, deadAt), Channel: notify.Email, From: "Tandem <no-reply@tandem.example>", To: []string{to},
			Ref: "mem_01J0000000000000000000000A", CreatedAt: deadAt, Data: notify.MemberWelcome{MemberName: "Acme", ContactName: "Ann", AdminEmail: to}}
	}
	l.dead, l.sending, l.ok = msg("ann@full.example"), msg("bob@acme.example"), msg("cy@acme.example")
	if err := l.st.Enqueue(ctx, l.dead, l.sending, l.ok); err != nil {
		t.Fatal(err)
	}
	for _, m := range []notify.Message{l.dead, l.sending, l.ok} {
		if _, _, err := l.st.ClaimOutbox(ctx, m.ID, deadAt, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.st.MarkDead(ctx, l.dead.ID, 1, "mailbox full", deadAt); err != nil {
		t.Fatal(err)
	}
	if err := l.st.MarkSent(ctx, l.ok.ID, 1, "ses-1", deadAt); err != nil {
		t.Fatal(err)
	}
	l.d = notify.NewDeadLetters(l.st, func() time.Time { return resendT })
	return l
}

var (
	operatorP = auth.Principal{Operator: true, UserID: "ops@tandem.example"}
	adminP    = auth.Principal{MemberID: "mem_01J0000000000000000000000A", UserID: "usr_01J0000000000000000000000A", Roles: []string{auth.RoleAdmin}}
)

// Who sees the dead letters: platform operators (only what could not be
// delivered, with why); a member's admin, even the one whose mail it was,
// and anonymous callers are refused.
func TestDeadLettersList(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    auth.Principal
		kind error
	}{
		{"an operator", operatorP, nil},
		{"a member's admin", adminP, apperr.ErrForbidden},
		{"anonymous", auth.Principal{}, apperr.ErrForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLetters(t)
			got, _, err := l.d.List(context.Background(), tc.p, 50, "")
			if !errors.Is(err, tc.kind) || (tc.kind == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
			if tc.kind != nil {
				return
			}
			if len(got) != 1 || got[0].ID != l.dead.ID || got[0].Reason != "mailbox full" || !got[0].DeadAt.Equal(deadAt) {
				t.Errorf("listed %+v, want the one dead letter, dead at %v for mailbox full", got, deadAt)
			}
		})
	}
}

// Resending: operators only; a dead letter goes again once, as a new
// message to the same people, and leaves the list; a second resend, a
// message never dead (still sending, delivered) and an unknown id are
// refused, and nothing is enqueued for them.
func TestDeadLettersResend(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     auth.Principal
		id    func(l letters) string
		twice bool // resent once already
		kind  error
	}{
		{"an operator resends a dead letter", operatorP, func(l letters) string { return l.dead.ID }, false, nil},
		{"an operator resends it a second time", operatorP, func(l letters) string { return l.dead.ID }, true, apperr.ErrConflict},
		{"a member's admin resends it", adminP, func(l letters) string { return l.dead.ID }, false, apperr.ErrForbidden},
		{"anonymous resends it", auth.Principal{}, func(l letters) string { return l.dead.ID }, false, apperr.ErrForbidden},
		{"a message still being sent", operatorP, func(l letters) string { return l.sending.ID }, false, apperr.ErrConflict},
		{"a delivered message", operatorP, func(l letters) string { return l.ok.ID }, false, apperr.ErrConflict},
		{"an outbox id that is no message", operatorP, func(letters) string { return ident.New(ident.Outbox, deadAt) }, false, apperr.ErrNotFound},
		{"an id that is no outbox id", operatorP, func(letters) string { return ident.New(ident.Case, deadAt) }, false, apperr.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			l := newLetters(t)
			if tc.twice {
				if _, err := l.d.Resend(ctx, operatorP, l.dead.ID); err != nil {
					t.Fatal(err)
				}
			}
			before := len(l.st.Outbox())
			newID, err := l.d.Resend(ctx, tc.p, tc.id(l))
			if !errors.Is(err, tc.kind) || (tc.kind == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
			out := l.st.Outbox()
			if tc.kind != nil {
				if len(out) != before {
					t.Errorf("a refused resend enqueued %d messages", len(out)-before)
				}
				return
			}
			if len(out) != before+1 {
				t.Fatalf("enqueued %d messages, want 1", len(out)-before)
			}
			again := out[len(out)-1]
			if again.ID != newID || newID == l.dead.ID || !slices.Equal(again.To, l.dead.To) || !again.CreatedAt.Equal(resendT) || again.Template() != l.dead.Template() {
				t.Errorf("resent as %s %+v, want a new message to %v at %v", newID, again, l.dead.To, resendT)
			}
			if _, st, _, _ := l.st.GetOutbox(ctx, l.dead.ID); st != notify.Resent {
				t.Errorf("the dead letter is %s, want resent", st)
			}
			if left, _, _ := l.d.List(ctx, operatorP, 50, ""); len(left) != 0 {
				t.Errorf("the resent letter is still listed: %+v", left)
			}
		})
	}
}
