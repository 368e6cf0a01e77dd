package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/suppression"
)

// Suppressed implements delivery.Suppressions: which of addrs (as given)
// Tandem no longer mails, in one batched read.
func (s *Store) Suppressed(ctx context.Context, addrs []string) (map[string]bool, error) {
	given := map[string][]string{} // normalized → as given
	var keys []map[string]types.AttributeValue
	for _, a := range addrs {
		n := suppression.Normalize(a)
		if n == "" {
			continue
		}
		if _, ok := given[n]; !ok {
			keys = append(keys, suppressionKey(n))
		}
		given[n] = append(given[n], a)
	}
	out := map[string]bool{}
	err := s.batchGet(ctx, "read suppressions", keys, "address", func(it map[string]types.AttributeValue) {
		if a, ok := it["address"].(*types.AttributeValueMemberS); ok {
			for _, g := range given[a.Value] {
				out[g] = true
			}
		}
	})
	return out, err
}
