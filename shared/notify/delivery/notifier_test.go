package delivery

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/notify"
)

// oneItem is an outbox of one claimable mail that remembers what was
// recorded and whether the record's context was still alive.
type oneItem struct {
	claims    int
	recorded  string
	recordErr error // the record's context's error when it was written
}

func (o *oneItem) ClaimOutbox(context.Context, string, time.Time, time.Duration) (notify.Message, int, error) {
	o.claims++
	return notify.Message{ID: "out_1", Channel: notify.Email, From: "Tandem <t@example.com>", To: []string{"a@example.com"},
		CreatedAt: time.Now(), Data: notify.MemberWelcome{MemberName: "M", MemberID: "mem_x", ContactName: "C", AdminEmail: "a@example.com", BaseURL: "http://x"}}, 1, nil
}
func (o *oneItem) MarkSent(ctx context.Context, _ string, _ int, _ string, _ time.Time) error {
	o.recorded, o.recordErr = "sent", ctx.Err()
	return ctx.Err()
}
func (o *oneItem) MarkRetry(ctx context.Context, _ string, _ int, _ time.Time, _ string) error {
	o.recorded, o.recordErr = "retry", ctx.Err()
	return ctx.Err()
}
func (o *oneItem) MarkDead(ctx context.Context, _ string, _ int, _ string, _ time.Time) error {
	o.recorded, o.recordErr = "dead", ctx.Err()
	return ctx.Err()
}

// slowSender sends when released, and reports whether its context ended
// before that.
type slowSender struct {
	started, release chan struct{}
	cutShort         bool
}

func (s *slowSender) Send(ctx context.Context, _ Mail) (string, error) {
	close(s.started)
	<-s.release
	if ctx.Err() != nil {
		s.cutShort = true
		return "", ctx.Err()
	}
	return "ses-1", nil
}

// The caller giving up mid-send (an invocation's deadline, a poller
// stopping) neither cuts the send short — the provider may still make it —
// nor keeps its outcome from being recorded.
func TestDeliverOutlivesItsCaller(t *testing.T) {
	store := &oneItem{}
	sender := &slowSender{started: make(chan struct{}), release: make(chan struct{})}
	n := &Notifier{Store: store, Sender: sender}
	ctx, cancel := context.WithCancel(context.Background())
	type result struct {
		out Outcome
		err error
	}
	res := make(chan result)
	go func() {
		out, err := n.Deliver(ctx, "out_1", time.Now())
		res <- result{out, err}
	}()
	<-sender.started
	cancel()
	close(sender.release)
	got := <-res
	if got.out != OutcomeSent || got.err != nil {
		t.Fatalf("got %s, %v; want sent", got.out, got.err)
	}
	if sender.cutShort {
		t.Error("the send was cut short when its caller gave up")
	}
	if store.recorded != "sent" || store.recordErr != nil {
		t.Errorf("recorded %q on a context that had %v; want sent on a live one", store.recorded, store.recordErr)
	}
}

// An attempt starts only with its whole budget ahead: with less left,
// nothing is claimed and the caller hears ErrNoTime.
func TestDeliverNeedsItsBudget(t *testing.T) {
	for _, tc := range []struct {
		left  time.Duration
		claim bool
	}{
		{Budget - time.Second, false},
		{Budget + 5*time.Second, true},
	} {
		store := &oneItem{}
		sender := &slowSender{started: make(chan struct{}), release: make(chan struct{})}
		close(sender.release)
		n := &Notifier{Store: store, Sender: sender}
		ctx, cancel := context.WithTimeout(context.Background(), tc.left)
		_, err := n.Deliver(ctx, "out_1", time.Now())
		cancel()
		if claimed := store.claims > 0; claimed != tc.claim {
			t.Errorf("%s left: claimed %v, want %v", tc.left, claimed, tc.claim)
		}
		if noTime := errors.Is(err, ErrNoTime); noTime == tc.claim {
			t.Errorf("%s left: err %v", tc.left, err)
		}
	}
}

// addressedItem is an outbox of one claimable mail with the given
// recipients.
type addressedItem struct {
	oneItem
	to, cc, replyTo []string
}

func (o *addressedItem) ClaimOutbox(ctx context.Context, id string, now time.Time, lease time.Duration) (notify.Message, int, error) {
	msg, attempt, err := o.oneItem.ClaimOutbox(ctx, id, now, lease)
	msg.To, msg.Cc, msg.ReplyTo = o.to, o.cc, o.replyTo
	return msg, attempt, err
}

// keptSender keeps the mail it was given.
type keptSender struct{ mail *Mail }

func (s *keptSender) Send(_ context.Context, m Mail) (string, error) {
	s.mail = &m
	return "ses-1", nil
}

// A blank address never reaches SES (which refuses the whole mail for
// one): it is left out; a mail left with nobody to read it is a dead
// letter, and one left with only copies goes to its first copy's
// addressee.
func TestDeliverLeavesOutBlankAddresses(t *testing.T) {
	for _, tc := range []struct {
		name            string
		to, cc, replyTo []string
		outcome         Outcome
		wantTo, wantCc  []string
		wantReplyTo     []string
	}{
		{"an empty first recipient", []string{"", "pat@p.example"}, nil, nil, OutcomeSent, []string{"pat@p.example"}, nil, nil},
		{"blank among several", []string{"a@p.example", "  ", "b@p.example"}, []string{""}, []string{"", "r@h.example"}, OutcomeSent,
			[]string{"a@p.example", "b@p.example"}, nil, []string{"r@h.example"}},
		{"only copies left", []string{""}, []string{"c@p.example", "d@p.example"}, nil, OutcomeSent, []string{"c@p.example"}, []string{"d@p.example"}, nil},
		{"nobody left", []string{"", " "}, nil, nil, OutcomeDead, nil, nil, nil},
		{"no blank", []string{"a@p.example"}, []string{"c@p.example"}, []string{"r@h.example"}, OutcomeSent,
			[]string{"a@p.example"}, []string{"c@p.example"}, []string{"r@h.example"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &addressedItem{to: tc.to, cc: tc.cc, replyTo: tc.replyTo}
			sender := &keptSender{}
			n := &Notifier{Store: store, Sender: sender}
			out, err := n.Deliver(context.Background(), "out_1", time.Now())
			if err != nil || out != tc.outcome {
				t.Fatalf("got %s, %v; want %s", out, err, tc.outcome)
			}
			if tc.outcome == OutcomeDead {
				if sender.mail != nil || store.recorded != "dead" {
					t.Errorf("sent %v, recorded %q; want nothing sent, dead", sender.mail, store.recorded)
				}
				return
			}
			if sender.mail == nil {
				t.Fatal("nothing sent")
			}
			if !slices.Equal(sender.mail.To, tc.wantTo) || !slices.Equal(sender.mail.Cc, tc.wantCc) || !slices.Equal(sender.mail.ReplyTo, tc.wantReplyTo) {
				t.Errorf("got to %q cc %q reply-to %q; want %q %q %q", sender.mail.To, sender.mail.Cc, sender.mail.ReplyTo, tc.wantTo, tc.wantCc, tc.wantReplyTo)
			}
		})
	}
}
