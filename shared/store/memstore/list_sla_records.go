package memstore

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/report"
)

// maxReportCases bounds one report's read.
const maxReportCases = 100000

// ListSLARecords returns the report records of program's cases opened in
// [from, to), oldest first.
func (s *Store) ListSLARecords(ctx context.Context, programID string, from, to time.Time) ([]report.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items := s.queryAll(pageQuery{op: "list SLA records", pk: slaReportPK(programID), skFrom: iso(from), skUpTo: iso(to), limit: 5000}, maxReportCases)
	out := make([]report.Record, 0, len(items))
	for _, it := range items {
		r := it.v.(report.Record)
		r.ProgramID = programID
		out = append(out, r)
	}
	return out, nil
}
