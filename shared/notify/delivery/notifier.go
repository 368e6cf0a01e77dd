// Package delivery renders and sends the outbox: the notifier claims each
// message, renders mail from its template and typed data, sends it (or
// posts a webhook), and records the outcome. Only the notifier uses it; the
// domain builds notify.Messages and never reaches the templates.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/notify"
)

// OutboxStore is what the Notifier needs of the table.
type OutboxStore interface {
	// ClaimOutbox leases a pending (or abandoned) item for one attempt and
	// returns it with the attempt number; notify.ErrNotClaimable if it is sent,
	// dead, or leased by someone else.
	ClaimOutbox(ctx context.Context, id string, now time.Time, lease time.Duration) (notify.Message, int, error)
	// MarkSent records success; conditional on still holding the lease.
	MarkSent(ctx context.Context, id string, attempt int, providerID string, now time.Time) error
	// MarkRetry returns the item to pending, due again at next.
	MarkRetry(ctx context.Context, id string, attempt int, next time.Time, reason string) error
	// MarkDead moves the item to the dead letters.
	MarkDead(ctx context.Context, id string, attempt int, reason string, now time.Time) error
}

// Sender sends a rendered mail and returns the provider's message id. Errors
// wrapping notify.ErrPermanent are not retried.
type Sender interface {
	Send(ctx context.Context, m Mail) (string, error)
}

// Poster makes one webhook delivery attempt (see package webhook). Errors
// wrapping notify.ErrPermanent are not retried.
type Poster interface {
	Post(ctx context.Context, msgID string, attempt int, call notify.HookCall, now time.Time) error
}

// DeadHook is told when a webhook message is dead-lettered, so the endpoint
// can be turned off and its owners told.
type DeadHook interface {
	WebhookDead(ctx context.Context, msg notify.Message, reason string, now time.Time) error
}

// Suppressions says which addresses Tandem no longer mails: they bounced
// for good or reported Tandem's mail as spam (see package suppression).
type Suppressions interface {
	// Suppressed returns those of addrs (as given) that are suppressed.
	Suppressed(ctx context.Context, addrs []string) (map[string]bool, error)
}

// Outcome of one delivery attempt.
type Outcome string

// Outcomes.
const (
	OutcomeSent    Outcome = "sent"
	OutcomeSkipped Outcome = "skipped" // already sent, dead, or in another worker's hands
	OutcomeRetry   Outcome = "retry"
	OutcomeDead    Outcome = "dead"
)

// Retry policy.
const (
	// Lease is how long one attempt may take before another worker may retry.
	Lease = 2 * time.Minute
	// SendTimeout is how long one attempt waits for the provider. A send
	// given up on may still be made by a provider that hung (it kept the
	// request) and the retry then sends it twice, so the wait is long: a
	// hung SES is waited out for this long. SES answers in well under a
	// second when it answers at all.
	SendTimeout = 45 * time.Second
	// RecordTimeout is what recording an attempt's outcome may take after
	// the send, on a context of its own.
	RecordTimeout = 20 * time.Second
	// GiveUpAfter is how long a message is retried before it is dead-lettered.
	GiveUpAfter = 24 * time.Hour
)

// An attempt — its send and the record of its outcome — fits in its lease:
// another worker may take the item over only after the first stopped
// trying. (A compile error here means the budget outgrew the lease.)
const _ = uint64(Lease - SendTimeout - RecordTimeout)

// Budget is the time an attempt needs ahead of it: Deliver starts one only
// when the caller's deadline leaves this much.
const Budget = SendTimeout + RecordTimeout

// ErrNoTime is Deliver's answer when the caller's deadline leaves less than
// Budget: the item was not claimed and is left for a later invocation (the
// stream's redelivery, or the sweep). Cutting a send short is what makes
// a hung provider send twice.
var ErrNoTime = errors.New("too little time left for a delivery attempt")

// Notifier delivers outbox items.
type Notifier struct {
	Store  OutboxStore
	Sender Sender
	Poster Poster
	// Suppressions are left out of every mail; nil leaves nobody out.
	Suppressions Suppressions
	Log          *slog.Logger
}

