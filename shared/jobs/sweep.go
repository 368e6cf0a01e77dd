package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tandemhq/tandem/shared/due"
)

// DueFunc reads a sweep's due index at now.
type DueFunc func(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error)

// sweepBatch is how many due items one read takes.
const sweepBatch = 500

// sweepParallel bounds concurrent items within a run.
const sweepParallel = 8

// sweep works through everything due at now, a batch at a time, until
// nothing new is due or the invocation runs short of time (then remaining
// is true and the next run carries on: nothing leaves the due index until
// it is done). each is called once per item per run.
func sweep(ctx context.Context, now time.Time, due DueFunc, each func(ctx context.Context, id string) error, log *slog.Logger) (found, failed int, remaining bool, err error) {
	seen := map[string]bool{}
	for {
		if outOfTime(ctx) {
			return found, failed, true, nil
		}
		entries, more, err := due(ctx, now, sweepBatch)
		if err != nil {
			return found, failed, true, err
		}
		var fresh []string
		for _, e := range entries {
			if !seen[e.ID] {
				seen[e.ID] = true
				fresh = append(fresh, e.ID)
			}
		}
		if len(fresh) == 0 {
			// What is still listed failed (or lost a race) this run; it
			// stays due for the next.
			return found, failed, len(entries) > 0, nil
		}
		found += len(fresh)
		var mu sync.Mutex
		var wg sync.WaitGroup
		sem := make(chan struct{}, sweepParallel)
		for _, id := range fresh {
			if outOfTime(ctx) {
				remaining = true
				break
			}
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				if err := each(ctx, id); err != nil {
					log.Error("sweep item failed; it stays due", "id", id, "err", err)
					mu.Lock()
					failed++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if remaining {
			return found, failed, true, nil
		}
		if !more {
			return found, failed, false, nil
		}
	}
}

func logger(l *slog.Logger) *slog.Logger {
	if l != nil {
		return l
	}
	return slog.Default()
}
