package memstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/billing"
)

// invoiceItem is inv as stored, in its member's list (GSI1) by issue time.
func invoiceItem(inv billing.Invoice) *item {
	it := &item{PK: invoicePK(inv.ID), SK: metaSK, GSI1PK: memberInvoicesPK(inv.MemberID), GSI1SK: iso(inv.IssuedAt) + "#" + inv.ID, v: normInvoice(inv)}
	if inv.Status == billing.Open {
		it.OpsPK, it.OpsSK = opsAttrs(opsInvoice, inv.ID, inv.DueAt)
	}
	return it
}

// invoiceWrite issues inv, with the first entry of its timeline.
func invoiceWrite(inv billing.Invoice, actor string) []write {
	return []write{
		putNew(invoiceItem(inv), apperr.Conflict("invoice %s already exists", inv.ID)),
		auditWrite(invoicePK(inv.ID), inv.Version, audit.Event{At: inv.CreatedAt, Actor: actor, Action: "issue", To: string(inv.Status),
			Reason: strings.ReplaceAll(string(inv.Kind), "_", " ") + ", " + money(inv.TotalCents, inv.Currency)}),
	}
}

// invoiceChange writes after over before (at before's version) with its
// timeline entry: the status moving, or the fields changed.
func invoiceChange(before, after billing.Invoice, actor string) []write {
	ev := audit.Event{At: after.UpdatedAt, Actor: actor, Action: "update",
		Reason: audit.ChangedText(changedFields(invoiceAttrs(before), invoiceAttrs(after)))}
	if before.Status != after.Status {
		ev.Action, ev.From, ev.To = string(after.Status), string(before.Status), string(after.Status)
		if after.PaymentRef != "" {
			ev.Reason = "payment " + after.PaymentRef + ", " + money(after.PaidCents, after.Currency)
		}
	}
	return []write{
		putIf(invoiceItem(after), atVersion[billing.Invoice](before.Version, func(i billing.Invoice) int { return i.Version }),
			apperr.Conflict("invoice %s was changed by someone else; reload it", before.ID)),
		auditWrite(invoicePK(after.ID), after.Version, ev),
	}
}

// money is an amount for a timeline: "USD 200.00".
func money(cents int64, currency string) string {
	return fmt.Sprintf("%s %d.%02d", currency, cents/100, cents%100)
}

// GetInvoice returns one invoice.
func (s *Store) GetInvoice(ctx context.Context, id string) (billing.Invoice, error) {
	inv, ok := getVal[billing.Invoice](s, invoicePK(id), metaSK)
	if !ok {
		return billing.Invoice{}, apperr.NotFound("invoice %s not found", id)
	}
	return normInvoice(inv), nil
}

// invoiceKeyRec holds an invoice's deterministic key, so it is issued once.
type invoiceKeyRec struct{ InvoiceID string }

func invoiceGuard(k, invoiceID string) write {
	return putNew(&item{PK: invoiceKeyPK(k), SK: metaSK, v: invoiceKeyRec{InvoiceID: invoiceID}}, apperr.Conflict("invoice %s was already issued", k))
}

// ListMemberInvoices pages through a member's invoices, newest first.
func (s *Store) ListMemberInvoices(ctx context.Context, memberID string, limit int, cursor string) ([]billing.Invoice, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := s.queryPage(pageQuery{op: "list invoices", index: idxGSI1, pk: memberInvoicesPK(memberID), limit: limit, cursor: cursor, newestFirst: true})
	if err != nil {
		return nil, "", err
	}
	out := make([]billing.Invoice, 0, len(items))
	for _, it := range items {
		out = append(out, normInvoice(it.v.(billing.Invoice)))
	}
	return out, next, nil
}
