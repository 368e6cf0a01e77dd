package store

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/jobs"
	"github.com/tandemhq/tandem/shared/table"
)

// dueAt reads sweep's sparse due index: every entry due at or before now,
// oldest first, at most limit in all. more reports that entries were left.
// It reads only what is due: the cost does not grow with the table.
func (s *Store) dueAt(ctx context.Context, sweep string, now time.Time, limit int) (entries []jobs.DueItem, more bool, err error) {
	upTo := iso(now) + "#\uffff"
	for shard := 0; shard < table.DueShards; shard++ {
		var start map[string]types.AttributeValue
		for len(entries) < limit {
			res, err := s.db.Query(ctx, &dynamodb.QueryInput{
				TableName:              aws.String(s.table),
				IndexName:              aws.String(table.Due),
				KeyConditionExpression: aws.String("DuePK = :pk AND DueSK <= :upto"),
				ExpressionAttributeValues: map[string]types.AttributeValue{
					":pk": av(duePK(sweep, shard)), ":upto": av(upTo),
				},
				ProjectionExpression:   aws.String("DueSK"),
				ExclusiveStartKey:      start,
				Limit:                  aws.Int32(int32(limit - len(entries))),
				ReturnConsumedCapacity: returnCapacity(ctx),
			})
			if err != nil {
				return nil, false, mapErr("read due "+sweep, err)
			}
			recordRead(ctx, int(res.ScannedCount), res.ConsumedCapacity)
			for _, it := range res.Items {
				sk, _ := it[table.DueSK].(*types.AttributeValueMemberS)
				if sk == nil {
					continue
				}
				at, id, ok := strings.Cut(sk.Value, "#")
				if !ok {
					continue
				}
				entries = append(entries, jobs.DueItem{ID: id, Due: parseISO(at)})
			}
			start = res.LastEvaluatedKey
			if len(start) == 0 {
				break
			}
		}
		if len(start) > 0 || (len(entries) >= limit && shard < table.DueShards-1) {
			more = true
			break
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Due.Before(entries[j].Due) })
	return entries, more, nil
}

// DueOutbox returns outbox items due for a retry or never delivered.
func (s *Store) DueOutbox(ctx context.Context, now time.Time, limit int) ([]jobs.DueItem, bool, error) {
	return s.dueAt(ctx, sweepOutbox, now, limit)
}

// DueCases returns cases whose next escalation is due at now.
func (s *Store) DueCases(ctx context.Context, now time.Time, limit int) ([]jobs.DueItem, bool, error) {
	return s.dueAt(ctx, sweepCase, now, limit)
}

// DueRenewals returns enrollments with a renewal step due at now.
func (s *Store) DueRenewals(ctx context.Context, now time.Time, limit int) ([]jobs.DueItem, bool, error) {
	return s.dueAt(ctx, sweepRenewal, now, limit)
}

// DueBilling returns host-paid programs with a billing year due at now.
func (s *Store) DueBilling(ctx context.Context, now time.Time, limit int) ([]jobs.DueItem, bool, error) {
	return s.dueAt(ctx, sweepBilling, now, limit)
}
