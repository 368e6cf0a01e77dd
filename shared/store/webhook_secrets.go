package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/webhook"
)

// Webhook secrets are stored as they are: HMAC needs the key itself. The
// table is encrypted at rest; nothing returns a secret but its rotation.
type secretItem struct {
	keyAttrs
	Current       string `dynamodbav:"current"`
	Previous      string `dynamodbav:"previous,omitempty"`
	PreviousUntil string `dynamodbav:"previousUntil,omitempty"`
	UserID        string `dynamodbav:"userId"`
	RotatedAt     string `dynamodbav:"rotatedAt"`
	Version       int    `dynamodbav:"version"`
}

// toSecretItem is a member's webhook secrets as stored.
func toSecretItem(set webhook.SecretSet) secretItem {
	it := secretItem{keyAttrs: keyAttrs{PK: memberPK(set.MemberID), SK: secretSK, Type: "webhook_secrets"}, Current: set.Current, Previous: set.Previous,
		UserID: set.UserID, RotatedAt: iso(set.RotatedAt), Version: set.Version}
	if !set.PreviousUntil.IsZero() {
		it.PreviousUntil = iso(set.PreviousUntil)
	}
	return it
}

// GetWebhookSecrets implements webhook.Store.
func (s *Store) GetWebhookSecrets(ctx context.Context, memberID string) (webhook.SecretSet, error) {
	var it secretItem
	if err := s.getItem(ctx, "get webhook secrets", key(memberPK(memberID), secretSK), &it, webhook.ErrNoSecret); err != nil {
		return webhook.SecretSet{}, err
	}
	return webhook.SecretSet{
		MemberID: memberID, Current: it.Current, Previous: it.Previous, PreviousUntil: parseISO(it.PreviousUntil),
		UserID: it.UserID, RotatedAt: parseISO(it.RotatedAt), Version: it.Version,
	}, nil
}
