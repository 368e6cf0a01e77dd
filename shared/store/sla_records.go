package store

import (
	"time"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/report"
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
