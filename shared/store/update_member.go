package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/member"
)

// UpdateMember implements member.Store: the member is replaced only if it
// is still at version prev.
func (s *Store) UpdateMember(ctx context.Context, m member.Member, prev int) error {
	return s.transact(ctx, "update member", s.put(marshal(toMemberItem(m)), "version = :v", nil,
		map[string]types.AttributeValue{":v": avN(prev)},
		apperr.Conflict("member %s was changed by someone else; reload it", m.ID)))
}
