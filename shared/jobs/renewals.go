package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/shared/enrollment"
)

// Renewer does one enrollment's renewal steps due at now.
type Renewer interface {
	Renew(ctx context.Context, id string, now time.Time) ([]enrollment.RenewalStep, error)
}

// Renewals is the daily renewal run of member-paid enrollments.
type Renewals struct {
	Due         DueFunc
	Enrollments Renewer
	Log         *slog.Logger
}

// RenewalsSummary is what a run did.
type RenewalsSummary struct {
	At         string `json:"at"`
	Found      int    `json:"found"`
	HeadsUps   int    `json:"headsUps"`
	Invoices   int    `json:"invoices"`
	Lapsed     int    `json:"lapsed"`
	Warned     int    `json:"hostsWarned"`
	Terminated int    `json:"terminated"`
	Skipped    int    `json:"skipped"`
	Failed     int    `json:"failed"`
	Remaining  bool   `json:"remaining"`
}

// StepRenewals is the renewals run's one step: each enrollment's renewal
// steps due (heads-up, invoice, lapse, warning, termination).
const StepRenewals = "renewals"

// Steps names the run's steps (routes.Schedules' renewals row).
func (j *Renewals) Steps() []string { return []string{StepRenewals} }

// Handle is the Lambda entry point: now is the event's time.
func (j *Renewals) Handle(ctx context.Context, ev events.EventBridgeEvent) (RenewalsSummary, error) {
	return j.Run(ctx, eventTime(ev))
}

// Run does every renewal step due at now.
func (j *Renewals) Run(ctx context.Context, now time.Time) (RenewalsSummary, error) {
	sum := RenewalsSummary{At: now.UTC().Format(time.RFC3339)}
	var mu sync.Mutex
	found, failed, remaining, err := sweep(ctx, now, j.Due, func(ctx context.Context, id string) error {
		steps, err := j.Enrollments.Renew(ctx, id, now)
		mu.Lock()
		defer mu.Unlock()
		for _, s := range steps {
			switch s {
			case enrollment.RenewalHeadsUp:
				sum.HeadsUps++
			case enrollment.RenewalInvoiced:
				sum.Invoices++
			case enrollment.RenewalLapsed:
				sum.Lapsed++
			case enrollment.RenewalWarned:
				sum.Warned++
			case enrollment.RenewalTerminated:
				sum.Terminated++
			}
		}
		if err == nil && len(steps) == 0 {
			sum.Skipped++
		}
		return err
	}, logger(j.Log))
	sum.Found, sum.Failed, sum.Remaining = found, failed, remaining
	logger(j.Log).Info("renewals run", "summary", sum)
	return sum, err
}
