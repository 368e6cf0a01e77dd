package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
)

// ApplyEnrollmentChange implements enrollment.Store: the enrollment is
// replaced only if it still has the version and status it was read with;
// invoices likewise; everything else the transition causes goes in the
// same transaction.
func (s *Store) ApplyEnrollmentChange(ctx context.Context, c enrollment.Change) error {
	var ws []write
	if c.PaymentEvent != "" {
		ws = append(ws, paymentEventWrite(c.PaymentEvent))
	}
	if c.After.ID != "" {
		ws = append(ws,
			putIf(enrollmentItem(c.After), func(cur *item) bool {
				e, ok := valOf[enrollment.Enrollment](cur)
				return ok && e.Version == c.Before.Version && e.Status == c.Before.Status
			}, apperr.Conflict("enrollment %s was changed by someone else (it is no longer %s at version %d); reload it",
				c.Before.ID, c.Before.Status, c.Before.Version)),
			enrollmentEventWrite(c.After.ID, c.After.Version, c.Event),
		)
	}
	for _, ic := range c.Invoices {
		ws = append(ws, invoiceChange(ic.Before, ic.After, c.Event.Actor)...)
	}
	for _, n := range c.InvoiceNotes {
		ws = append(ws, invoiceNoteWrite(n))
	}
	if c.NewInvoice != nil {
		ws = append(ws, invoiceGuard(c.InvoiceKey, c.NewInvoice.ID))
		ws = append(ws, invoiceWrite(*c.NewInvoice, c.Event.Actor)...)
	}
	if c.Department != nil {
		ws = append(ws, newDepartment(*c.Department)...)
	}
	if dc := c.DepartmentChange; dc != nil {
		ws = append(ws, putIf(departmentItem(dc.After), deptAtVersion(dc.Before.Version), errVersion), departmentEvent(dc.After, dc.Before))
	}
	if c.Enroll {
		ws = append(ws, enrollPair(c.After))
	}
	if c.Release {
		ws = append(ws, releasePair(c.After))
	}
	if !c.Enroll && !c.Release && c.Before.Status != c.After.Status && holdsPair(c.Before.Status) && holdsPair(c.After.Status) {
		ws = append(ws, pairStatus(c.After))
	}
	for _, t := range c.Tokens {
		ws = append(ws, mailTokenWrite(t))
	}
	if c.UseToken != "" {
		ws = append(ws, useMailToken(c.UseToken, c.After.UpdatedAt))
	}
	if c.Admin != nil {
		ws = append(ws, adminSignIn(*c.Admin)...)
	}
	ws = append(ws, outboxWrites(c.Messages)...)
	return s.transact("apply enrollment change", ws...)
}
