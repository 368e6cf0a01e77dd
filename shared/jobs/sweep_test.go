package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/due"
)

// fakeDue is a due index in memory: items leave it when handled, a failed
// one stays; reads return at most limit, oldest first.
type fakeDue struct {
	mu    sync.Mutex
	items []due.Item
	reads int
}

func (f *fakeDue) due(_ context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	var out []due.Item
	for _, it := range f.items {
		if !it.At.After(now) {
			out = append(out, it)
		}
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

func (f *fakeDue) done(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, it := range f.items {
		if it.ID == id {
			f.items = append(f.items[:i], f.items[i+1:]...)
			return
		}
	}
}

// The sweep handles exactly what is due at now, each item once per run,
// across batches; a failing item is counted and stays due for the next run.
func TestSweepSelectsWhatIsDue(t *testing.T) {
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	f := &fakeDue{}
	for i := 0; i < 1200; i++ { // 1,000 due, 200 not yet
		f.items = append(f.items, due.Item{ID: fmt.Sprintf("c%04d", i), At: now.Add(time.Duration(i-999) * time.Second)})
	}
	var mu sync.Mutex
	handled := map[string]int{}
	found, failed, _, err := sweep(context.Background(), now, f.due, func(_ context.Context, id string) error {
		mu.Lock()
		handled[id]++
		mu.Unlock()
		if id == "c0007" {
			return errors.New("table busy")
		}
		f.done(id)
		return nil
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil || found != 1000 || failed != 1 {
		t.Fatalf("found %d failed %d (%v), want 1000 and 1", found, failed, err)
	}
	for id, n := range handled {
		if n != 1 {
			t.Errorf("%s handled %d times in one run", id, n)
		}
	}
	if _, ok := handled["c1000"]; ok || len(handled) != 1000 {
		t.Errorf("handled %d items (c1000 not due yet: %v)", len(handled), ok)
	}
	// The next run finds only the one that failed.
	handled = map[string]int{}
	found, failed, remaining, _ := sweep(context.Background(), now, f.due, func(_ context.Context, id string) error {
		handled[id]++
		f.done(id)
		return nil
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if found != 1 || failed != 0 || remaining || handled["c0007"] != 1 {
		t.Errorf("next run: found %d failed %d remaining %v handled %v", found, failed, remaining, handled)
	}
}
