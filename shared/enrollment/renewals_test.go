package enrollment

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// memStore is the table as the renewals run sees it (Renewals), in
// memory, with ApplyEnrollmentChange's version condition. The rest of
// Store is left nil: a renewal reaching past it would panic.
type memStore struct {
	Store
	enrollments map[string]Enrollment
	invoices    map[string]billing.Invoice
	programs    map[string]program.Program
	members     map[string]member.Member
	applied     []Change
}

func (m *memStore) GetEnrollment(_ context.Context, id string) (Enrollment, error) {
	if e, ok := m.enrollments[id]; ok {
		return e, nil
	}
	return Enrollment{}, apperr.NotFound("enrollment %s", id)
}
func (m *memStore) GetProgram(_ context.Context, id string) (program.Program, error) {
	return m.programs[id], nil
}
func (m *memStore) GetMember(_ context.Context, id string) (member.Member, error) {
	if mem, ok := m.members[id]; ok {
		return mem, nil
	}
	return member.Member{}, apperr.NotFound("member %s", id)
}
func (m *memStore) GetInvoice(_ context.Context, id string) (billing.Invoice, error) {
	if inv, ok := m.invoices[id]; ok {
		return inv, nil
	}
	return billing.Invoice{}, apperr.NotFound("invoice %s", id)
}
func (m *memStore) ApplyEnrollmentChange(_ context.Context, c Change) error {
	if cur := m.enrollments[c.After.ID]; cur.Version != c.Before.Version || cur.Status != c.Before.Status {
		return apperr.Conflict("enrollment changed")
	}
	m.enrollments[c.After.ID] = c.After
	if c.NewInvoice != nil {
		m.invoices[c.NewInvoice.ID] = *c.NewInvoice
	}
	for _, ic := range c.Invoices {
		m.invoices[ic.After.ID] = ic.After
	}
	m.applied = append(m.applied, c)
	return nil
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t.Add(9 * time.Hour)
}

// A renewal year's steps fall on fixed days around the renewal date, also
// for a partner that went live on a leap day or at a month's end.
func TestRenewalDates(t *testing.T) {
	for _, tc := range []struct {
		goLive string
		steps  [5]string // heads-up, invoice, lapse, warn, terminate
	}{
		{"2028-02-29", [5]string{"2029-01-14", "2029-01-29", "2029-02-28", "2029-05-15", "2029-05-29"}},
		{"2027-01-31", [5]string{"2027-12-17", "2028-01-01", "2028-01-31", "2028-04-16", "2028-04-30"}},
		{"2026-12-31", [5]string{"2027-11-16", "2027-12-01", "2027-12-31", "2028-03-16", "2028-03-30"}},
	} {
		r := billing.AddYears(day(tc.goLive), 1)
		for i, step := range []RenewalStep{RenewalHeadsUp, RenewalInvoiced, RenewalLapsed, RenewalWarned, RenewalTerminated} {
			if got := billing.Date(RenewalStepAt(r, step)); got != tc.steps[i] {
				t.Errorf("live %s: step %d on %s, want %s", tc.goLive, step, got, tc.steps[i])
			}
		}
	}
}

