package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/shared/due"
	"github.com/tandemhq/tandem/shared/notify/delivery"
)

// DueOutbox finds outbox items due for delivery.
type DueOutbox interface {
	DueOutbox(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error)
}

// Redrive is the scheduled safety net of the outbox: it delivers every item
// the stream did not (a retry is due, a worker died mid-send, the stream
// gave up), so no notification is lost.
type Redrive struct {
	Due      DueOutbox
	Delivery Deliverer
	Log      *slog.Logger
	// Batch bounds the items one run takes on; the rest wait for the next.
	Batch int
}

// RedriveSummary is what a run did.
type RedriveSummary struct {
	Found     int  `json:"found"`
	Sent      int  `json:"sent"`
	Retrying  int  `json:"retrying"`
	Dead      int  `json:"dead"`
	Skipped   int  `json:"skipped"`
	Remaining bool `json:"remaining"`
}

// StepOutbox is the redrive run's one step: the outbox items due.
const StepOutbox = "outbox"

// Steps names the run's steps (routes.Schedules' redrive row).
func (r *Redrive) Steps() []string { return []string{StepOutbox} }

// Handle is the Lambda entry point: now is the event's time.
func (r *Redrive) Handle(ctx context.Context, ev events.EventBridgeEvent) (RedriveSummary, error) {
	return r.Run(ctx, eventTime(ev))
}

// Run delivers what is due at now.
func (r *Redrive) Run(ctx context.Context, now time.Time) (RedriveSummary, error) {
	batch := r.Batch
	if batch <= 0 {
		batch = 500
	}
	items, more, err := r.Due.DueOutbox(ctx, now, batch)
	if err != nil {
		return RedriveSummary{}, err
	}
	sum := RedriveSummary{Found: len(items), Remaining: more}
	for _, d := range items {
		out, err := r.Delivery.Deliver(ctx, d.ID, now)
		if errors.Is(err, delivery.ErrNoTime) {
			sum.Remaining = true // the next run goes on
			break
		}
		switch out {
		case delivery.OutcomeSent:
			sum.Sent++
		case delivery.OutcomeRetry:
			sum.Retrying++
		case delivery.OutcomeDead:
			sum.Dead++
		default:
			sum.Skipped++
		}
	}
	log := r.Log
	if log == nil {
		log = slog.Default()
	}
	log.Info("redrive run", "at", now, "found", sum.Found, "sent", sum.Sent, "retrying", sum.Retrying, "dead", sum.Dead, "remaining", sum.Remaining)
	return sum, nil
}

// eventTime is the scheduled instant; EventBridge always sets it.
func eventTime(ev events.EventBridgeEvent) time.Time {
	if ev.Time.IsZero() {
		return time.Now().UTC()
	}
	return ev.Time.UTC()
}

// outOfTime reports that less than 10 s of the invocation are left.
func outOfTime(ctx context.Context) bool {
	dl, ok := ctx.Deadline()
	return ok && time.Until(dl) < 10*time.Second
}
