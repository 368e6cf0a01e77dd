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

// Escalation is the every-5-minutes run. Its steps, in order: the SLA
// sweep (reminders and escalations of cases whose answer is due), asking
// partners to accept a program's new addendum (Addenda, when set), and
// going on with members' mergers left running (Mergers, when set). The
// escalation schedule's row in routes.Schedules names the same steps.
type Escalation struct {
	Due     DueFunc
	Cases   Escalator
	Addenda *Addenda
	Mergers *Mergers
	Log     *slog.Logger
}

// The escalation run's steps.
const (
	StepSLA     = "sla"
	StepAddenda = "addenda"
	StepMergers = "mergers"
)

// escalationStep is one step of the run: it adds its part to the summary.
type escalationStep struct {
	name string
	run  func(ctx context.Context, now time.Time, sum *EscalationSummary) error
}

// steps are the run's steps in the order Run does them.
func (j *Escalation) steps() []escalationStep {
	steps := []escalationStep{{StepSLA, j.sla}}
	if j.Addenda != nil {
		steps = append(steps, escalationStep{StepAddenda, func(ctx context.Context, now time.Time, sum *EscalationSummary) error {
			a, err := j.Addenda.Run(ctx, now)
			sum.Addenda = &a
			return err
		}})
	}
	if j.Mergers != nil {
		steps = append(steps, escalationStep{StepMergers, func(ctx context.Context, now time.Time, sum *EscalationSummary) error {
			m, err := j.Mergers.Run(ctx, now)
			sum.Mergers = &m
			return err
		}})
	}
	return steps
}

// Steps names the run's steps in the order it does them.
func (j *Escalation) Steps() []string {
	var names []string
	for _, s := range j.steps() {
		names = append(names, s.name)
	}
	return names
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

// Run does the run's steps at now, in order; a step that fails ends the
// run (what it left stays due for the next).
func (j *Escalation) Run(ctx context.Context, now time.Time) (EscalationSummary, error) {
	sum := EscalationSummary{At: now.UTC().Format(time.RFC3339)}
	var err error
	for _, s := range j.steps() {
		if err = s.run(ctx, now, &sum); err != nil {
			break
		}
	}
	logger(j.Log).Info("escalation run", "summary", sum)
	return sum, err
}

// sla escalates every case due at now.
func (j *Escalation) sla(ctx context.Context, now time.Time, sum *EscalationSummary) error {
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
	return err
}
