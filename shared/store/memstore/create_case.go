package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/notify"
)

// CreateCase implements collab.Store: the case (with its due-index entry),
// its first event, its SLA report record, the idempotency commit and the
// outbox, in one transaction.
func (s *Store) CreateCase(ctx context.Context, c collab.Case, ev collab.Event, msgs []notify.Message, claim idem.Claim) error {
	ws := []write{
		putNew(caseItem(c), apperr.Conflict("case %s already exists", c.ID)),
		caseEventWrite(c.ID, c.Version, ev),
		idleMarker(c),
	}
	if c.Ref != "" {
		ws = append(ws, putNew(&item{PK: refPK(c.Ref), SK: metaSK, v: c.ID}, collab.RefTaken(c.Ref)))
	}
	if r, ok := slaRecordOf(c); ok {
		ws = append(ws, slaRecordWrite(r))
	}
	ws = append(ws, queueWrites(nil, c)...)
	ws = append(ws, outboxWrites(msgs)...)
	ws = append(ws, commitClaim(claim, c.ID)...)
	return s.transact("create case", ws...)
}
