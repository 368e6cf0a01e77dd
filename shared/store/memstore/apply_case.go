package memstore

import (
	"context"
	"fmt"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/notify"
)

// ApplyCase implements collab.Store: after replaces the case if it is still
// at before's version (else collab.ErrStale, a conflict).
func (s *Store) ApplyCase(ctx context.Context, before, after collab.Case, ev collab.Event, msgs []notify.Message, claim idem.Claim) error {
	ws := []write{
		putIf(caseItem(after), atVersion[collab.Case](before.Version, func(c collab.Case) int { return c.Version }),
			fmt.Errorf("%w: %w", collab.ErrStale, apperr.Conflict("case %s was changed by someone else (it is no longer at version %d); reload it", before.ID, before.Version))),
		caseEventWrite(after.ID, after.Version, ev),
	}
	if marker, moved := idleMarkerMoved(before, after); moved {
		ws = append(ws, marker)
	}
	if rec, changed := slaRecordChanged(before, after); changed {
		ws = append(ws, rec)
	}
	ws = append(ws, queueWrites(&before, after)...)
	ws = append(ws, outboxWrites(msgs)...)
	ws = append(ws, commitClaim(claim, after.ID)...)
	return s.transact("update case", ws...)
}

// atVersion is the condition "version = :v" on an item holding a T.
func atVersion[T any](v int, version func(T) int) func(*item) bool {
	return func(cur *item) bool {
		x, ok := valOf[T](cur)
		return ok && version(x) == v
	}
}
