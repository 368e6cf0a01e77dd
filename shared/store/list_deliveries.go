package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/table"
	"github.com/tandemhq/tandem/shared/webhook"
)

// ListDeliveries pages through a member's delivery attempts, newest first.
func (s *Store) ListDeliveries(ctx context.Context, memberID string, limit int, cursor string) ([]webhook.Delivery, string, error) {
	items, next, err := s.queryPage(ctx, pageQuery{
		op: "list deliveries", pkAttr: table.PK, pk: memberPK(memberID), skAttr: table.SK, skPrefix: deliveryPrefix,
		limit: limit, cursor: cursor, newestFirst: true,
	})
	if err != nil {
		return nil, "", err
	}
	out, err := convert(items, func(it deliveryItem) (webhook.Delivery, error) {
		return webhook.Delivery{
			ID: it.ID, MemberID: memberID, DepartmentID: it.DepartmentID, MessageID: it.MessageID, EventType: it.EventType,
			URL: it.URL, Attempt: it.Attempt, At: parseISO(it.At), Status: it.Status, OK: it.OK, Error: it.Error, DurationMS: it.DurationMS,
		}, nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}
