package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/table"
)

// ListMemberInvoices pages through a member's invoices, newest first.
func (s *Store) ListMemberInvoices(ctx context.Context, memberID string, limit int, cursor string) ([]billing.Invoice, string, error) {
	items, next, err := s.queryPage(ctx, pageQuery{
		op: "list invoices", index: table.GSI1, pkAttr: table.GSI1PK, pk: memberInvoicesPK(memberID), skAttr: table.GSI1SK,
		limit: limit, cursor: cursor, newestFirst: true,
	})
	if err != nil {
		return nil, "", err
	}
	out, err := convert(items, invoiceItem.domain)
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}
