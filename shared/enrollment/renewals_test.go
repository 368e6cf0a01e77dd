package enrollment_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

// renewalStore is the table as the renewals run sees it: memstore, with
// the program (hosted by mem_host), the enrollment (holding its place in
// the program) and, when given, the partner's member record.
func renewalStore(t *testing.T, prg program.Program, e enrollment.Enrollment, partner *member.Member) *memstore.Store {
	t.Helper()
	ctx := context.Background()
	st := memstore.New(keyring.Fixed("k", []byte("k")))
	members := []member.Member{{ID: "mem_host", Name: "Host", Domain: "host.example", Kind: member.Full, Version: 1}}
	if partner != nil {
		members = append(members, *partner)
	}
	if err := st.Seed().Members(ctx, members); err != nil {
		t.Fatal(err)
	}
	prg.HostMemberID, prg.Slug, prg.Version = "mem_host", prg.ID, 1
	if err := st.CreateProgram(ctx, prg, idem.None); err != nil {
		t.Fatal(err)
	}
	if err := st.Seed().Enrollments(ctx, []enrollment.Enrollment{e}); err != nil {
		t.Fatal(err)
	}
	return st
}

func enrollmentOf(t *testing.T, st *memstore.Store, id string) enrollment.Enrollment {
	t.Helper()
	e, err := st.GetEnrollment(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func invoiceOf(st *memstore.Store, id string) billing.Invoice {
	inv, _ := st.GetInvoice(context.Background(), id)
	return inv
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
		for i, step := range []enrollment.RenewalStep{enrollment.RenewalHeadsUp, enrollment.RenewalInvoiced, enrollment.RenewalLapsed, enrollment.RenewalWarned, enrollment.RenewalTerminated} {
			if got := billing.Date(enrollment.RenewalStepAt(r, step)); got != tc.steps[i] {
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
	st := renewalStore(t, program.Program{ID: "prg_1", Name: "P", NotifyEmails: []string{"host@x.example"}}, enrollment.Enrollment{
		ID: id, ProgramID: "prg_1", MemberID: "mem_1", Status: enrollment.Active, GoLiveAt: day("2028-02-29"), RenewalDate: renewal,
		Contacts: enrollment.Contacts{Primary: member.Contact{Email: "p@x.example"}, Billing: member.Contact{Email: "b@x.example"}}, Version: 3,
	}, nil)
	s := enrollment.NewService(st, enrollment.Service{Now: func() time.Time { return renewal }, Links: enrollment.Links{Keys: keyring.Fixed("k", []byte("k"))}})
	ctx := context.Background()

	done, err := s.Renew(ctx, id, renewal.Add(time.Hour))
	if err != nil || len(done) != 3 || done[0] != enrollment.RenewalHeadsUp || done[1] != enrollment.RenewalInvoiced || done[2] != enrollment.RenewalLapsed {
		t.Fatalf("a late run did %v (%v), want heads-up, invoice, lapse", done, err)
	}
	e := enrollmentOf(t, st, id)
	if e.Status != enrollment.Lapsed || e.Version != 6 || e.RenewalInvoiceID == "" {
		t.Fatalf("after the run: %s v%d invoice %q", e.Status, e.Version, e.RenewalInvoiceID)
	}
	inv := invoiceOf(st, e.RenewalInvoiceID)
	if !inv.DueAt.Equal(renewal) || inv.PeriodStart != "2029-02-28" || inv.PeriodEnd != "2030-02-28" || inv.TotalCents != billing.MembershipFeeCents {
		t.Errorf("renewal invoice: due %s, %s to %s, %d cents", inv.DueAt, inv.PeriodStart, inv.PeriodEnd, inv.TotalCents)
	}
	var mails []string
	for _, m := range st.Outbox() {
		mails = append(mails, m.Template())
	}
	if want := "renewal_heads_up invoice_issued renewal_lapsed"; join(mails) != want {
		t.Errorf("mails %q, want %q", join(mails), want)
	}
	if again, err := s.Renew(ctx, id, renewal.Add(time.Hour)); err != nil || len(again) != 0 {
		t.Fatalf("a repeated run did %v (%v), want nothing", again, err)
	}
	done, err = s.Renew(ctx, id, day("2029-05-29"))
	if err != nil || len(done) != 2 || enrollmentOf(t, st, id).Status != enrollment.Terminated {
		t.Fatalf("day 90: %v (%v), status %s", done, err, enrollmentOf(t, st, id).Status)
	}
	if got := invoiceOf(st, e.RenewalInvoiceID).Status; got != billing.Void {
		t.Errorf("the unpaid renewal invoice is %s after termination, want void", got)
	}
	if _, _, ok := enrollmentOf(t, st, id).NextRenewal(); ok {
		t.Error("a terminated enrollment still has a renewal step due")
	}
}

func join(xs []string) string { return strings.Join(xs, " ") }

// A billing contact corrected on the member after sign-up gets the renewal
// heads-up and invoice; the address typed at sign-up gets nothing more.
func TestRenewalBillsTheMembersCurrentContact(t *testing.T) {
	const id = "enr_01J0000000000000000000BILL"
	renewal := day("2029-02-28")
	st := renewalStore(t, program.Program{ID: "prg_1", Name: "P"}, enrollment.Enrollment{
		ID: id, ProgramID: "prg_1", MemberID: "mem_1", Status: enrollment.Active, GoLiveAt: day("2028-02-28"), RenewalDate: renewal,
		Company:  enrollment.Company{Name: "Old Name"},
		Contacts: enrollment.Contacts{Primary: member.Contact{Email: "p@x.example"}, Billing: member.Contact{Name: "Typo", Email: "bilings@x.example"}}, Version: 1,
	}, &member.Member{ID: "mem_1", Name: "New Name", Domain: "x.example", Kind: member.Full, Version: 1, Contacts: member.Contacts{
		Primary: member.Contact{Email: "p@x.example"}, Billing: member.Contact{Name: "Accounts", Email: "accounts@x.example"}}})
	s := enrollment.NewService(st, enrollment.Service{Now: func() time.Time { return renewal }, Links: enrollment.Links{Keys: keyring.Fixed("k", []byte("k"))}})
	if done, err := s.Renew(context.Background(), id, enrollment.RenewalStepAt(renewal, enrollment.RenewalInvoiced)); err != nil || len(done) != 2 {
		t.Fatalf("heads-up and invoice: %v (%v)", done, err)
	}
	var to []string
	for _, m := range st.Outbox() {
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
	if want := "renewal_heads_up:p@x.example accounts@x.example invoice_issued:accounts@x.example"; join(to) != want {
		t.Errorf("renewal mails went to %q, want %q", join(to), want)
	}
}
