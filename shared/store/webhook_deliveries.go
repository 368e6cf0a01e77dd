package store

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/webhook"
)

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

// RecordDelivery implements webhook.Store.
func (s *Store) RecordDelivery(ctx context.Context, d webhook.Delivery) error {
	return s.transact(ctx, "record delivery", s.putNew(marshal(toDeliveryItem(d)), apperr.Conflict("delivery %s already recorded", d.ID)))
}
