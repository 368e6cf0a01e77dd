package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/member"
)

// MemberKinds returns each member's kind with batched reads (100 keys a
// call, unprocessed keys retried).
func (s *Store) MemberKinds(ctx context.Context, ids []string) (map[string]member.Kind, error) {
	out := map[string]member.Kind{}
	seen := map[string]bool{}
	var keys []map[string]types.AttributeValue
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			keys = append(keys, memberKey(id))
		}
	}
	for len(keys) > 0 {
		n := min(100, len(keys))
		batch := keys[:n]
		keys = keys[n:]
		for attempt := 0; len(batch) > 0; attempt++ {
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
				RequestItems: map[string]types.KeysAndAttributes{s.table: {
					Keys: batch, ProjectionExpression: aws.String("id, kind"), ConsistentRead: aws.Bool(true),
				}},
				ReturnConsumedCapacity: returnCapacity(ctx),
			})
			if err != nil {
				return nil, mapErr("read member kinds", err)
			}
			for i := range res.ConsumedCapacity {
				recordRead(ctx, 0, &res.ConsumedCapacity[i])
			}
			for _, it := range res.Responses[s.table] {
				id, _ := it["id"].(*types.AttributeValueMemberS)
				kind, _ := it["kind"].(*types.AttributeValueMemberS)
				if id != nil && kind != nil {
					out[id.Value] = member.Kind(kind.Value)
				}
			}
			batch = res.UnprocessedKeys[s.table].Keys
			if attempt > 10 && len(batch) > 0 {
				return nil, mapErr("read member kinds", context.DeadlineExceeded)
			}
		}
	}
	return out, nil
}
