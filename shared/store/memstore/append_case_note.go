package memstore

import (
	"context"
	"fmt"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/notify"
)

// AppendCaseNote implements collab.Store: the note's fields of the case
// (its status, its last activity, a version more; the idle warning
// cleared) are updated in place on the condition that the status is still
// the one the note was checked against — not the version, so notes written
// side by side all apply. The note takes its place in the timeline after
// the version it was read at. A status changed meanwhile is
// collab.ErrStale. Everything else of the stored case, its index entries
// included, stays as it was.
func (s *Store) AppendCaseNote(ctx context.Context, before, after collab.Case, ev collab.Event, msgs []notify.Message, claim idem.Claim) error {
	ws := []write{
		update(casePK(before.ID), metaSK, func(cur *item) bool {
			c, ok := valOf[collab.Case](cur)
			return ok && c.Status == before.Status
		}, func(cur *item) *item {
			c := cur.v.(collab.Case)
			c.Status, c.UpdatedAt, c.LastActivityAt = after.Status, ts(after.UpdatedAt), ts(after.UpdatedAt)
			c.Version++
			c.IdleWarned = false
			cur.v = c
			return cur
		}, fmt.Errorf("%w: %w", collab.ErrStale, apperr.Conflict("case %s is no longer %s; reload it", before.ID, before.Status))),
		caseEventWrite(after.ID, before.Version+1, ev),
	}
	if marker, moved := idleMarkerMoved(before, after); moved {
		ws = append(ws, marker)
	}
	ws = append(ws, queueWrites(&before, after)...)
	ws = append(ws, outboxWrites(msgs)...)
	ws = append(ws, commitClaim(claim, after.ID)...)
	return s.transact("add a note to a case", ws...)
}
