package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/notify"
)

// Enqueue writes messages on their own, for callers with no other write.
func (s *Store) Enqueue(ctx context.Context, msgs ...notify.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	return s.transact(ctx, "enqueue", s.outboxWrites(msgs)...)
}
