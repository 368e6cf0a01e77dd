package store

import (
	"context"
	"errors"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/department"
)

// DepartmentsAt implements suppression.Store: one Query of the address's
// inbound entries, then each department.
func (s *Store) DepartmentsAt(ctx context.Context, addr string) ([]department.Department, error) {
	items, err := s.queryAll(ctx, pageQuery{op: "departments at address", pkAttr: "PK", pk: inboundPK(addr), skAttr: "SK", consistent: true}, 100)
	if err != nil {
		return nil, err
	}
	entries, err := convert(items, func(it inboundItem) (inboundItem, error) { return it, nil })
	if err != nil {
		return nil, err
	}
	var out []department.Department
	for _, e := range entries {
		d, err := s.GetDepartment(ctx, e.DepartmentID)
		if errors.Is(err, apperr.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}
