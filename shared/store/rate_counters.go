package store

import (
	"context"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// CountInWindow counts one event in key's current fixed window (the one
// that holds now) and returns the count so far and when the window ends:
// what the rate limits read. Counters expire by TTL.
func (s *Store) CountInWindow(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error) {
	start := now.Truncate(window)
	end := start.Add(window)
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      rateKey(key, start),
		UpdateExpression:         aws.String("ADD hits :one SET expiresAt = :exp, #t = :type"),
		ExpressionAttributeNames: map[string]string{"#t": "type"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": avN(1), ":exp": avN64(end.Add(time.Hour).Unix()), ":type": av("rate"),
		},
		ReturnValues:           types.ReturnValueUpdatedNew,
		ReturnConsumedCapacity: returnCapacity(ctx),
	})
	if err != nil {
		return 0, end, mapErr("count rate "+key, err)
	}
	recordWrite(ctx, out.ConsumedCapacity)
	n := 0
	if v, ok := out.Attributes["hits"].(*types.AttributeValueMemberN); ok {
		n, _ = strconv.Atoi(v.Value)
	}
	return n, end, nil
}