// A run that comes late does every step due, in order, once; a repeated
// run does nothing; the 90th day terminates and voids the open invoice.
func TestRenewCatchesUpOnceInOrder(t *testing.T) {
	const id = "enr_01J0000000000000000000RENW"
	renewal := day("2029-02-28")
	st := &memStore{
		enrollments: map[string]Enrollment{id: {
			ID: id, ProgramID: "prg_1", MemberID: "mem_1", Status: Active, GoLiveAt: day("2028-02-29"), RenewalDate: renewal,
			Contacts: Contacts{Primary: member.Contact{Email: "p@x.example"}, Billing: member.Contact{Email: "b@x.example"}}, Version: 3,
		}},
		invoices: map[string]billing.Invoice{},
		programs: map[string]program.Program{"prg_1": {ID: "prg_1", Name: "P", NotifyEmails: []string{"host@x.example"}}},
	}
	s := &Service{store: st, Now: func() time.Time { return renewal }}
	ctx := context.Background()

	done, err := s.Renew(ctx, id, renewal.Add(time.Hour))
	if err != nil || len(done) != 3 || done[0] != RenewalHeadsUp || done[1] != RenewalInvoiced || done[2] != RenewalLapsed {
		t.Fatalf("a late run did %v (%v), want heads-up, invoice, lapse", done, err)
	}
	e := st.enrollments[id]
	if e.Status != Lapsed || e.Version != 6 || e.RenewalInvoiceID == "" {
		t.Fatalf("after the run: %s v%d invoice %q", e.Status, e.Version, e.RenewalInvoiceID)
	}
	inv := st.invoices[e.RenewalInvoiceID]
	if !inv.DueAt.Equal(renewal) || inv.PeriodStart != "2029-02-28" || inv.PeriodEnd != "2030-02-28" || inv.TotalCents != billing.MembershipFeeCents {
		t.Errorf("renewal invoice: due %s, %s to %s, %d cents", inv.DueAt, inv.PeriodStart, inv.PeriodEnd, inv.TotalCents)
	}
	var mails []string
	for _, c := range st.applied {
		for _, m := range c.Messages {
			mails = append(mails, m.Template())
		}
	}
	if want := "renewal_heads_up invoice_issued renewal_lapsed"; join(mails) != want {
		t.Errorf("mails %q, want %q", join(mails), want)
	}
	if again, err := s.Renew(ctx, id, renewal.Add(time.Hour)); err != nil || len(again) != 0 {
		t.Fatalf("a repeated run did %v (%v), want nothing", again, err)
	}
	done, err = s.Renew(ctx, id, day("2029-05-29"))
	if err != nil || len(done) != 2 || st.enrollments[id].Status != Terminated {
		t.Fatalf("day 90: %v (%v), status %s", done, err, st.enrollments[id].Status)
	}
	if st.invoices[e.RenewalInvoiceID].Status != billing.Void {
		t.Errorf("the unpaid renewal invoice is %s after termination, want void", st.invoices[e.RenewalInvoiceID].Status)
	}
	if _, _, ok := st.enrollments[id].NextRenewal(); ok {
		t.Error("a terminated enrollment still has a renewal step due")
	}
}

func join(xs []string) string { return strings.Join(xs, " ") }

// A billing contact corrected on the member after sign-up gets the renewal
// heads-up and invoice; the address typed at sign-up gets nothing more.
func TestRenewalBillsTheMembersCurrentContact(t *testing.T) {
	const id = "enr_01J0000000000000000000BILL"
	renewal := day("2029-02-28")
	st := &memStore{
		enrollments: map[string]Enrollment{id: {
			ID: id, ProgramID: "prg_1", MemberID: "mem_1", Status: Active, GoLiveAt: day("2028-02-28"), RenewalDate: renewal,
			Company:  Company{Name: "Old Name"},
			Contacts: Contacts{Primary: member.Contact{Email: "p@x.example"}, Billing: member.Contact{Name: "Typo", Email: "bilings@x.example"}}, Version: 1,
		}},
		invoices: map[string]billing.Invoice{},
		programs: map[string]program.Program{"prg_1": {ID: "prg_1", Name: "P"}},
		members: map[string]member.Member{"mem_1": {ID: "mem_1", Name: "New Name", Contacts: member.Contacts{
			Primary: member.Contact{Email: "p@x.example"}, Billing: member.Contact{Name: "Accounts", Email: "accounts@x.example"}}}},
	}
	s := &Service{store: st, Now: func() time.Time { return renewal }}
	if done, err := s.Renew(context.Background(), id, RenewalStepAt(renewal, RenewalInvoiced)); err != nil || len(done) != 2 {
		t.Fatalf("heads-up and invoice: %v (%v)", done, err)
	}
	var to []string
	for _, c := range st.applied {
		for _, m := range c.Messages {
			to = append(to, m.Template()+":"+join(m.To))
			var company, contact string
			switch d := m.Data.(type) {
			case notify.RenewalHeadsUp:
				company, contact = d.CompanyName, d.ContactName
			case notify.InvoiceIssued:
				company, contact = d.CompanyName, d.ContactName
			}
			if company != "New Name" || contact != "Accounts" {
				t.Errorf("%s is addressed to %q at %q, want Accounts at New Name", m.Template(), contact, company)
			}
		}
	}
	if want := "renewal_heads_up:p@x.example accounts@x.example invoice_issued:accounts@x.example"; join(to) != want {
		t.Errorf("renewal mails went to %q, want %q", join(to), want)
	}
}
