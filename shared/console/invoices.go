package console

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/router"
)

// dateLayout is how pages show civil dates.
const dateLayout = "2 January 2006"

// invoiceList serves GET /invoices: the signed-in admin's member's
// invoices (operators name the member with ?memberId=), newest first.
func (s *Server) invoiceList(ctx context.Context, r *router.Request) (*router.Response, error) {
	items, next, err := s.Invoices.List(ctx, r.Principal, r.Query.Get("memberId"), 25, r.Query.Get("cursor"))
	if err != nil {
		return nil, err
	}
	now, names := s.Now(), s.programNames(r.Principal)
	l := invoiceList{Nav: s.nav(r, "invoices"), NextCursor: next}
	if r.Principal.Operator {
		l.MemberID = r.Query.Get("memberId")
	}
	for _, inv := range items {
		l.Rows = append(l.Rows, invoiceRow{
			ID: inv.ID, Program: names(ctx, inv.ProgramID), Kind: string(inv.Kind), Period: period(inv),
			Total: billing.Money(inv.TotalCents), Status: string(inv.Status), Due: inv.DueAt.Format(dateLayout), Overdue: invoiceOverdue(inv, now),
		})
	}
	return router.Page(http.StatusOK, invoicesPage(l)), nil
}

// invoicePage serves GET /invoices/{id}: one invoice, printable.
func (s *Server) invoicePage(ctx context.Context, r *router.Request) (*router.Response, error) {
	inv, err := s.Invoices.Get(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	d := invoiceDoc{
		Nav: s.nav(r, "invoices"), ID: inv.ID, Kind: string(inv.Kind), Program: s.programNames(r.Principal)(ctx, inv.ProgramID), Status: string(inv.Status),
		Issued: inv.IssuedAt.Format(dateLayout), Due: inv.DueAt.Format(dateLayout), Period: period(inv),
		Total: billing.Money(inv.TotalCents), Currency: inv.Currency, Overdue: invoiceOverdue(inv, s.Now()),
	}
	m, err := s.Members.Get(ctx, r.Principal, inv.MemberID)
	if err != nil {
		return nil, err
	}
	d.Company, d.Contact, d.ContactEmail = m.Name, m.Contacts.Billing.Name, m.Contacts.Billing.Email
	for _, l := range inv.Lines {
		d.Lines = append(d.Lines, invoiceLine{Description: l.Description, Quantity: strconv.Itoa(l.Quantity), Unit: billing.Money(l.UnitCents), Amount: billing.Money(l.AmountCents)})
	}
	if inv.Status == billing.Paid {
		d.Paid, d.PaidAmount, d.PaymentRef = inv.PaidAt.Format(dateLayout), billing.Money(inv.PaidCents), inv.PaymentRef
	}
	evs, _, err := s.Invoices.Events(ctx, r.Principal, inv.ID, historyLimit, "")
	if err != nil {
		return nil, err
	}
	d.History = s.history(ctx, r, evs, inv.MemberID)
	return router.Page(http.StatusOK, invoicePage(d)), nil
}

// programNames looks program names up once per page, as p may see the
// programs; a program that cannot be read shows its id.
func (s *Server) programNames(p auth.Principal) func(context.Context, string) string {
	seen := map[string]string{}
	return func(ctx context.Context, id string) string {
		if n, ok := seen[id]; ok {
			return n
		}
		n := id
		if prg, _, err := s.Programs.Get(ctx, p, id); err == nil {
			n = prg.Name
		}
		seen[id] = n
		return n
	}
}

// period is an invoice's period as a person reads it: the end is exclusive
// in the data, the page names the last day covered.
func period(inv billing.Invoice) string {
	start, err1 := time.Parse(time.DateOnly, inv.PeriodStart)
	end, err2 := time.Parse(time.DateOnly, inv.PeriodEnd)
	if err1 != nil || err2 != nil || !end.After(start) {
		return inv.PeriodStart + " to " + inv.PeriodEnd
	}
	return start.Format(dateLayout) + " to " + end.AddDate(0, 0, -1).Format(dateLayout)
}

func invoiceOverdue(inv billing.Invoice, now time.Time) bool {
	return inv.Status == billing.Open && now.After(inv.DueAt)
}

// invoiceRow is one line of the invoices page.
type invoiceRow struct {
	ID, Program, Kind, Period, Total, Status, Due string
	Overdue                                       bool
}

// invoiceList is the member's invoices, newest first.
type invoiceList struct {
	Nav        nav
	Rows       []invoiceRow
	NextCursor string
	// MemberID names the member when an operator reads its invoices.
	MemberID string
}

// invoiceLine is one line of an invoice document.
type invoiceLine struct{ Description, Quantity, Unit, Amount string }

// invoiceDoc is one invoice laid out to read and to print.
type invoiceDoc struct {
	// History is the invoice's timeline (not printed).
	History                        []timelineEntry
	Nav                            nav
	ID, Kind, Program, Status      string
	Company, Contact, ContactEmail string
	Issued, Due, Period, Total     string
	Currency                       string
	Lines                          []invoiceLine
	// Paid, PaidAmount and PaymentRef are set once the invoice is paid.
	Paid, PaidAmount, PaymentRef string
	Overdue                      bool
}
