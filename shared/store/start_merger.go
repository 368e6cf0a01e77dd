package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/merger"
)

// StartMerger implements merger.Store: the merger (in the sweep), From
// marked as merging into Into, and both members' timelines — only if
// neither member is merging or merged.
func (s *Store) StartMerger(ctx context.Context, m merger.Merger, ev audit.Event) error {
	intoEv := ev
	intoEv.ID = "" // its own id, given by memberEvent
	return s.transact(ctx, "start merger",
		s.putNew(marshal(newMergerItem(m)), apperr.Conflict("member %s is already being merged", m.From)),
		s.update(memberKey(m.From), "SET mergedInto = :into, mergeState = :st, updatedAt = :now, updatedBy = :by, version = version + :one",
			"attribute_exists(PK) AND attribute_not_exists(mergedInto)", nil, map[string]types.AttributeValue{
				":into": av(m.Into), ":st": av(string(member.MergeRunning)), ":now": av(iso(m.StartedAt)), ":by": av(m.Actor), ":one": avN(1),
			}, apperr.Conflict("member %s is already merging or merged", m.From)),
		s.check(memberKey(m.Into), "attribute_exists(PK) AND attribute_not_exists(mergedInto)", nil, nil,
			apperr.Conflict("member %s is itself merging or merged", m.Into)),
		s.memberEvent(m.From, "", ev),
		s.memberEvent(m.Into, "", intoEv),
	)
}
