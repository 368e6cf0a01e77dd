package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/table"
)

// ListDeadLetters returns dead-lettered messages, newest first.
func (s *Store) ListDeadLetters(ctx context.Context, limit int, cursor string) ([]notify.DeadLetter, string, error) {
	items, next, err := s.queryPage(ctx, pageQuery{
		op: "list dead letters", index: table.GSI1, pkAttr: table.GSI1PK, pk: deadLetterPK,
		skAttr: table.GSI1SK, limit: limit, cursor: cursor, newestFirst: true,
	})
	if err != nil {
		return nil, "", err
	}
	out, err := convert(items, func(it outboxItem) (notify.DeadLetter, error) {
		return notify.DeadLetter{
			ID: it.ID, Channel: notify.Channel(it.Channel), Template: it.Template, To: it.To, Ref: it.Ref,
			Reason: it.LastError, Attempts: it.Attempts, DeadAt: parseISO(it.DeadAt),
		}, nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}
