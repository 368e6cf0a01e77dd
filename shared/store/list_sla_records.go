package store

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/report"
	"github.com/tandemhq/tandem/shared/table"
)

// ListSLARecords returns the report records of program's cases opened in
// [from, to), oldest first: one Query over the program's report
// partition, paged until done.
func (s *Store) ListSLARecords(ctx context.Context, programID string, from, to time.Time) ([]report.Record, error) {
	items, err := s.queryAll(ctx, pageQuery{
		op: "list SLA records", pkAttr: table.PK, pk: slaReportPK(programID), skAttr: table.SK,
		// Keys are time#case: one opened at exactly to sorts after the bare
		// time, so the inclusive upper bound leaves it out.
		skFrom: iso(from), skUpTo: iso(to), limit: 5000,
	}, maxReportCases)
	if err != nil {
		return nil, err
	}
	return convert(items, func(it slaRecordItem) (report.Record, error) {
		return report.Record{
			CaseID: it.CaseID, ProgramID: programID, ReceiverMemberID: it.ReceiverMemberID, ReceiverName: it.ReceiverName,
			CreatedAt: parseISO(it.CreatedAt), ResponseDueAt: parseISO(it.ResponseDueAt), RespondedAt: parseISO(it.RespondedAt),
			EscalationLevel: it.EscalationLevel, ClosedAt: parseISO(it.ClosedAt),
		}, nil
	})
}

// maxReportCases bounds one report's read (about 25 MB of records).
const maxReportCases = 100000
