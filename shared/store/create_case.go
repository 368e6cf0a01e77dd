package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/notify"
)

// CreateCase implements collab.Store: the case (with its due-index entry),
// the claim on its reference, its queue and search entries,
// its first event, its SLA report record, the idempotency commit and the
// outbox, in one transaction.
func (s *Store) CreateCase(ctx context.Context, c collab.Case, ev collab.Event, msgs []notify.Message, claim idem.Claim) error {
	items := []txItem{
		s.putNew(marshal(toCaseItem(c)), apperr.Conflict("case %s already exists", c.ID)),
		s.caseEventWrite(c.ID, c.Version, ev),
		s.idleMarker(c),
	}
	if c.Ref != "" {
		items = append(items, s.putNew(marshal(toRefItem(c)), collab.RefTaken(c.Ref)))
	}
	if r, ok := slaRecordOf(c); ok {
		items = append(items, s.slaRecordWrite(r))
	}
	items = append(items, s.queueWrites(nil, c)...)
	items = append(items, s.outboxWrites(msgs)...)
	items = append(items, s.commitClaim(claim, c.ID)...)
	return s.transact(ctx, "create case", items...)
}
