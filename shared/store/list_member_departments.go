package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/table"
)

// ListMemberDepartments returns all of a member's departments (GSI1).
func (s *Store) ListMemberDepartments(ctx context.Context, memberID string) ([]department.Department, error) {
	items, err := s.queryAll(ctx, pageQuery{
		op: "list departments", index: table.GSI1, pkAttr: table.GSI1PK, pk: memberDepartmentsPK(memberID), skAttr: table.GSI1SK,
	}, 1000)
	if err != nil {
		return nil, err
	}
	return convert(items, departmentItem.domain)
}
