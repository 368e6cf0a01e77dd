package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/table"
)

// ListMemberEnrollments returns all of a member's enrollments (GSI2).
func (s *Store) ListMemberEnrollments(ctx context.Context, memberID string) ([]enrollment.Enrollment, error) {
	items, err := s.queryAll(ctx, pageQuery{
		op: "list member enrollments", index: table.GSI2, pkAttr: table.GSI2PK, pk: memberEnrollmentsPK(memberID), skAttr: table.GSI2SK,
	}, 5000)
	if err != nil {
		return nil, err
	}
	return convert(items, enrollmentItem.domain)
}
