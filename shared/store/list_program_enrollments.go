package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/table"
)

// ListProgramEnrollments pages through a program's enrollments from GSI1,
// optionally only those of one status (a key prefix, not a filter).
func (s *Store) ListProgramEnrollments(ctx context.Context, programID string, status enrollment.Status, limit int, cursor string) ([]enrollment.Enrollment, string, error) {
	q := pageQuery{
		op: "list program enrollments", index: table.GSI1, pkAttr: table.GSI1PK, pk: programEnrollmentsPK(programID),
		skAttr: table.GSI1SK, limit: limit, cursor: cursor,
	}
	if status != "" {
		q.skPrefix = string(status) + "#"
	}
	return s.enrollmentPage(ctx, q)
}

func (s *Store) enrollmentPage(ctx context.Context, q pageQuery) ([]enrollment.Enrollment, string, error) {
	items, next, err := s.queryPage(ctx, q)
	if err != nil {
		return nil, "", err
	}
	out, err := convert(items, enrollmentItem.domain)
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}
