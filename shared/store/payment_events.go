package store

import (
	"context"
	"errors"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
)

// paymentEventPK is a payment provider's event, recorded once processed.
func paymentEventPK(key string) string { return "PAYEVENT#" + key }

// paymentEventItem records that a payment provider's event was processed.
type paymentEventItem struct {
	keyAttrs
}

// errPaymentEventDone is the condition failing when an event is recorded
// already: a concurrent delivery of it won.
var errPaymentEventDone = apperr.Conflict("this payment event was already processed")

// paymentEventWrite records key once, in the transaction of its effect.
// It goes first in the transaction, so a redelivery that lost the race
// reports it, not the invoice's version.
func (s *Store) paymentEventWrite(key string) txItem {
	return s.putNew(marshal(paymentEventItem{keyAttrs: keyAttrs{PK: paymentEventPK(key), SK: metaSK, Type: "payment_event"}}), errPaymentEventDone)
}

// invoiceNoteWrite is an entry of an invoice's timeline at its version.
func (s *Store) invoiceNoteWrite(n enrollment.InvoiceNote) txItem {
	return s.auditWrite(invoicePK(n.InvoiceID), n.Version, "invoice", n.Event)
}

// PaymentEventRecorded implements enrollment.PaymentEvents.
func (s *Store) PaymentEventRecorded(ctx context.Context, eventKey string) (bool, error) {
	var it paymentEventItem
	err := s.getItem(ctx, "get payment event", key(paymentEventPK(eventKey), metaSK), &it, apperr.NotFound("payment event %s not found", eventKey))
	if errors.Is(err, apperr.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
