package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// MergeContinuer goes on with a member's merger into another, a batch at
// a time; done once it finished.
type MergeContinuer interface {
	Continue(ctx context.Context, from string, now time.Time) (moved int, done bool, err error)
}

// Mergers finishes members' mergers that a request left running (its
// batch used up, or a failure half-way): each waits in the merge sweep
// until it is done, and every move is conditional, so a run repeated or
// cut short moves nothing twice.
type Mergers struct {
	Due     DueFunc
	Mergers MergeContinuer
	Log     *slog.Logger
}

// MergersSummary is what a run did.
type MergersSummary struct {
	Running  int `json:"running"`
	Moved    int `json:"moved"`
	Finished int `json:"finished"`
	Failed   int `json:"failed"`
}

// Run goes on with every merger still running at now.
func (j *Mergers) Run(ctx context.Context, now time.Time) (MergersSummary, error) {
	var sum MergersSummary
	var mu sync.Mutex
	found, failed, _, err := sweep(ctx, now, j.Due, func(ctx context.Context, id string) error {
		n, done, err := j.Mergers.Continue(ctx, id, now)
		mu.Lock()
		defer mu.Unlock()
		sum.Moved += n
		if done && err == nil {
			sum.Finished++
		}
		return err
	}, logger(j.Log))
	sum.Running, sum.Failed = found, failed
	return sum, err
}
