// Package billing is invoices: membership fees of member-paid programs,
// their renewals, and hosts' yearly bills for their partners. Money is
// integer cents with a currency, never a float.
package billing

import (
	"fmt"
	"time"

	"github.com/tandemhq/tandem/shared/notify"
)

// Kind of invoice.
type Kind string

// Kinds.
const (
	Membership Kind = "membership"
	Renewal    Kind = "renewal"
	HostAnnual Kind = "host_annual"
)

// Status of an invoice.
type Status string

// Statuses.
const (
	Open Status = "open"
	Paid Status = "paid"
	Void Status = "void"
)

// Currency of every invoice.
const Currency = "USD"

// MembershipFeeCents is the yearly fee of a member-paid membership.
const MembershipFeeCents = 50000

// PaymentTerms is how long after issue an invoice is due, unless a due date
// is set (renewals are due on the renewal date).
const PaymentTerms = 30 * 24 * time.Hour

// Line is one line of an invoice.
type Line struct {
	Description string `json:"description"`
	Quantity    int    `json:"quantity"`
	UnitCents   int64  `json:"unitCents"`
	AmountCents int64  `json:"amountCents"`
}

// Invoice is a bill to a member.
type Invoice struct {
	ID           string
	MemberID     string
	ProgramID    string
	EnrollmentID string
	Kind         Kind
	// PeriodStart and PeriodEnd are civil dates (YYYY-MM-DD), end exclusive.
	PeriodStart string
	PeriodEnd   string
	Lines       []Line
	TotalCents  int64
	Currency    string
	Status      Status
	IssuedAt    time.Time
	DueAt       time.Time
	PaidAt      time.Time
	PaymentRef  string
	PaidCents   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int
}

// NewLine prices quantity units.
func NewLine(desc string, qty int, unit int64) Line {
	return Line{Description: desc, Quantity: qty, UnitCents: unit, AmountCents: int64(qty) * unit}
}

// Total sums the lines.
func Total(lines []Line) int64 {
	var t int64
	for _, l := range lines {
		t += l.AmountCents
	}
	return t
}

// Date formats a civil date.
func Date(t time.Time) string { return t.UTC().Format("2006-01-02") }

// AddYears moves t by n years; Feb 29 becomes Feb 28 in common years (an
// anniversary never skips into March).
func AddYears(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	target := y + n
	if m == time.February && d == 29 && !leap(target) {
		d = 28
	}
	return time.Date(target, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// Money formats cents for people: 50000 → "USD 500.00".
func Money(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%s %d.%02d", sign, Currency, cents/100, cents%100)
}

// InvoiceMail is the mail that carries inv to contactName of company,
// for program; kind says what the invoice is for ("membership", …);
// payLink pays it online ("" for none, see PayLinks).
func InvoiceMail(inv Invoice, contactName, company, program, kind, payLink string) notify.InvoiceIssued {
	lines := make([]notify.InvoiceLine, len(inv.Lines))
	for i, l := range inv.Lines {
		lines[i] = notify.InvoiceLine{Description: l.Description, Quantity: l.Quantity, Unit: Money(l.UnitCents), Amount: Money(l.AmountCents)}
	}
	return notify.InvoiceIssued{
		ContactName: contactName, CompanyName: company, ProgramName: program, InvoiceID: inv.ID, Kind: kind,
		Total: Money(inv.TotalCents), Due: inv.DueAt.Format("2 January 2006"), PeriodStart: inv.PeriodStart, PeriodEnd: inv.PeriodEnd,
		Lines: lines, PayLink: payLink,
	}
}
