package store

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
)

// BackfillSummary is what a backfill did.
type BackfillSummary struct {
	Cases   int // cases read
	Written int // SLA records written
	Present int // SLA records that were there already
	Outside int // cases outside any program (no report)
	// Ops counts the waiting cases and sign-ups, the enrollments awaiting
	// payment and the open invoices put into the operators' index, which
	// they were written before.
	Ops int
	// Refs counts the cases given a reference (TDM-…), which they were
	// opened before.
	Refs int
	// Queued counts the cases given their queue and search entries, or
	// their entries their row (collab.Case.Row).
	Queued int
	// Counted counts the members whose queue counters were counted.
	Counted int
	members map[string]bool // seen by the scan, to count
}

// Backfill brings items written before a later index or record existed up
// to date, by a parallel Scan of the table (a one-off migration, not a
// request path): every case gets its SLA report record, and every case
// still waiting for its receiver, every sign-up waiting for a decision or
// for payment and every open invoice gets its place in the operators'
// index (Ops); every case opened before references its reference (Refs),
// then its queue and search entries, each carrying the case's row
// (Queued); then every member's queue counters are counted (Counted).
// What is there already is
// left alone (the items' own writes keep it current), so it is safe to run
// while the system serves and to run again.
func (s *Store) Backfill(ctx context.Context, segments int) (BackfillSummary, error) {
	if segments < 1 {
		segments = 1
	}
	var mu sync.Mutex
	var sum BackfillSummary
	errs := make([]error, segments)
	var wg sync.WaitGroup
	for seg := 0; seg < segments; seg++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[seg] = s.backfillSegment(ctx, seg, segments, func(part BackfillSummary) {
				mu.Lock()
				defer mu.Unlock()
				sum.Cases += part.Cases
				sum.Written += part.Written
				sum.Present += part.Present
				sum.Outside += part.Outside
				sum.Ops += part.Ops
				sum.Refs += part.Refs
				sum.Queued += part.Queued
				for m := range part.members {
					if sum.members == nil {
						sum.members = map[string]bool{}
					}
					sum.members[m] = true
				}
			})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return sum, err // the segments fail alike: the first says it
		}
	}
	// After the entries: the counters count them.
	members := slices.Sorted(maps.Keys(sum.members))
	for i := 0; i < len(members); i += segments {
		batch := members[i:min(i+segments, len(members))]
		errs := make([]error, len(batch))
		fs := make([]func(), len(batch))
		for j, m := range batch {
			fs[j] = func() { errs[j] = s.recountQueue(ctx, m) }
		}
		sideBySide(fs...)
		if err := errors.Join(errs...); err != nil {
			return sum, err
		}
		sum.Counted += len(batch)
	}
	sum.members = nil
	return sum, nil
}

func (s *Store) backfillSegment(ctx context.Context, seg, segments int, add func(BackfillSummary)) error {
	var start map[string]types.AttributeValue
	for {
		res, err := s.db.Scan(ctx, &dynamodb.ScanInput{
			TableName: aws.String(s.table), Segment: aws.Int32(int32(seg)), TotalSegments: aws.Int32(int32(segments)),
			FilterExpression:         aws.String("#t IN (:case, :enrollment, :invoice, :member) AND #sk = :meta"),
			ExpressionAttributeNames: map[string]string{"#t": "type", "#sk": "SK"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":case": av("case"), ":enrollment": av("enrollment"), ":invoice": av("invoice"), ":member": av("member"), ":meta": av(metaSK),
			},
			ExclusiveStartKey: start,
		})
		if err != nil {
			return mapErr("backfill scan", err)
		}
		var part BackfillSummary
		part.members = map[string]bool{}
		for _, raw := range res.Items {
			if t, _ := raw["type"].(*types.AttributeValueMemberS); t != nil && t.Value == "member" {
				if id, ok := raw["id"].(*types.AttributeValueMemberS); ok {
					part.members[id.Value] = true
				}
				continue
			}
			if t, _ := raw["type"].(*types.AttributeValueMemberS); t != nil && t.Value == "enrollment" {
				var it enrollmentItem
				if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
					return err
				}
				e, err := it.domain()
				if err != nil {
					return err
				}
				want := toEnrollmentItem(e)
				added, err := s.backfillOps(ctx, enrollmentKey(e.ID), it.OpsPK, want.OpsPK, want.OpsSK, e.Version)
				if err != nil {
					return err
				}
				part.Ops += added
				continue
			}
			if t, _ := raw["type"].(*types.AttributeValueMemberS); t != nil && t.Value == "invoice" {
				var it invoiceItem
				if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
					return err
				}
				inv, err := it.domain()
				if err != nil {
					return err
				}
				want := toInvoiceItem(inv)
				added, err := s.backfillOps(ctx, invoiceKey(inv.ID), it.OpsPK, want.OpsPK, want.OpsSK, inv.Version)
				if err != nil {
					return err
				}
				part.Ops += added
				continue
			}
			var it caseItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return err
			}
			c, err := it.domain()
			if err != nil {
				return err
			}
			part.Cases++
			want := toCaseItem(c)
			added, err := s.backfillOps(ctx, caseKey(c.ID), it.OpsPK, want.OpsPK, want.OpsSK, c.Version)
			if err != nil {
				return err
			}
			part.Ops += added
			if c.Ref == "" {
				given, err := s.backfillRef(ctx, c)
				if err != nil {
					return err
				}
				part.Refs += given
				if given > 0 { // its entries carry the reference and are found by it
					if c, err = s.GetCase(ctx, c.ID); err != nil {
						return err
					}
				}
			}
			queued, err := s.backfillQueue(ctx, c)
			if err != nil {
				return err
			}
			part.Queued += queued
			r, ok := slaRecordOf(c)
			if !ok {
				part.Outside++
				continue
			}
			err = s.transact(ctx, "backfill SLA record", s.putNew(marshal(toSLARecordItem(r)), errRecordPresent))
			switch {
			case errors.Is(err, errRecordPresent):
				part.Present++
			case err != nil:
				return err
			default:
				part.Written++
			}
		}
		add(part)
		if start = res.LastEvaluatedKey; len(start) == 0 {
			return nil
		}
	}
}

