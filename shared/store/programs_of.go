package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/enrollment"
)

// ProgramsOf implements department.Store: hosted programs and those the
// member is enrolled in without having been turned away or removed.
func (s *Store) ProgramsOf(ctx context.Context, memberID string) ([]string, error) {
	var out []string
	hosted, err := s.ListHostPrograms(ctx, memberID)
	if err != nil {
		return nil, err
	}
	for _, p := range hosted {
		out = append(out, p.ID)
	}
	enrolled, err := s.ListMemberEnrollments(ctx, memberID)
	if err != nil {
		return nil, err
	}
	for _, e := range enrolled {
		switch e.Status {
		case enrollment.Rejected, enrollment.Removed, enrollment.Terminated:
		default:
			out = append(out, e.ProgramID)
		}
	}
	return out, nil
}