// Deliver makes one attempt at outbox item id at instant now. A failed send
// is recorded as a retry with backoff, due in the sweep index, and is not an
// error. Deliver returns an error only when it could not record the outcome
// (the table failed): the caller then reports a batch failure so the stream
// redelivers, and the sweep finds the item after its lease in any case.
//
// The attempt is one budget: a send of at most SendTimeout, not cut short
// by the caller (it may still reach the provider), then its record on a
// context of its own, all inside the lease. Without Budget left before the
// caller's deadline nothing is claimed and ErrNoTime is returned.
func (n *Notifier) Deliver(ctx context.Context, id string, now time.Time) (Outcome, error) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < Budget {
		return OutcomeSkipped, fmt.Errorf("deliver %s: %w", id, ErrNoTime)
	}
	msg, attempt, err := n.Store.ClaimOutbox(ctx, id, now, Lease)
	if errors.Is(err, notify.ErrNotClaimable) {
		return OutcomeSkipped, nil
	}
	if err != nil {
		return OutcomeRetry, fmt.Errorf("claim %s: %w", id, err)
	}
	log := n.logger().With("outbox", id, "channel", msg.Channel, "template", msg.Template(), "ref", msg.Ref, "attempt", attempt)

	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), SendTimeout)
	providerID, sendErr := n.send(sctx, msg, attempt, now)
	cancel()
	// The outcome is recorded whatever became of the caller's context: a
	// send that took long must not leave its item leased and unrecorded.
	ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), RecordTimeout)
	defer cancel()
	switch {
	case sendErr == nil:
		if err := n.markSent(ctx, id, attempt, providerID, now); err != nil {
			// Sent but not marked: the lease expires and the sweep would
			// send again. Surface it loudly; it needs the table to be down.
			log.Error("sent but could not mark sent", "err", err)
			return OutcomeSent, fmt.Errorf("mark %s sent: %w", id, err)
		}
		log.Info("outbox delivered", "provider_id", providerID)
		return OutcomeSent, nil
	case errors.Is(sendErr, notify.ErrPermanent) || now.Sub(msg.CreatedAt) >= GiveUpAfter:
		if err := n.Store.MarkDead(ctx, id, attempt, sendErr.Error(), now); err != nil {
			return OutcomeRetry, fmt.Errorf("dead-letter %s: %w", id, err)
		}
		log.Warn("outbox dead-lettered", "err", sendErr)
		if dh, ok := n.Poster.(DeadHook); ok && msg.Channel == notify.Webhook {
			if err := dh.WebhookDead(ctx, msg, sendErr.Error(), now); err != nil {
				log.Error("could not disable the dead webhook", "err", err)
			}
		}
		return OutcomeDead, nil
	default:
		next := now.Add(Backoff(attempt))
		if err := n.Store.MarkRetry(ctx, id, attempt, next, sendErr.Error()); err != nil {
			return OutcomeRetry, fmt.Errorf("schedule retry of %s: %w (after %v)", id, err, sendErr)
		}
		// The retry is recorded and due in the sweep index: the stream has
		// nothing more to do, and reporting a failure would only hold up
		// the shard's other notifications behind this one.
		log.Warn("outbox delivery failed, will retry", "err", sendErr, "next", next)
		return OutcomeRetry, nil
	}
}

func (n *Notifier) send(ctx context.Context, msg notify.Message, attempt int, now time.Time) (string, error) {
	switch msg.Channel {
	case notify.Email:
		msg, err := n.addressed(msg)
		if err != nil {
			return "", err
		}
		msg, err = n.unsuppressed(ctx, msg)
		if err != nil {
			return "", err
		}
		mail, err := Render(msg)
		if err != nil {
			return "", err
		}
		return n.Sender.Send(ctx, mail)
	case notify.Webhook:
		if n.Poster == nil || msg.Hook == nil {
			return "", fmt.Errorf("no webhook poster configured: %w", notify.ErrPermanent)
		}
		return "", n.Poster.Post(ctx, msg.ID, attempt, *msg.Hook, now)
	default:
		return "", fmt.Errorf("unknown channel %q: %w", msg.Channel, notify.ErrPermanent)
	}
}

