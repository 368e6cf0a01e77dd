package store

import (
	"context"

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
	err := s.batchGet(ctx, "read member kinds", keys, "id, kind", func(it map[string]types.AttributeValue) {
		id, _ := it["id"].(*types.AttributeValueMemberS)
		kind, _ := it["kind"].(*types.AttributeValueMemberS)
		if id != nil && kind != nil {
			out[id.Value] = member.Kind(kind.Value)
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