var errRecordPresent = apperr.Conflict("the case's SLA record exists")

// backfillOps puts an item into the operators' index (its wanted OpsPK and
// OpsSK) when it should be there and is not, and returns 1 if it did. A
// write since the scan read it (its version moved) has set its place
// already, so a failed condition is nothing to do.
func (s *Store) backfillOps(ctx context.Context, key map[string]types.AttributeValue, stored, pk, sk string, version int) (int, error) {
	if stored != "" || pk == "" {
		return 0, nil
	}
	err := s.transact(ctx, "backfill operators' index", s.update(key, "SET OpsPK = :pk, OpsSK = :sk",
		"version = :v AND attribute_not_exists(OpsPK)", nil,
		map[string]types.AttributeValue{":pk": av(pk), ":sk": av(sk), ":v": avN(version)}, errOpsMoved))
	switch {
	case errors.Is(err, errOpsMoved):
		return 0, nil
	case err != nil:
		return 0, err
	}
	return 1, nil
}

var errOpsMoved = apperr.Conflict("the item was written since the backfill read it")

// backfillRef gives case c, opened before references, a reference: its
// claim and the case at its next version in one transaction (a step
// writing the case from an older read then finds it stale and reads it
// again, reference included). A reference drawn twice is drawn again; a
// case written since the scan is left to the next run. It reports 1 when
// it gave one.
func (s *Store) backfillRef(ctx context.Context, c collab.Case) (int, error) {
	for attempt := 1; ; attempt++ {
		c.Ref = collab.NewRef()
		err := s.transact(ctx, "backfill case reference",
			s.putNew(marshal(toRefItem(c)), collab.RefTaken(c.Ref)),
			s.update(caseKey(c.ID), "SET #ref = :ref, version = version + :one", "version = :v AND attribute_not_exists(#ref)",
				map[string]string{"#ref": "ref"},
				map[string]types.AttributeValue{":ref": av(c.Ref), ":one": avN(1), ":v": avN(c.Version)}, errOpsMoved))
		switch {
		case errors.Is(err, collab.ErrRefTaken) && attempt < 5:
			continue
		case errors.Is(err, errOpsMoved):
			return 0, nil
		case err != nil:
			return 0, err
		}
		return 1, nil
	}
}

// backfillQueue writes case c's queue and search entries when they are
// missing or carry no row, or not c's row as it is now (its receiver's
// entry in QueueAll, which every case has and whose place never moves, is
// the probe: entries written before rows, or by a step of the code of
// before rows, which moved only the entries whose place changed), and
// returns 1 if it did. A case written since the scan read it is read again
// and its entries written as it is now, on the condition that it is still
// at the version read.
func (s *Store) backfillQueue(ctx context.Context, c collab.Case) (int, error) {
	probe := queueEntryItem(collab.QueueEntries(c)[0])
	var have queueItem
	switch err := s.getItem(ctx, "backfill queue", key(probe.PK, probe.SK), &have, errNoItem); {
	case err == nil && have.Row == probe.Row:
		return 0, nil
	case err != nil && !errors.Is(err, errNoItem):
		return 0, err
	}
	for attempt := 0; attempt < 5; attempt++ {
		items := []txItem{s.check(caseKey(c.ID), "version = :v", nil, map[string]types.AttributeValue{":v": avN(c.Version)}, errOpsMoved)}
		for _, it := range caseQueueItems(c) {
			items = append(items, s.put(marshal(it), "", nil, nil, nil))
		}
		err := s.transact(ctx, "backfill queue", items...)
		if !errors.Is(err, errOpsMoved) {
			if err != nil {
				return 0, err
			}
			return 1, nil
		}
		if c, err = s.GetCase(ctx, c.ID); err != nil {
			return 0, err
		}
	}
	return 0, apperr.Unavailable(errOpsMoved, "case %s keeps changing; run the backfill again", c.ID)
}
