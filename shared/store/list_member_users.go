package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/table"
)

// ListMemberUsers returns a member's users.
func (s *Store) ListMemberUsers(ctx context.Context, memberID string) ([]member.User, error) {
	items, err := s.queryAll(ctx, pageQuery{op: "list users", pkAttr: table.PK, pk: memberPK(memberID), skAttr: table.SK, skPrefix: userPrefix, consistent: true}, 10000)
	if err != nil {
		return nil, err
	}
	return convert(items, func(it userItem) (member.User, error) {
		return it.domain(), nil
	})
}
