package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/notify"
)

// ResendDeadLetter sends dead letter id again as a new outbox message
// (which the stream delivers at once) and takes it off the dead-letter
// list, in one transaction: a second resend is a conflict, not a second
// mail. It returns the new message's id.
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
	err = s.transact(ctx, "resend dead letter",
		s.update(outboxKey(id), "SET #s = :resent, resentAs = :new, resentAt = :now REMOVE GSI1PK, GSI1SK", "#s = :dead",
			map[string]string{"#s": "state"},
			map[string]types.AttributeValue{":resent": av(string(notify.Resent)), ":dead": av(string(notify.Dead)), ":new": av(newID), ":now": av(iso(now))},
			apperr.Conflict("message %s was resent already", id)),
		s.putNew(marshal(toOutboxItem(again)), apperr.Conflict("outbox item %s already exists", newID)),
	)
	if err != nil {
		return "", err
	}
	return newID, nil
}
