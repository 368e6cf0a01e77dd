package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/table"
)

// UsersByEmail implements session.Store: every user with this address, in
// any member (GSI2).
func (s *Store) UsersByEmail(ctx context.Context, email string) ([]member.User, error) {
	items, err := s.queryAll(ctx, pageQuery{
		op: "list users by email", index: table.GSI2, pkAttr: table.GSI2PK, pk: usersByEmailPK(email), skAttr: table.GSI2SK,
	}, 100)
	if err != nil {
		return nil, err
	}
	return convert(items, func(it userItem) (member.User, error) { return it.domain(), nil })
}
