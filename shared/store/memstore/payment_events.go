package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
)

func paymentEventPK(key string) string { return "PAYEVENT#" + key }

// paymentEventRec records that a payment provider's event was processed.
type paymentEventRec struct{}

// paymentEventWrite records key once, in the transaction of its effect,
// first, as the DynamoDB store does.
func paymentEventWrite(key string) write {
	return putNew(&item{PK: paymentEventPK(key), SK: metaSK, v: paymentEventRec{}}, apperr.Conflict("this payment event was already processed"))
}

// invoiceNoteWrite is an entry of an invoice's timeline at its version.
func invoiceNoteWrite(n enrollment.InvoiceNote) write {
	return auditWrite(invoicePK(n.InvoiceID), n.Version, n.Event)
}

// PaymentEventRecorded implements enrollment.PaymentEvents.
func (s *Store) PaymentEventRecorded(ctx context.Context, key string) (bool, error) {
	_, ok := getVal[paymentEventRec](s, paymentEventPK(key), metaSK)
	return ok, nil
}
