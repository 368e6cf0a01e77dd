package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
)

// marshal turns an item struct into an attribute map, or panics: item
// structs are ours and always marshal.
func marshal(v any) map[string]types.AttributeValue {
	m, err := attributevalue.MarshalMap(v)
	if err != nil {
		panic(fmt.Sprintf("store: marshal %T: %v", v, err))
	}
	return m
}

// jsonAttr stores nested domain values as one JSON string attribute,
// without HTML escaping (a text of "<" would grow sixfold as \u003c and
// could push the item past DynamoDB's 400 KB).
func jsonAttr(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("store: json %T: %v", v, err))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func fromJSON(s string, v any) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

// getItem reads one item strongly consistently into out; a missing item is
// notFound.
func (s *Store) getItem(ctx context.Context, op string, k map[string]types.AttributeValue, out any, notFound error) error {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:              aws.String(s.table),
		Key:                    k,
		ConsistentRead:         aws.Bool(true),
		ReturnConsumedCapacity: returnCapacity(ctx),
	})
	if err != nil {
		return mapErr(op, err)
	}
	found := 0
	if res.Item != nil {
		found = 1
	}
	recordRead(ctx, found, res.ConsumedCapacity)
	if res.Item == nil {
		return notFound
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return fmt.Errorf("%s: unmarshal: %w", op, err)
	}
	return nil
}

// versioned is the condition of an optimistic-locking update.
const versioned = "version = :v"

func versionValues(v int, extra map[string]types.AttributeValue) map[string]types.AttributeValue {
	out := map[string]types.AttributeValue{":v": avN(v), ":v1": avN(v + 1)}
	for k, x := range extra {
		out[k] = x
	}
	return out
}

var errVersion = apperr.Conflict("the object was changed by someone else; reload it and try again")

// convert unmarshals each raw item into its item struct I and turns that
// into the domain value T.
func convert[I, T any](raws []map[string]types.AttributeValue, to func(I) (T, error)) ([]T, error) {
	out := make([]T, 0, len(raws))
	for _, raw := range raws {
		var it I
		if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
			return nil, fmt.Errorf("unmarshal %T: %w", it, err)
		}
		v, err := to(it)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

var errNoItem = fmt.Errorf("no item")

// batchGet reads keys (100 a call, unprocessed keys retried), projecting
// proj, and hands each item found to each.
func (s *Store) batchGet(ctx context.Context, op string, keys []map[string]types.AttributeValue, proj string, each func(map[string]types.AttributeValue)) error {
	for len(keys) > 0 {
		n := min(100, len(keys))
		batch := keys[:n]
		keys = keys[n:]
		for attempt := 0; len(batch) > 0; attempt++ {
			ka := types.KeysAndAttributes{Keys: batch, ConsistentRead: aws.Bool(true)}
			if proj != "" { // "": whole items
				ka.ProjectionExpression = aws.String(proj)
			}
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
				RequestItems:           map[string]types.KeysAndAttributes{s.table: ka},
				ReturnConsumedCapacity: returnCapacity(ctx),
			})
			if err != nil {
				return mapErr(op, err)
			}
			for i := range res.ConsumedCapacity {
				recordRead(ctx, 0, &res.ConsumedCapacity[i])
			}
			for _, it := range res.Responses[s.table] {
				each(it)
			}
			batch = res.UnprocessedKeys[s.table].Keys
			if attempt > 10 && len(batch) > 0 {
				return mapErr(op, context.DeadlineExceeded)
			}
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
