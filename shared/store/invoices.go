package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/billing"
)

type invoiceItem struct {
	keyAttrs
	ID           string `dynamodbav:"id"`
	MemberID     string `dynamodbav:"memberId"`
	ProgramID    string `dynamodbav:"programId"`
	EnrollmentID string `dynamodbav:"enrollmentId,omitempty"`
	Kind         string `dynamodbav:"kind"`
	PeriodStart  string `dynamodbav:"periodStart"`
	PeriodEnd    string `dynamodbav:"periodEnd"`
	Lines        string `dynamodbav:"lines"`
	TotalCents   int64  `dynamodbav:"totalCents"`
	Currency     string `dynamodbav:"currency"`
	Status       string `dynamodbav:"status"`
	IssuedAt     string `dynamodbav:"issuedAt"`
	DueAt        string `dynamodbav:"dueAt"`
	PaidAt       string `dynamodbav:"paidAt,omitempty"`
	PaymentRef   string `dynamodbav:"paymentRef,omitempty"`
	PaidCents    int64  `dynamodbav:"paidCents,omitempty"`
	CreatedAt    string `dynamodbav:"createdAt"`
	UpdatedAt    string `dynamodbav:"updatedAt"`
	Version      int    `dynamodbav:"version"`
}

func toInvoiceItem(inv billing.Invoice) invoiceItem {
	it := invoiceItem{
		keyAttrs: keyAttrs{
			PK: invoicePK(inv.ID), SK: metaSK, Type: "invoice",
			GSI1PK: memberInvoicesPK(inv.MemberID), GSI1SK: iso(inv.IssuedAt) + "#" + inv.ID,
		},
		ID: inv.ID, MemberID: inv.MemberID, ProgramID: inv.ProgramID, EnrollmentID: inv.EnrollmentID, Kind: string(inv.Kind),
		PeriodStart: inv.PeriodStart, PeriodEnd: inv.PeriodEnd, Lines: jsonAttr(toLineRecs(inv.Lines)), TotalCents: inv.TotalCents,
		Currency: inv.Currency, Status: string(inv.Status), IssuedAt: iso(inv.IssuedAt), DueAt: iso(inv.DueAt),
		PaymentRef: inv.PaymentRef, PaidCents: inv.PaidCents, CreatedAt: iso(inv.CreatedAt), UpdatedAt: iso(inv.UpdatedAt), Version: inv.Version,
	}
	if !inv.PaidAt.IsZero() {
		it.PaidAt = iso(inv.PaidAt)
	}
	// In the operators' index while open, at its due date: overdue once
	// that passed.
	if inv.Status == billing.Open {
		it.OpsPK, it.OpsSK = opsAttrs(opsInvoice, inv.ID, inv.DueAt)
	}
	return it
}

func (it invoiceItem) domain() (billing.Invoice, error) {
	inv := billing.Invoice{
		ID: it.ID, MemberID: it.MemberID, ProgramID: it.ProgramID, EnrollmentID: it.EnrollmentID, Kind: billing.Kind(it.Kind),
		PeriodStart: it.PeriodStart, PeriodEnd: it.PeriodEnd, TotalCents: it.TotalCents, Currency: it.Currency,
		Status: billing.Status(it.Status), IssuedAt: parseISO(it.IssuedAt), DueAt: parseISO(it.DueAt), PaidAt: parseISO(it.PaidAt),
		PaymentRef: it.PaymentRef, PaidCents: it.PaidCents, CreatedAt: parseISO(it.CreatedAt), UpdatedAt: parseISO(it.UpdatedAt), Version: it.Version,
	}
	var lines []lineRec
	if err := fromJSON(it.Lines, &lines); err != nil {
		return inv, fmt.Errorf("invoice %s lines: %w", it.ID, err)
	}
	inv.Lines = lineDomain(lines)
	return inv, nil
}

// invoiceWrite issues inv, with the first entry of its timeline (actor:
// who caused the issue — a sign-up, a payment step, Tandem's billing run).
func (s *Store) invoiceWrite(inv billing.Invoice, actor string) []txItem {
	return []txItem{
		s.putNew(marshal(toInvoiceItem(inv)), apperr.Conflict("invoice %s already exists", inv.ID)),
		s.auditWrite(invoicePK(inv.ID), inv.Version, "invoice", audit.Event{At: inv.CreatedAt, Actor: actor, Action: "issue", To: string(inv.Status),
			Reason: strings.ReplaceAll(string(inv.Kind), "_", " ") + ", " + money(inv.TotalCents, inv.Currency)}),
	}
}

// invoiceChange writes after over before (at before's version) with its
// timeline entry: the status moving, or the fields changed.
func (s *Store) invoiceChange(before, after billing.Invoice, actor string) []txItem {
	ev := audit.Event{At: after.UpdatedAt, Actor: actor, Action: "update",
		Reason: audit.ChangedText(changedFields(marshal(toInvoiceItem(before)), marshal(toInvoiceItem(after))))}
	if before.Status != after.Status {
		ev.Action, ev.From, ev.To = string(after.Status), string(before.Status), string(after.Status)
		if after.PaymentRef != "" {
			ev.Reason = "payment " + after.PaymentRef + ", " + money(after.PaidCents, after.Currency)
		}
	}
	return []txItem{
		s.put(marshal(toInvoiceItem(after)), "version = :v", nil, map[string]types.AttributeValue{":v": avN(before.Version)},
			apperr.Conflict("invoice %s was changed by someone else; reload it", before.ID)),
		s.auditWrite(invoicePK(after.ID), after.Version, "invoice", ev),
	}
}

// money is an amount for a timeline: "USD 200.00".
func money(cents int64, currency string) string {
	return fmt.Sprintf("%s %d.%02d", currency, cents/100, cents%100)
}

// GetInvoice returns one invoice.
func (s *Store) GetInvoice(ctx context.Context, id string) (billing.Invoice, error) {
	var it invoiceItem
	if err := s.getItem(ctx, "get invoice", invoiceKey(id), &it, apperr.NotFound("invoice %s not found", id)); err != nil {
		return billing.Invoice{}, err
	}
	return it.domain()
}

// invoiceKeyItem holds an invoice's deterministic key, so it is issued once.
type invoiceKeyItem struct {
	keyAttrs
	InvoiceID string `dynamodbav:"invoiceId"`
}

// invoiceGuard claims an invoice's deterministic key (kind, subject and
// period), so an invoice is issued at most once however often a run repeats.
func (s *Store) invoiceGuard(k, invoiceID string) txItem {
	return s.putNew(marshal(invoiceKeyItem{keyAttrs: keyAttrs{PK: invoiceKeyPK(k), SK: metaSK, Type: "invoice_key"}, InvoiceID: invoiceID}),
		apperr.Conflict("invoice %s was already issued", k))
}
