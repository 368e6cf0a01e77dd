package billing

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/ident"
)

// Store is what invoice reads need.
type Store interface {
	GetInvoice(ctx context.Context, id string) (Invoice, error)
	ListMemberInvoices(ctx context.Context, memberID string, limit int, cursor string) ([]Invoice, string, error)
	// ListInvoiceEvents is the invoice's timeline, oldest first.
	ListInvoiceEvents(ctx context.Context, id string, limit int, cursor string) ([]audit.Event, string, error)
}

// Service reads invoices for the billed member's admins and operators.
type Service struct {
	store Store
}

// NewService is the service over st configured as c (its exported fields):
// its store is its own, so no caller reads around its checks.
func NewService(st Store, c Service) *Service {
	c.store = st
	return &c
}

// Events is an invoice's timeline: issued, paid, changed (see Get).
func (s *Service) Events(ctx context.Context, p auth.Principal, id string, limit int, cursor string) ([]audit.Event, string, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, "", err
	}
	return s.store.ListInvoiceEvents(ctx, id, limit, cursor)
}

// Get returns an invoice to the billed member's admins and operators.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Invoice, error) {
	if !ident.Valid(ident.Invoice, id) {
		return Invoice{}, apperr.NotFound("invoice %s not found", id)
	}
	inv, err := s.store.GetInvoice(ctx, id)
	if err != nil {
		return Invoice{}, err
	}
	if !p.In(inv.MemberID) {
		return Invoice{}, apperr.NotFound("invoice %s not found", id)
	}
	if !p.AdminOf(inv.MemberID) {
		return Invoice{}, apperr.Forbidden("invoices are for the admins of the billed member")
	}
	return inv, nil
}

// List returns a member's invoices, newest first. Members default to their own.
func (s *Service) List(ctx context.Context, p auth.Principal, memberID string, limit int, cursor string) ([]Invoice, string, error) {
	if memberID == "" {
		memberID = p.MemberID
	}
	if memberID == "" {
		return nil, "", apperr.InvalidField("memberId", "is required for operators")
	}
	if !p.In(memberID) {
		return nil, "", apperr.NotFound("member %s not found", memberID)
	}
	if !p.AdminOf(memberID) {
		return nil, "", apperr.Forbidden("invoices are for the admins of the billed member")
	}
	return s.store.ListMemberInvoices(ctx, memberID, limit, cursor)
}
