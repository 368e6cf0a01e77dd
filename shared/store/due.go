package store

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/due"
	"github.com/tandemhq/tandem/shared/table"
)

// dueAt reads sweep's sparse due index: every entry due at or before now,
// oldest first, at most limit in all. more reports that entries were left.
// It reads only what is due: the cost does not grow with the table.
func (s *Store) dueAt(ctx context.Context, sweep string, now time.Time, limit int) (entries []due.Item, more bool, err error) {
	return s.sparseAt(ctx, sparse{index: table.Due, pkAttr: table.DuePK, skAttr: table.DueSK, shards: dueShards(sweep),
		pk: func(shard int) string { return duePK(sweep, shard) }}, now, limit)
}

// sparse is a sharded sparse index whose sort key is "<time>#<id>".
type sparse struct {
	index, pkAttr, skAttr string
	pk                    func(shard int) string
	// shards is how many shards it has; zero means table.DueShards.
	shards int
}

// sparseAt reads every entry of ix at or before now across its shards,
// oldest first, at most limit in all; more reports that entries were left.
func (s *Store) sparseAt(ctx context.Context, ix sparse, now time.Time, limit int) (entries []due.Item, more bool, err error) {
	upTo := iso(now) + "#\uffff"
	shards := ix.shards
	if shards == 0 {
		shards = table.DueShards
	}
	for shard := 0; shard < shards; shard++ {
		var start map[string]types.AttributeValue
		for len(entries) < limit {
			res, err := s.db.Query(ctx, &dynamodb.QueryInput{
				TableName:                aws.String(s.table),
				IndexName:                aws.String(ix.index),
				KeyConditionExpression:   aws.String("#pk = :pk AND #sk <= :upto"),
				ExpressionAttributeNames: map[string]string{"#pk": ix.pkAttr, "#sk": ix.skAttr},
				ExpressionAttributeValues: map[string]types.AttributeValue{
					":pk": av(ix.pk(shard)), ":upto": av(upTo),
				},
				ProjectionExpression:   aws.String("#sk"),
				ExclusiveStartKey:      start,
				Limit:                  aws.Int32(int32(limit - len(entries))),
				ReturnConsumedCapacity: returnCapacity(ctx),
			})
			if err != nil {
				return nil, false, mapErr("read "+ix.pk(shard), err)
			}
			recordRead(ctx, int(res.ScannedCount), res.ConsumedCapacity)
			for _, it := range res.Items {
				sk, _ := it[ix.skAttr].(*types.AttributeValueMemberS)
				if sk == nil {
					continue
				}
				at, id, ok := strings.Cut(sk.Value, "#")
				if !ok {
					continue
				}
				entries = append(entries, due.Item{ID: id, At: parseISO(at)})
			}
			start = res.LastEvaluatedKey
			if len(start) == 0 {
				break
			}
		}
		if len(start) > 0 || (len(entries) >= limit && shard < shards-1) {
			more = true
			break
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].At.Before(entries[j].At) })
	return entries, more, nil
}

// DueOutbox returns outbox items due for a retry or never delivered.
func (s *Store) DueOutbox(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(ctx, sweepOutbox, now, limit)
}

// DueCases returns cases whose next escalation is due at now.
func (s *Store) DueCases(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(ctx, sweepCase, now, limit)
}

// DueRenewals returns enrollments with a renewal step due at now.
func (s *Store) DueRenewals(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(ctx, sweepRenewal, now, limit)
}

// DueBilling returns host-paid programs with a billing year due at now.
func (s *Store) DueBilling(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(ctx, sweepBilling, now, limit)
}
