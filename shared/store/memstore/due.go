package memstore

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/due"
)

// dueAt reads sweep's sparse due index: every entry due at or before now,
// oldest first, at most limit in all. more reports that entries were left.
func (s *Store) dueAt(sweep string, now time.Time, limit int) ([]due.Item, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	entries, more := s.sparseAt(sparse{index: idxDue, shards: dueShards(sweep), pk: func(shard int) string { return duePK(sweep, shard) }}, now, limit)
	return entries, more, nil
}

// DueOutbox returns outbox items due for a retry or never delivered.
func (s *Store) DueOutbox(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(sweepOutbox, now, limit)
}

// DueCases returns cases whose next escalation is due at now.
func (s *Store) DueCases(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(sweepCase, now, limit)
}

// DueRenewals returns enrollments with a renewal step due at now.
func (s *Store) DueRenewals(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(sweepRenewal, now, limit)
}

// DueBilling returns host-paid programs with a billing year due at now.
func (s *Store) DueBilling(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(sweepBilling, now, limit)
}

// DueIdle returns cases whose housekeeping (warning or close) is due at now.
func (s *Store) DueIdle(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(sweepIdle, now, limit)
}

// DueAddenda returns programs whose partners are still to be asked to
// accept a new addendum version.
func (s *Store) DueAddenda(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(sweepAddendum, now, limit)
}

// DueMergers returns the members whose merger is still running.
func (s *Store) DueMergers(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(sweepMerge, now, limit)
}
