package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Housekeeper warns about, then closes, one case without activity.
type Housekeeper interface {
	Housekeep(ctx context.Context, id string, now time.Time) (string, error)
}

// Housekeeping is the daily sweep of cases nobody worked on: a warning to
// both sides 7 days before, the close after 30 days.
type Housekeeping struct {
	Due   DueFunc
	Cases Housekeeper
	Log   *slog.Logger
}

// HousekeepingSummary is what a run did.
type HousekeepingSummary struct {
	At        string `json:"at"`
	Found     int    `json:"found"`
	Warned    int    `json:"warned"`
	Closed    int    `json:"closed"`
	Skipped   int    `json:"skipped"`
	Failed    int    `json:"failed"`
	Remaining bool   `json:"remaining"`
}

// StepIdleCases is the housekeeping run's one step: cases without
// activity, warned then closed.
const StepIdleCases = "idle-cases"

// Steps names the run's steps (routes.Schedules' housekeeping row).
func (j *Housekeeping) Steps() []string { return []string{StepIdleCases} }

// Handle is the Lambda entry point: now is the event's time.
func (j *Housekeeping) Handle(ctx context.Context, ev events.EventBridgeEvent) (HousekeepingSummary, error) {
	return j.Run(ctx, eventTime(ev))
}

// Run warns and closes what is due at now.
func (j *Housekeeping) Run(ctx context.Context, now time.Time) (HousekeepingSummary, error) {
	sum := HousekeepingSummary{At: now.UTC().Format(time.RFC3339)}
	var mu sync.Mutex
	found, failed, remaining, err := sweep(ctx, now, j.Due, func(ctx context.Context, id string) error {
		did, err := j.Cases.Housekeep(ctx, id, now)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case did == "warned":
			sum.Warned++
		case did == "closed":
			sum.Closed++
		case err == nil:
			sum.Skipped++
		}
		return err
	}, logger(j.Log))
	sum.Found, sum.Failed, sum.Remaining = found, failed, remaining
	logger(j.Log).Info("housekeeping run", "summary", sum)
	return sum, err
}
