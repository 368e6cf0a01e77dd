package memstore

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/notify"
)

// ListDeadLetters returns dead-lettered messages, newest first.
func (s *Store) ListDeadLetters(ctx context.Context, limit int, cursor string) ([]notify.DeadLetter, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := s.queryPage(pageQuery{op: "list dead letters", index: idxGSI1, pk: deadLetterPK, limit: limit, cursor: cursor, newestFirst: true})
	if err != nil {
		return nil, "", err
	}
	out := make([]notify.DeadLetter, 0, len(items))
	for _, it := range items {
		r := it.v.(outboxRec)
		out = append(out, notify.DeadLetter{ID: r.Msg.ID, Channel: r.Msg.Channel, Template: r.Template, To: list(r.Msg.To), Ref: r.Msg.Ref,
			Reason: r.LastError, Attempts: r.Attempts, DeadAt: parseISO(r.DeadAt)})
	}
	return out, next, nil
}

// ResendDeadLetter sends dead letter id again as a new outbox message and
// takes it off the dead-letter list, in one transaction: a second resend is
// a conflict, not a second mail. It returns the new message's id.
func (s *Store) ResendDeadLetter(ctx context.Context, id, newID string, now time.Time) (string, error) {
	m, state, _, err := s.GetOutbox(ctx, id)
	if err != nil {
		return "", err
	}
	if state != notify.Dead {
		return "", apperr.Conflict("message %s is %s, not a dead letter; it was resent already or is still being delivered", id, state)
	}
	if m.Data == nil && m.Hook == nil {
		return "", apperr.Conflict("message %s cannot be sent again: its content no longer fits its template", id)
	}
	again := m.Again(newID, now)
	err = s.transact("resend dead letter",
		update(outboxPK(id), metaSK, func(cur *item) bool {
			r, ok := valOf[outboxRec](cur)
			return ok && r.State == notify.Dead
		}, func(cur *item) *item {
			r := cur.v.(outboxRec)
			r.State, r.ResentAs, r.ResentAt = notify.Resent, newID, iso(now)
			cur.GSI1PK, cur.GSI1SK = "", ""
			cur.v = r
			return cur
		}, apperr.Conflict("message %s was resent already", id)),
		putNew(toOutboxItem(again), apperr.Conflict("outbox item %s already exists", newID)),
	)
	if err != nil {
		return "", err
	}
	return newID, nil
}
