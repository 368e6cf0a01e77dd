package store

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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
	return inChunks(items, seedWorkers, func(c []txItem) error { return sd.s.transact(ctx, "seed", c...) })
}

// inChunks hands items, 25 at a time, to do from workers side by side; the
// first error stops the feeding and is returned once the workers are done.
func inChunks[T any](items []T, workers int, do func([]T) error) error {
	chunks := make(chan []T)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				if err := do(c); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var err error
feed:
	for len(items) > 0 {
		n := min(seedTx, len(items))
		select {
		case chunks <- items[:n]:
		case err = <-errs:
			break feed
		}
		items = items[n:]
	}
	close(chunks)
	wg.Wait()
	if err != nil {
		return err
	}
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
			sd.s.putNew(marshal(toDomainItem(m)), nil))
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

// Cases writes cases (each in the due index while its clock runs, with
// its queue and search entries and their counters) with
// BatchWriteItem, 25 to a call from eight writers: volume tests seed a
// hundred thousand. Unlike the other seeds the writes are unconditional —
// the cases are new, their ids fresh ULIDs.
func (sd Seed) Cases(ctx context.Context, cs []collab.Case) error {
	items := make([]map[string]types.AttributeValue, 0, len(cs))
	var entries []queueItem
	for _, c := range cs {
		items = append(items, marshal(toCaseItem(c)))
		for _, it := range caseQueueItems(c) {
			items = append(items, marshal(it))
			entries = append(entries, it)
		}
	}
	if err := sd.bulk(ctx, items); err != nil {
		return err
	}
	// The lists' counters, as the cases' transactions would have moved them.
	for _, w := range sd.s.countWrites(countDeltas(nil, entries)) {
		if err := sd.s.transact(ctx, "seed queue counters", w); err != nil {
			return err
		}
	}
	return nil
}

// SLARecords writes the SLA report's records of cases, as the cases'
// own transactions would have left them (the bench's report at volume).
func (sd Seed) SLARecords(ctx context.Context, cs []collab.Case) error {
	items := make([]map[string]types.AttributeValue, 0, len(cs))
	for _, c := range cs {
		if r, ok := slaRecordOf(c); ok {
			items = append(items, marshal(toSLARecordItem(r)))
		}
	}
	return sd.bulk(ctx, items)
}

// bulkWorkers write batches side by side.
const bulkWorkers = 8

// bulk puts items with BatchWriteItem (25 a call), retrying what DynamoDB
// leaves unprocessed with a growing pause.
func (sd Seed) bulk(ctx context.Context, items []map[string]types.AttributeValue) error {
	return inChunks(items, bulkWorkers, func(b []map[string]types.AttributeValue) error { return sd.putBatch(ctx, b) })
}

func (sd Seed) putBatch(ctx context.Context, items []map[string]types.AttributeValue) error {
	reqs := make([]types.WriteRequest, len(items))
	for i, it := range items {
		reqs[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}
	}
	for attempt := 0; len(reqs) > 0; attempt++ {
		if attempt > 0 {
			if attempt > 10 {
				return mapErr("seed batch", context.DeadlineExceeded)
			}
			time.Sleep(time.Duration(attempt*attempt) * 20 * time.Millisecond)
		}
		out, err := sd.s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{sd.s.table: reqs}, ReturnConsumedCapacity: returnCapacity(ctx),
		})
		if err != nil {
			return mapErr("seed batch", err)
		}
		for i := range out.ConsumedCapacity {
			recordWrite(ctx, &out.ConsumedCapacity[i])
		}
		reqs = out.UnprocessedItems[sd.s.table]
	}
	return nil
}
