package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
)

// ApplyEnrollmentChange implements enrollment.Store: the enrollment is replaced only if it
// still has the version and status it was read with; invoices likewise;
// everything else the transition causes goes in the same transaction.
func (s *Store) ApplyEnrollmentChange(ctx context.Context, c enrollment.Change) error {
	var items []txItem
	if c.PaymentEvent != "" {
		items = append(items, s.paymentEventWrite(c.PaymentEvent))
	}
	if c.After.ID != "" {
		items = append(items,
			s.put(marshal(toEnrollmentItem(c.After)), "version = :v AND #s = :s", map[string]string{"#s": "status"},
				map[string]types.AttributeValue{":v": avN(c.Before.Version), ":s": av(string(c.Before.Status))},
				apperr.Conflict("enrollment %s was changed by someone else (it is no longer %s at version %d); reload it",
					c.Before.ID, c.Before.Status, c.Before.Version)),
			s.enrollmentEventWrite(c.After.ID, c.After.Version, c.Event),
		)
	}
	for _, ic := range c.Invoices {
		items = append(items, s.invoiceChange(ic.Before, ic.After, c.Event.Actor)...)
	}
	for _, n := range c.InvoiceNotes {
		items = append(items, s.invoiceNoteWrite(n))
	}
	if c.NewInvoice != nil {
		items = append(items, s.invoiceGuard(c.InvoiceKey, c.NewInvoice.ID))
		items = append(items, s.invoiceWrite(*c.NewInvoice, c.Event.Actor)...)
	}
	if c.Department != nil {
		items = append(items, s.newDepartment(*c.Department)...)
	}
	if dc := c.DepartmentChange; dc != nil {
		items = append(items,
			s.put(marshal(toDepartmentItem(dc.After)), "version = :v", nil, map[string]types.AttributeValue{":v": avN(dc.Before.Version)}, errVersion),
			s.departmentEvent(dc.After, dc.Before))
	}
	if c.Enroll {
		items = append(items, s.enrollPair(c.After))
	}
	if c.Release {
		items = append(items, s.releasePair(c.After))
	}
	if !c.Enroll && !c.Release && c.Before.Status != c.After.Status && holdsPair(c.Before.Status) && holdsPair(c.After.Status) {
		items = append(items, s.pairStatus(c.After))
	}
	for _, t := range c.Tokens {
		items = append(items, s.mailTokenWrite(t))
	}
	if c.UseToken != "" {
		items = append(items, s.useMailToken(c.UseToken, c.After.UpdatedAt))
	}
	if c.Admin != nil {
		items = append(items, s.adminSignIn(*c.Admin)...)
	}
	items = append(items, s.outboxWrites(c.Messages)...)
	return s.transact(ctx, "apply enrollment change", items...)
}
