package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/webhook"
)

// RecordDelivery implements webhook.Store: the attempt under its member,
// sorted by time (its error cut to 500 bytes).
func (s *Store) RecordDelivery(ctx context.Context, d webhook.Delivery) error {
	rec := d
	rec.At, rec.Error, rec.MemberID = ts(d.At), truncate(d.Error, 500), ""
	return s.transact("record delivery", putNew(&item{PK: memberPK(d.MemberID), SK: deliverySK(d.At, d.MessageID, d.Attempt), v: rec},
		apperr.Conflict("delivery %s already recorded", d.ID)))
}

// ListDeliveries pages through a member's delivery attempts, newest first.
func (s *Store) ListDeliveries(ctx context.Context, memberID string, limit int, cursor string) ([]webhook.Delivery, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := s.queryPage(pageQuery{op: "list deliveries", pk: memberPK(memberID), skPrefix: deliveryPrefix, limit: limit, cursor: cursor, newestFirst: true})
	if err != nil {
		return nil, "", err
	}
	out := make([]webhook.Delivery, 0, len(items))
	for _, it := range items {
		d := it.v.(webhook.Delivery)
		d.MemberID = memberID
		out = append(out, d)
	}
	return out, next, nil
}
