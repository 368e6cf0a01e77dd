package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/table"
)

// ListHostPrograms returns the programs a member hosts (GSI1).
func (s *Store) ListHostPrograms(ctx context.Context, memberID string) ([]program.Program, error) {
	items, err := s.queryAll(ctx, pageQuery{
		op: "list host programs", index: table.GSI1, pkAttr: table.GSI1PK, pk: hostProgramsPK(memberID), skAttr: table.GSI1SK,
	}, 1000)
	if err != nil {
		return nil, err
	}
	return convert(items, programItem.domain)
}
