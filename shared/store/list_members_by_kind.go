package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/table"
)

// ListMembersByKind returns every member of a kind (GSI1).
func (s *Store) ListMembersByKind(ctx context.Context, kind member.Kind) ([]member.Member, error) {
	items, err := s.queryAll(ctx, pageQuery{
		op: "list members by kind", index: table.GSI1, pkAttr: table.GSI1PK, pk: membersByKindPK(kind), skAttr: table.GSI1SK,
	}, 10000)
	if err != nil {
		return nil, err
	}
	return convert(items, memberItem.domain)
}
