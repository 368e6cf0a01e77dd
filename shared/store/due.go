package store

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/due"
	"github.com/tandemhq/tandem/shared/table"
)

// dueAt reads sweep's sparse due index: every entry due at or before now,
// oldest first, at most limit in all. more reports that entries were left.
// It reads only what is due: the cost does not grow with the table.
func (s *Store) dueAt(ctx context.Context, sweep string, now time.Time, limit int) (entries []due.Item, more bool, err error) {
	return s.sparseAt(ctx, sparse{index: table.Due, pkAttr: table.DuePK, skAttr: table.DueSK, shards: dueShards(sweep),
		pk: func(shard int) string { return duePK(sweep, shard) }}, now, limit)
}

// DueOutbox returns outbox items due for a retry or never delivered.
func (s *Store) DueOutbox(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(ctx, sweepOutbox, now, limit)
}

// DueCases returns cases whose next escalation is due at now.
func (s *Store) DueCases(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(ctx, sweepCase, now, limit)
}

// DueRenewals returns enrollments with a renewal step due at now.
func (s *Store) DueRenewals(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(ctx, sweepRenewal, now, limit)
}

// DueBilling returns host-paid programs with a billing year due at now.
func (s *Store) DueBilling(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(ctx, sweepBilling, now, limit)
}

// DueIdle returns cases whose housekeeping (warning or close) is due at now.
func (s *Store) DueIdle(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(ctx, sweepIdle, now, limit)
}

// DueAddenda returns programs whose partners are still to be asked to
// accept a new addendum version.
func (s *Store) DueAddenda(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(ctx, sweepAddendum, now, limit)
}

// DueMergers returns the members whose merger is still running.
func (s *Store) DueMergers(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(ctx, sweepMerge, now, limit)
}
