package store

import (
	"context"
	"sync"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/member"
)

// seedTx is how many items a seeding transaction writes.
const seedTx = 25

// Seed writes many prepared objects at once, for demo data, load tests and
// volume tests: each item only if it does not exist yet, 25 to a
// transaction. Nothing a user does reaches it.
type Seed struct{ s *Store }

// Seed returns the bulk writer.
func (s *Store) Seed() Seed { return Seed{s} }

// seedWorkers write transactions side by side.
const seedWorkers = 4

func (sd Seed) write(ctx context.Context, items []txItem) error {
	chunks := make(chan []txItem)
	errs := make(chan error, seedWorkers)
	var wg sync.WaitGroup
	for w := 0; w < seedWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				if err := sd.s.transact(ctx, "seed", c...); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for len(items) > 0 {
		n := min(seedTx, len(items))
		select {
		case chunks <- items[:n]:
		case err := <-errs:
			close(chunks)
			wg.Wait()
			return err
		}
		items = items[n:]
	}
	close(chunks)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// Members writes members (with their domain claims).
func (sd Seed) Members(ctx context.Context, ms []member.Member) error {
	var items []txItem
	for _, m := range ms {
		items = append(items,
			sd.s.putNew(marshal(toMemberItem(m)), nil),
			sd.s.putNew(marshal(domainItem{PK: domainPK(m.Domain), SK: metaSK, Type: "domain", MemberID: m.ID}), nil))
	}
	return sd.write(ctx, items)
}

// Enrollments writes enrollments (with their program-member pair items).
func (sd Seed) Enrollments(ctx context.Context, es []enrollment.Enrollment) error {
	var items []txItem
	for _, e := range es {
		items = append(items, sd.s.putNew(marshal(toEnrollmentItem(e)), nil), sd.s.enrollPair(e))
	}
	return sd.write(ctx, items)
}

// Cases writes cases (each in the due index while its clock runs).
func (sd Seed) Cases(ctx context.Context, cs []collab.Case) error {
	items := make([]txItem, 0, len(cs))
	for _, c := range cs {
		items = append(items, sd.s.putNew(marshal(toCaseItem(c)), nil))
	}
	return sd.write(ctx, items)
}
