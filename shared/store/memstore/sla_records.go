package memstore

import (
	"time"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/report"
)

// slaRecordOf is the record of c as it stands; a final case closed at its
// last update.
func slaRecordOf(c collab.Case) (report.Record, bool) {
	var closed time.Time
	if c.Status.Final() {
		closed = c.UpdatedAt
	}
	return report.RecordOf(c.ID, c.ProgramID, c.ReceiverMemberID, c.ReceiverName, c.CreatedAt, c.ResponseDueAt, c.RespondedAt, c.EscalationLevel, closed)
}

// slaRecordWrite is r's line under its program's report partition, sorted
// by the case's opening time.
func slaRecordWrite(r report.Record) write {
	rec := report.Record{
		CaseID: r.CaseID, ProgramID: r.ProgramID, ReceiverMemberID: r.ReceiverMemberID, ReceiverName: r.ReceiverName,
		CreatedAt: ts(r.CreatedAt), ResponseDueAt: ts(r.ResponseDueAt), EscalationLevel: r.EscalationLevel,
	}
	if r.Responded() {
		rec.RespondedAt = ts(r.RespondedAt)
	}
	if !r.ClosedAt.IsZero() {
		rec.ClosedAt = ts(r.ClosedAt)
	}
	return put(&item{PK: slaReportPK(r.ProgramID), SK: iso(r.CreatedAt) + "#" + r.CaseID, v: rec})
}

// slaRecordChanged is the record's write when the report's view of the
// case differs between before and after.
func slaRecordChanged(before, after collab.Case) (write, bool) {
	b, _ := slaRecordOf(before)
	a, ok := slaRecordOf(after)
	if !ok || (b.Responded() == a.Responded() && b.EscalationLevel == a.EscalationLevel && b.ClosedAt.IsZero() == a.ClosedAt.IsZero()) {
		return write{}, false
	}
	return slaRecordWrite(a), true
}
