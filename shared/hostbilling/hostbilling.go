// Package hostbilling bills host-paid programs once a year for their
// limited partner members, priced by volume bands.
package hostbilling

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// HostStore is what host billing needs of the table.
type HostStore interface {
	GetProgram(ctx context.Context, id string) (program.Program, error)
	GetMember(ctx context.Context, id string) (member.Member, error)
	ListProgramEnrollments(ctx context.Context, programID string, status enrollment.Status, limit int, cursor string) ([]enrollment.Enrollment, string, error)
	// MemberKinds returns the kind of each member (batched reads).
	MemberKinds(ctx context.Context, ids []string) (map[string]member.Kind, error)
	// BillProgramYear records year as billed (it must follow the last one
	// billed) and issues inv (nil: nothing to bill) once per program and
	// year, with its mail, in one transaction.
	BillProgramYear(ctx context.Context, programID string, year int, inv *billing.Invoice, msgs []notify.Message) error
}

// HostBilling bills host-paid programs yearly for their partners.
type HostBilling struct {
	store HostStore
	From  string
}

// NewHostBilling is the host billing over st configured as c (its exported fields):
// its store is its own, so no caller reads around its checks.
func NewHostBilling(st HostStore, c HostBilling) *HostBilling {
	c.store = st
	return &c
}

// Bill issues the host_annual invoices of program id due at or before now:
// for each anniversary of its start date passed and not yet billed, the
// limited members active or lapsed are counted, the band the count falls
// in prices every one of them. Repeated or concurrent runs bill each year
// once. It returns the invoices issued.
func (h *HostBilling) Bill(ctx context.Context, id string, now time.Time) ([]billing.Invoice, error) {
	var out []billing.Invoice
	for i := 0; i < 50; i++ {
		prg, err := h.store.GetProgram(ctx, id)
		if err != nil {
			return out, err
		}
		if prg.Payment != program.HostPaid {
			return out, nil
		}
		year := prg.BilledYears + 1
		start, err := time.Parse("2006-01-02", prg.StartDate)
		if err != nil {
			return out, fmt.Errorf("program %s start date %q: %w", id, prg.StartDate, err)
		}
		anniversary := billing.AddYears(start, year)
		if anniversary.After(now) {
			return out, nil
		}
		count, err := h.countLimited(ctx, prg.ID)
		if err != nil {
			return out, err
		}
		var inv *billing.Invoice
		var msgs []notify.Message
		if count > 0 {
			host, err := h.store.GetMember(ctx, prg.HostMemberID)
			if err != nil {
				return out, err
			}
			unit := program.UnitPrice(count, prg.PriceBands)
			end := billing.AddYears(start, year+1)
			i := billing.Invoice{
				ID: ident.New(ident.Invoice, now), MemberID: prg.HostMemberID, ProgramID: prg.ID, Kind: billing.HostAnnual,
				PeriodStart: billing.Date(anniversary), PeriodEnd: billing.Date(end),
				Lines:    []billing.Line{billing.NewLine(fmt.Sprintf("%s: %d limited partner members, year %d (%s to %s)", prg.Name, count, year, billing.Date(anniversary), billing.Date(end)), count, unit)},
				Currency: billing.Currency, Status: billing.Open, IssuedAt: now, DueAt: now.Add(billing.PaymentTerms), CreatedAt: now, UpdatedAt: now, Version: 1,
			}
			i.TotalCents = billing.Total(i.Lines)
			inv = &i
			msgs = append(msgs, notify.Message{
				ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: h.From,
				To: []string{host.Contacts.Billing.Email}, Ref: i.ID, CreatedAt: now,
				Data: billing.InvoiceMail(i, host.Contacts.Billing.Name, host.Name, prg.Name, "yearly partner", ""),
			})
		}
		if err := h.store.BillProgramYear(ctx, prg.ID, year, inv, msgs); err != nil {
			if errors.Is(err, apperr.ErrConflict) {
				return out, nil // another run billed it
			}
			return out, fmt.Errorf("bill program %s year %d: %w", id, year, err)
		}
		if inv != nil {
			out = append(out, *inv)
		}
	}
	return out, nil
}

// countLimited counts the program's limited members that are active or lapsed.
func (h *HostBilling) countLimited(ctx context.Context, programID string) (int, error) {
	var ids []string
	for _, st := range []enrollment.Status{enrollment.Active, enrollment.Lapsed} {
		cursor := ""
		for {
			es, next, err := h.store.ListProgramEnrollments(ctx, programID, st, 200, cursor)
			if err != nil {
				return 0, err
			}
			for _, e := range es {
				ids = append(ids, e.MemberID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
	}
	kinds, err := h.store.MemberKinds(ctx, ids)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		if kinds[id] == member.Limited {
			n++
		}
	}
	return n, nil
}