// addressed is msg without blank addresses: a blank recipient is a
// mistake upstream (a contact left empty) that SES would refuse the whole
// mail for, so it is left out and logged. A mail left with nobody to read
// it is a permanent failure; one left with only copies goes to its first
// copy's addressee.
func (n *Notifier) addressed(msg notify.Message) (notify.Message, error) {
	blanks := 0
	keep := func(addrs []string) []string {
		return slices.DeleteFunc(slices.Clone(addrs), func(a string) bool {
			if strings.TrimSpace(a) == "" {
				blanks++
				return true
			}
			return false
		})
	}
	msg.To, msg.Cc, msg.Bcc, msg.ReplyTo = keep(msg.To), keep(msg.Cc), keep(msg.Bcc), keep(msg.ReplyTo)
	if blanks == 0 {
		return msg, nil
	}
	if len(msg.To) == 0 && len(msg.Cc) == 0 {
		return msg, fmt.Errorf("not sent: the mail (%s, about %s) has no recipient address: %w", msg.Template(), msg.Ref, notify.ErrPermanent)
	}
	if len(msg.To) == 0 {
		msg.To, msg.Cc = msg.Cc[:1], msg.Cc[1:]
	}
	n.logger().Warn("blank recipient addresses left out", "outbox", msg.ID, "template", msg.Template(), "ref", msg.Ref, "blanks", blanks)
	return msg, nil
}

// unsuppressed is msg without its suppressed recipients. A mail left with
// nobody to read it is a permanent failure (a dead letter an operator can
// send again once the address is fixed); one left with only copies goes
// to its first copy's addressee.
func (n *Notifier) unsuppressed(ctx context.Context, msg notify.Message) (notify.Message, error) {
	if n.Suppressions == nil {
		return msg, nil
	}
	all := slices.Concat(msg.To, msg.Cc, msg.Bcc)
	gone, err := n.Suppressions.Suppressed(ctx, all)
	if err != nil {
		return msg, fmt.Errorf("read suppressed addresses: %w", err)
	}
	if len(gone) == 0 {
		return msg, nil
	}
	keep := func(addrs []string) []string {
		return slices.DeleteFunc(slices.Clone(addrs), func(a string) bool { return gone[a] })
	}
	msg.To, msg.Cc, msg.Bcc = keep(msg.To), keep(msg.Cc), keep(msg.Bcc)
	var left []string
	for a := range gone {
		left = append(left, a)
	}
	slices.Sort(left)
	if len(msg.To) == 0 && len(msg.Cc) == 0 {
		return msg, fmt.Errorf("not sent: mail to %s bounced or was reported as spam before, and Tandem no longer mails it: %w",
			strings.Join(left, ", "), notify.ErrPermanent)
	}
	if len(msg.To) == 0 {
		msg.To, msg.Cc = msg.Cc[:1], msg.Cc[1:]
	}
	n.logger().Info("suppressed recipients left out", "outbox", msg.ID, "left_out", left)
	return msg, nil
}

func (n *Notifier) logger() *slog.Logger {
	if n.Log != nil {
		return n.Log
	}
	return slog.Default()
}

// Backoff is the wait before attempt+1: exponential from 30 s, capped at one
// hour, with full jitter over its upper half so retries do not arrive in step.
func Backoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := 30 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	if d > time.Hour {
		d = time.Hour
	}
	return d/2 + rand.N(d/2+1)
}

// markSent records a delivery, trying harder than other writes: once the
// mail is out, failing to record it means sending it again after the lease.
// ctx is the record's own (RecordTimeout), which bounds the tries.
func (n *Notifier) markSent(ctx context.Context, id string, attempt int, providerID string, now time.Time) error {
	var err error
	for try := 0; try < 4; try++ {
		if try > 0 {
			select {
			case <-time.After(time.Duration(try*try) * 250 * time.Millisecond):
			case <-ctx.Done():
				return err
			}
		}
		err = n.Store.MarkSent(ctx, id, attempt, providerID, now)
		if err == nil || !retryable(err) {
			return err
		}
	}
	return err
}

// retryable reports whether a store error may go away on its own: a
// refused condition (the lease was lost to another worker) will not.
func retryable(err error) bool { return !errors.Is(err, apperr.ErrConflict) }
