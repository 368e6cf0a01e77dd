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
