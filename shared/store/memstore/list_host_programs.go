package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/program"
)

// ListHostPrograms returns the programs a member hosts (GSI1), by id.
func (s *Store) ListHostPrograms(ctx context.Context, memberID string) ([]program.Program, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items := s.queryAll(pageQuery{op: "list host programs", index: idxGSI1, pk: hostProgramsPK(memberID)}, 1000)
	out := make([]program.Program, 0, len(items))
	for _, it := range items {
		p := it.v.(program.Program)
		out = append(out, normProgram(p, p.BilledYears))
	}
	return out, nil
}

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
