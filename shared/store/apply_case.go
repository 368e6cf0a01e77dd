package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/notify"
)

// ApplyCase implements collab.Store.
func (s *Store) ApplyCase(ctx context.Context, before, after collab.Case, ev collab.Event, msgs []notify.Message, claim idem.Claim) error {
	items := []txItem{
		s.put(marshal(toCaseItem(after)), "version = :v", nil, map[string]types.AttributeValue{":v": avN(before.Version)},
			fmt.Errorf("%w: %w", collab.ErrStale, apperr.Conflict("case %s was changed by someone else (it is no longer at version %d); reload it", before.ID, before.Version))),
		s.caseEventWrite(after.ID, after.Version, ev),
	}
	if marker, moved := s.idleMarkerMoved(before, after); moved {
		items = append(items, marker)
	}
	if rec, changed := s.slaRecordChanged(before, after); changed {
		items = append(items, rec)
	}
	items = append(items, s.queueWrites(&before, after)...)
	items = append(items, s.outboxWrites(msgs)...)
	items = append(items, s.commitClaim(claim, after.ID)...)
	return s.transact(ctx, "update case", items...)
}
