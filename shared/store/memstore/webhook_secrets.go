package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/webhook"
)

// GetWebhookSecrets implements webhook.Store.
func (s *Store) GetWebhookSecrets(ctx context.Context, memberID string) (webhook.SecretSet, error) {
	set, ok := getVal[webhook.SecretSet](s, memberPK(memberID), secretSK)
	if !ok {
		return webhook.SecretSet{}, webhook.ErrNoSecret
	}
	set.MemberID = memberID
	return set, nil
}

// SaveWebhookSecrets implements webhook.SecretStore: new secrets (prev 0)
// only where there are none, a rotation only over version prev; with the
// integration user it creates, if any.
func (s *Store) SaveWebhookSecrets(ctx context.Context, set webhook.SecretSet, prev int, integration *member.User) error {
	it := &item{PK: memberPK(set.MemberID), SK: secretSK, v: webhook.SecretSet{
		Current: set.Current, Previous: set.Previous, PreviousUntil: ts(set.PreviousUntil), UserID: set.UserID, RotatedAt: ts(set.RotatedAt), Version: set.Version,
	}}
	changed := apperr.Conflict("the webhook secret was rotated by someone else just now; rotate again")
	var ws []write
	if prev == 0 {
		ws = append(ws, putNew(it, changed))
	} else {
		ws = append(ws, putIf(it, atVersion[webhook.SecretSet](prev, func(s webhook.SecretSet) int { return s.Version }), changed))
	}
	if integration != nil {
		ws = append(ws, putNew(userItem(*integration), apperr.Conflict("user %s already exists", integration.ID)), userAdded(*integration))
	}
	return s.transact("save webhook secrets", ws...)
}
