package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/table"
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

const secretSK = "WEBHOOKSECRET"

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

// toSecretItem is a member's webhook secrets as stored.
func toSecretItem(set webhook.SecretSet) secretItem {
	it := secretItem{keyAttrs: keyAttrs{PK: memberPK(set.MemberID), SK: secretSK, Type: "webhook_secrets"}, Current: set.Current, Previous: set.Previous,
		UserID: set.UserID, RotatedAt: iso(set.RotatedAt), Version: set.Version}
	if !set.PreviousUntil.IsZero() {
		it.PreviousUntil = iso(set.PreviousUntil)
	}
	return it
}

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

type deliveryItem struct {
	keyAttrs
	ID           string `dynamodbav:"id"`
	DepartmentID string `dynamodbav:"departmentId"`
	MessageID    string `dynamodbav:"messageId"`
	EventType    string `dynamodbav:"eventType"`
	URL          string `dynamodbav:"url"`
	Attempt      int    `dynamodbav:"attempt"`
	At           string `dynamodbav:"at"`
	Status       int    `dynamodbav:"status,omitempty"`
	OK           bool   `dynamodbav:"ok"`
	Error        string `dynamodbav:"error,omitempty"`
	DurationMS   int64  `dynamodbav:"durationMs"`
	ExpiresAt    int64  `dynamodbav:"expiresAt"`
}

// deliveryRetention is how long delivery attempts are listed.
const deliveryRetention = 30 * 24 * time.Hour

// RecordDelivery implements webhook.Store.
func (s *Store) RecordDelivery(ctx context.Context, d webhook.Delivery) error {
	return s.transact(ctx, "record delivery", s.putNew(marshal(toDeliveryItem(d)), apperr.Conflict("delivery %s already recorded", d.ID)))
}

// toDeliveryItem is an attempt as listed, kept deliveryRetention.
func toDeliveryItem(d webhook.Delivery) deliveryItem {
	return deliveryItem{
		keyAttrs: keyAttrs{
			// Attempts of one message within one millisecond still sort in order.
			PK: memberPK(d.MemberID), SK: deliverySK(d.At, d.MessageID, d.Attempt), Type: "webhook_delivery",
		},
		ID: d.ID, DepartmentID: d.DepartmentID, MessageID: d.MessageID, EventType: d.EventType, URL: d.URL, Attempt: d.Attempt,
		At: iso(d.At), Status: d.Status, OK: d.OK, Error: truncate(d.Error, 500), DurationMS: d.DurationMS,
		ExpiresAt: d.At.Add(deliveryRetention).Unix(),
	}
}

// ListDeliveries pages through a member's delivery attempts, newest first.
func (s *Store) ListDeliveries(ctx context.Context, memberID string, limit int, cursor string) ([]webhook.Delivery, string, error) {
	items, next, err := s.queryPage(ctx, pageQuery{
		op: "list deliveries", pkAttr: table.PK, pk: memberPK(memberID), skAttr: table.SK, skPrefix: deliveryPrefix,
		limit: limit, cursor: cursor, newestFirst: true,
	})
	if err != nil {
		return nil, "", err
	}
	out, err := convert(items, func(it deliveryItem) (webhook.Delivery, error) {
		return webhook.Delivery{
			ID: it.ID, MemberID: memberID, DepartmentID: it.DepartmentID, MessageID: it.MessageID, EventType: it.EventType,
			URL: it.URL, Attempt: it.Attempt, At: parseISO(it.At), Status: it.Status, OK: it.OK, Error: it.Error, DurationMS: it.DurationMS,
		}, nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// DisableWebhook implements webhook.Store.
func (s *Store) DisableWebhook(ctx context.Context, departmentID string, msgs []notify.Message) error {
	d, err := s.GetDepartment(ctx, departmentID) // the version its timeline entry takes
	if err != nil {
		return err
	}
	at := time.Now().UTC()
	if len(msgs) > 0 {
		at = msgs[0].CreatedAt // the notifier's clock
	}
	items := []txItem{
		s.update(departmentKey(departmentID), "SET webhookDisabled = :t, version = :next", "version = :v", nil,
			map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}, ":v": avN(d.Version), ":next": avN(d.Version + 1)},
			apperr.Conflict("department %s changed meanwhile; the webhook is disabled on the next failure", departmentID)),
		s.auditWrite(departmentPK(departmentID), d.Version+1, "department", audit.Event{At: at, Action: "webhook_disabled",
			From: "webhook on", To: "webhook off", Reason: "deliveries failed for a day"}),
	}
	items = append(items, s.outboxWrites(msgs)...)
	return s.transact(ctx, "disable webhook", items...)
}
