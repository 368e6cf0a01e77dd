package store

import (
	"context"
	"errors"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
)

// BackfillSummary is what a backfill did.
type BackfillSummary struct {
	Cases   int // cases read
	Written int // records written
	Present int // records that were there already
	Outside int // cases outside any program (no report)
}

// BackfillSLARecords writes the SLA report record of every case that has
// none — cases opened before the report existed — by a parallel Scan of
// the table (a one-off migration, not a request path). A record that
// exists is left alone (the case's own writes keep it current), so it is
// safe to run while the system serves and to run again.
func (s *Store) BackfillSLARecords(ctx context.Context, segments int) (BackfillSummary, error) {
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
			})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return sum, err // the segments fail alike: the first says it
		}
	}
	return sum, nil
}

func (s *Store) backfillSegment(ctx context.Context, seg, segments int, add func(BackfillSummary)) error {
	var start map[string]types.AttributeValue
	for {
		res, err := s.db.Scan(ctx, &dynamodb.ScanInput{
			TableName: aws.String(s.table), Segment: aws.Int32(int32(seg)), TotalSegments: aws.Int32(int32(segments)),
			FilterExpression:          aws.String("#t = :case AND #sk = :meta"),
			ExpressionAttributeNames:  map[string]string{"#t": "type", "#sk": "SK"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":case": av("case"), ":meta": av(metaSK)},
			ExclusiveStartKey:         start,
		})
		if err != nil {
			return mapErr("backfill scan", err)
		}
		var part BackfillSummary
		for _, raw := range res.Items {
			var it caseItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return err
			}
			c, err := it.domain()
			if err != nil {
				return err
			}
			part.Cases++
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
