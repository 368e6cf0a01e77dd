package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/member"
)

// seedTx is how many items a seeding transaction writes.
const seedTx = 25

// Seed writes many prepared objects at once, as shared/store's Seed: for
// test fixtures, demo data and load tests. Members and enrollments are
// written each only if it does not exist yet, 25 items to a transaction
// (a failed one stops the seeding; those before it stay); cases and SLA
// records unconditionally.
type Seed struct{ s *Store }

// Seed returns the bulk writer.
func (s *Store) Seed() Seed { return Seed{s} }

func (sd Seed) write(ws []write) error {
	for len(ws) > 0 {
		n := min(seedTx, len(ws))
		if err := sd.s.transact("seed", ws[:n]...); err != nil {
			return err
		}
		ws = ws[n:]
	}
	return nil
}

// Members writes members (with their domain claims).
func (sd Seed) Members(ctx context.Context, ms []member.Member) error {
	var ws []write
	for _, m := range ms {
		ws = append(ws, putNew(memberItem(m), nil), putNew(domainItem(m), nil))
	}
	return sd.write(ws)
}

// Enrollments writes enrollments (with their program-member pair items).
func (sd Seed) Enrollments(ctx context.Context, es []enrollment.Enrollment) error {
	var ws []write
	for _, e := range es {
		ws = append(ws, putNew(enrollmentItem(e), nil), enrollPair(e))
	}
	return sd.write(ws)
}

// Cases writes cases (each in the due index while its clock runs), without
// their events, idle markers or report records.
func (sd Seed) Cases(ctx context.Context, cs []collab.Case) error {
	var ws []write
	for _, c := range cs {
		ws = append(ws, put(caseItem(c)))
		for _, it := range caseQueueItems(c) {
			ws = append(ws, put(it))
		}
	}
	return sd.write(ws)
}

// SLARecords writes the SLA report's records of cases, as the cases' own
// transactions would have left them.
func (sd Seed) SLARecords(ctx context.Context, cs []collab.Case) error {
	var ws []write
	for _, c := range cs {
		if r, ok := slaRecordOf(c); ok {
			ws = append(ws, slaRecordWrite(r))
		}
	}
	return sd.write(ws)
}
