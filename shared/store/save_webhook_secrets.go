package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/webhook"
)

// SaveWebhookSecrets implements webhook.SecretStore.
func (s *Store) SaveWebhookSecrets(ctx context.Context, set webhook.SecretSet, prev int, integration *member.User) error {
	it := toSecretItem(set)
	changed := apperr.Conflict("the webhook secret was rotated by someone else just now; rotate again")
	var items []txItem
	if prev == 0 {
		items = append(items, s.putNew(marshal(it), changed))
	} else {
		items = append(items, s.put(marshal(it), "version = :v", nil, map[string]types.AttributeValue{":v": avN(prev)}, changed))
	}
	if integration != nil {
		items = append(items, s.putNew(marshal(toUserItem(*integration)), apperr.Conflict("user %s already exists", integration.ID)), s.userAdded(*integration))
	}
	return s.transact(ctx, "save webhook secrets", items...)
}
