package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Escalator raises one case's escalation levels due at now.
type Escalator interface {
	Escalate(ctx context.Context, id string, now time.Time) ([]int, error)
}

// Escalation is the every-5-minutes SLA sweep; the same run asks partners
// to accept a program's new addendum (Addenda, when set) and goes on with
// members' mergers left running (Mergers, when set).
type Escalation struct {
	Due     DueFunc
	Cases   Escalator
	Addenda *Addenda
	Mergers *Mergers
	Log     *slog.Logger
}

// EscalationSummary is what a run did.
type EscalationSummary struct {
	At        string `json:"at"`
	Found     int    `json:"found"`
	Reminders int    `json:"reminders"`
	Level1    int    `json:"escalatedLevel1"`
	Level2    int    `json:"escalatedLevel2"`
	Skipped   int    `json:"skipped"`
	Failed    int    `json:"failed"`
	Remaining bool   `json:"remaining"`
	// Addenda is the addendum step's part of the run.
	Addenda *AddendaSummary `json:"addenda,omitempty"`
	// Mergers is the merger step's part of the run.
	Mergers *MergersSummary `json:"mergers,omitempty"`
}

// Handle is the Lambda entry point: now is the event's time.
func (j *Escalation) Handle(ctx context.Context, ev events.EventBridgeEvent) (EscalationSummary, error) {
	return j.Run(ctx, eventTime(ev))
}

// Run escalates every case due at now.
func (j *Escalation) Run(ctx context.Context, now time.Time) (EscalationSummary, error) {
	sum := EscalationSummary{At: now.UTC().Format(time.RFC3339)}
	var mu sync.Mutex
	found, failed, remaining, err := sweep(ctx, now, j.Due, func(ctx context.Context, id string) error {
		levels, err := j.Cases.Escalate(ctx, id, now)
		mu.Lock()
		defer mu.Unlock()
		for _, l := range levels {
			switch l {
			case 0:
				sum.Reminders++
			case 1:
				sum.Level1++
			default:
				sum.Level2++
			}
		}
		if err == nil && len(levels) == 0 {
			sum.Skipped++
		}
		return err
	}, logger(j.Log))
	sum.Found, sum.Failed, sum.Remaining = found, failed, remaining
	if j.Addenda != nil && err == nil {
		var a AddendaSummary
		a, err = j.Addenda.Run(ctx, now)
		sum.Addenda = &a
	}
	if j.Mergers != nil && err == nil {
		var m MergersSummary
		m, err = j.Mergers.Run(ctx, now)
		sum.Mergers = &m
	}
	logger(j.Log).Info("escalation run", "summary", sum)
	return sum, err
}
