package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
)

// UpdateMember implements member.Store: the member is replaced only if it
// is still at version prev, and msgs are enqueued with it.
func (s *Store) UpdateMember(ctx context.Context, m member.Member, prev int, msgs []notify.Message) error {
	var was memberItem
	if err := s.getItem(ctx, "get member", memberKey(m.ID), &was, apperr.NotFound("member %s not found", m.ID)); err != nil {
		return err
	}
	next := marshal(toMemberItem(m))
	items := append([]txItem{
		s.put(next, "version = :v", nil, map[string]types.AttributeValue{":v": avN(prev)},
			apperr.Conflict("member %s was changed by someone else; reload it", m.ID)),
		s.memberEvent(m.ID, "", audit.Event{At: m.UpdatedAt, Actor: m.UpdatedBy, Action: "update", Reason: audit.ChangedText(changedFields(marshal(was), next))}),
	}, s.outboxWrites(msgs)...)
	return s.transact(ctx, "update member", items...)
}
