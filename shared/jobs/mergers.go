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
	b, err := batches(ctx, now, j.Due, j.Mergers.Continue, j.Log)
	return MergersSummary{Running: b.found, Moved: b.work, Finished: b.finished, Failed: b.failed}, err
}

// batchRun is what a run of batches did: items found due, work done
// (partners asked, objects moved), items finished, items failed.
type batchRun struct{ found, work, finished, failed int }

// batches runs one batch of each item due at now: next does an item's
// batch and says how much work it did and whether the item is finished.
// Items stay due until finished, so a run cut short is taken up again.
func batches(ctx context.Context, now time.Time, due DueFunc, next func(context.Context, string, time.Time) (int, bool, error), log *slog.Logger) (batchRun, error) {
	var b batchRun
	var mu sync.Mutex
	found, failed, _, err := sweep(ctx, now, due, func(ctx context.Context, id string) error {
		n, done, err := next(ctx, id, now)
		mu.Lock()
		defer mu.Unlock()
		b.work += n
		if done && err == nil {
			b.finished++
		}
		return err
	}, logger(log))
	b.found, b.failed = found, failed
	return b, err
}
