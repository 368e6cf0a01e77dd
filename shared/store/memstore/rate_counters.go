package memstore

import (
	"context"
	"time"
)

// rateRec is one rate-limit window's count.
type rateRec struct{ Hits int }

// CountInWindow counts one event in key's current fixed window (the one
// that holds now) and returns the count so far and when the window ends.
func (s *Store) CountInWindow(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error) {
	start := now.Truncate(window)
	end := start.Add(window)
	n := 0
	err := s.transact("count rate "+key, update(rateKey(key, start), metaSK, nil, func(cur *item) *item {
		r, _ := valOf[rateRec](cur)
		r.Hits++
		n = r.Hits
		return &item{v: r}
	}, nil))
	if err != nil {
		return 0, end, err
	}
	return n, end, nil
}
