package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/shared/billing"
)

// Biller bills one host-paid program's years due at now.
type Biller interface {
	Bill(ctx context.Context, id string, now time.Time) ([]billing.Invoice, error)
}

// Billing is the daily host billing run.
type Billing struct {
	Due      DueFunc
	Programs Biller
	Log      *slog.Logger
}

// BillingSummary is what a run did.
type BillingSummary struct {
	At         string `json:"at"`
	Found      int    `json:"found"`
	Invoices   int    `json:"invoices"`
	TotalCents int64  `json:"totalCents"`
	Skipped    int    `json:"skipped"`
	Failed     int    `json:"failed"`
	Remaining  bool   `json:"remaining"`
}

// StepHostInvoices is the billing run's one step: host-paid programs'
// years due.
const StepHostInvoices = "host-invoices"

// Steps names the run's steps (routes.Schedules' billing row).
func (j *Billing) Steps() []string { return []string{StepHostInvoices} }

// Handle is the Lambda entry point: now is the event's time.
func (j *Billing) Handle(ctx context.Context, ev events.EventBridgeEvent) (BillingSummary, error) {
	return j.Run(ctx, eventTime(ev))
}

// Run bills every program year due at now.
func (j *Billing) Run(ctx context.Context, now time.Time) (BillingSummary, error) {
	sum := BillingSummary{At: now.UTC().Format(time.RFC3339)}
	var mu sync.Mutex
	found, failed, remaining, err := sweep(ctx, now, j.Due, func(ctx context.Context, id string) error {
		invs, err := j.Programs.Bill(ctx, id, now)
		mu.Lock()
		defer mu.Unlock()
		for _, inv := range invs {
			sum.Invoices++
			sum.TotalCents += inv.TotalCents
		}
		if err == nil && len(invs) == 0 {
			sum.Skipped++
		}
		return err
	}, logger(j.Log))
	sum.Found, sum.Failed, sum.Remaining = found, failed, remaining
	logger(j.Log).Info("billing run", "summary", sum)
	return sum, err
}
