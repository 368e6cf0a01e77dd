package store

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/report"
	"github.com/tandemhq/tandem/shared/table"
)

// slaRecordItem is a case's line in its program's SLA report: a small item
// under the program's report partition, sorted by the case's opening time,
// so a period is one Query. It is written with the case when the case
// opens, and again only when what the report counts changes (the first
// response, an escalation, the close).
type slaRecordItem struct {
	keyAttrs
	CaseID           string `dynamodbav:"caseId"`
	ReceiverMemberID string `dynamodbav:"receiverMemberId"`
	ReceiverName     string `dynamodbav:"receiverName"`
	CreatedAt        string `dynamodbav:"createdAt"`
	ResponseDueAt    string `dynamodbav:"responseDueAt"`
	RespondedAt      string `dynamodbav:"respondedAt,omitempty"`
	EscalationLevel  int    `dynamodbav:"escalationLevel,omitempty"`
	ClosedAt         string `dynamodbav:"closedAt,omitempty"`
}

func slaReportPK(programID string) string { return "SLAREPORT#" + programID }

// slaRecordOf is the record of c as it stands; a final case closed at its
// last update (a final case changes no more).
func slaRecordOf(c collab.Case) (report.Record, bool) {
	var closed time.Time
	if c.Status.Final() {
		closed = c.UpdatedAt
	}
	return report.RecordOf(c.ID, c.ProgramID, c.ReceiverMemberID, c.ReceiverName, c.CreatedAt, c.ResponseDueAt, c.RespondedAt, c.EscalationLevel, closed)
}

func (s *Store) slaRecordWrite(r report.Record) txItem {
	return s.put(marshal(toSLARecordItem(r)), "", nil, nil, nil)
}

func toSLARecordItem(r report.Record) slaRecordItem {
	it := slaRecordItem{
		keyAttrs: keyAttrs{
			PK: slaReportPK(r.ProgramID), SK: iso(r.CreatedAt) + "#" + r.CaseID, Type: "sla_record",
		},
		CaseID: r.CaseID, ReceiverMemberID: r.ReceiverMemberID, ReceiverName: r.ReceiverName, CreatedAt: iso(r.CreatedAt),
		ResponseDueAt: iso(r.ResponseDueAt), EscalationLevel: r.EscalationLevel,
	}
	if r.Responded() {
		it.RespondedAt = iso(r.RespondedAt)
	}
	if !r.ClosedAt.IsZero() {
		it.ClosedAt = iso(r.ClosedAt)
	}
	return it
}

// slaRecordChanged is the record's write when the report's view of the
// case differs between before and after.
func (s *Store) slaRecordChanged(before, after collab.Case) (txItem, bool) {
	b, _ := slaRecordOf(before)
	a, ok := slaRecordOf(after)
	if !ok || (b.Responded() == a.Responded() && b.EscalationLevel == a.EscalationLevel && b.ClosedAt.IsZero() == a.ClosedAt.IsZero()) {
		return txItem{}, false
	}
	return s.slaRecordWrite(a), true
}

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
