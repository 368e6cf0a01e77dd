package hostbilling

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// fakeHost is HostStore in memory, paging enrollments seven at a time.
type fakeHost struct {
	prg    program.Program
	host   member.Member
	enr    []enrollment.Enrollment
	kinds  map[string]member.Kind
	billed []*billing.Invoice
}

func (f *fakeHost) GetProgram(context.Context, string) (program.Program, error) { return f.prg, nil }
func (f *fakeHost) GetMember(context.Context, string) (member.Member, error)    { return f.host, nil }
func (f *fakeHost) ListProgramEnrollments(_ context.Context, _ string, st enrollment.Status, _ int, cursor string) ([]enrollment.Enrollment, string, error) {
	var of []enrollment.Enrollment
	for _, e := range f.enr {
		if e.Status == st {
			of = append(of, e)
		}
	}
	start := 0
	fmt.Sscan(cursor, &start)
	end := min(start+7, len(of))
	next := ""
	if end < len(of) {
		next = fmt.Sprint(end)
	}
	return of[start:end], next, nil
}
func (f *fakeHost) MemberKinds(_ context.Context, ids []string) (map[string]member.Kind, error) {
	out := map[string]member.Kind{}
	for _, id := range ids {
		out[id] = f.kinds[id]
	}
	return out, nil
}
func (f *fakeHost) BillProgramYear(_ context.Context, _ string, year int, inv *billing.Invoice, _ []notify.Message) error {
	if year != f.prg.BilledYears+1 {
		return apperr.Conflict("year %d already billed", year)
	}
	f.prg.BilledYears = year
	f.billed = append(f.billed, inv)
	return nil
}

// partners makes n enrollments of status st, limited or full.
func partners(f *fakeHost, n int, st enrollment.Status, kind member.Kind) {
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("mem_%s_%s_%d", st, kind, i)
		f.enr = append(f.enr, enrollment.Enrollment{MemberID: id, Status: st})
		f.kinds[id] = kind
	}
}

// The yearly host invoice counts limited members that are active or lapsed
// on the anniversary (across pages), prices every one at the band the
// count falls in, and bills each year once; full members and other states
// are not billed.
func TestHostBillingCountsAndBands(t *testing.T) {
	for _, tc := range []struct {
		name                                   string
		active, lapsed, full, pending, removed int
		bands                                  []program.Band
		count                                  int
		unit                                   int64
	}{
		{"the API.md example", 28, 2, 2, 0, 0, nil, 30, 15000},
		{"band edge 25", 25, 0, 0, 3, 4, nil, 25, 20000},
		{"band edge 26", 20, 6, 5, 0, 0, nil, 26, 15000},
		{"above the last band", 401, 0, 0, 0, 0, nil, 401, 5000},
		{"the program's own bands", 4, 1, 0, 0, 0, []program.Band{{UpTo: 3, UnitCents: 900}, {UpTo: 10, UnitCents: 700}}, 5, 700},
		{"nobody to bill", 0, 0, 3, 2, 0, nil, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeHost{
				prg:   program.Program{ID: "prg_1", Name: "P", HostMemberID: "mem_h", Payment: program.HostPaid, StartDate: "2025-01-15", PriceBands: tc.bands},
				host:  member.Member{ID: "mem_h", Name: "Host", Contacts: member.Contacts{Billing: member.Contact{Name: "B", Email: "b@h.example"}}},
				kinds: map[string]member.Kind{},
			}
			partners(f, tc.active, enrollment.Active, member.Limited)
			partners(f, tc.lapsed, enrollment.Lapsed, member.Limited)
			partners(f, tc.full, enrollment.Active, member.Full)
			partners(f, tc.pending, enrollment.PendingApproval, member.Limited)
			partners(f, tc.removed, enrollment.Removed, member.Limited)
			h := &HostBilling{store: f, From: "T <t@x.example>"}
			now := time.Date(2026, 1, 15, 6, 0, 0, 0, time.UTC)
			out, err := h.Bill(context.Background(), "prg_1", now)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.billed) != 1 || f.prg.BilledYears != 1 {
				t.Fatalf("billed %d years (%d invoices), want year 1 once", f.prg.BilledYears, len(f.billed))
			}
			if tc.count == 0 {
				if len(out) != 0 || f.billed[0] != nil {
					t.Fatalf("an invoice for nobody: %+v", out)
				}
				return
			}
			inv := out[0]
			if inv.Lines[0].Quantity != tc.count || inv.Lines[0].UnitCents != tc.unit || inv.TotalCents != int64(tc.count)*tc.unit {
				t.Errorf("got %d × %d = %d, want %d × %d", inv.Lines[0].Quantity, inv.Lines[0].UnitCents, inv.TotalCents, tc.count, tc.unit)
			}
			if inv.PeriodStart != "2026-01-15" || inv.PeriodEnd != "2027-01-15" {
				t.Errorf("period %s to %s", inv.PeriodStart, inv.PeriodEnd)
			}
			if again, _ := h.Bill(context.Background(), "prg_1", now); len(again) != 0 {
				t.Errorf("a second run billed again: %+v", again)
			}
		})
	}
}

// A late run bills every year passed, each once, in order.
func TestHostBillingCatchesUp(t *testing.T) {
	f := &fakeHost{
		prg:   program.Program{ID: "prg_1", Name: "P", HostMemberID: "mem_h", Payment: program.HostPaid, StartDate: "2024-02-29"},
		kinds: map[string]member.Kind{},
	}
	partners(f, 3, enrollment.Active, member.Limited)
	out, err := (&HostBilling{store: f}).Bill(context.Background(), "prg_1", time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || len(out) != 3 {
		t.Fatalf("a run three years late billed %d (%v), want 3", len(out), err)
	}
	for i, want := range []string{"2025-02-28", "2026-02-28", "2027-02-28"} {
		if out[i].PeriodStart != want {
			t.Errorf("year %d starts %s, want %s (leap-day start)", i+1, out[i].PeriodStart, want)
		}
	}
}
