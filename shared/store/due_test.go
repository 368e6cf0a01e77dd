package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/store"
	"github.com/tandemhq/tandem/shared/store/storetest"
)

// The escalation sweep reads what is due, not the table: 10 due cases cost
// the same reads next to 10 or 2,000 cases that are not due. (Was
// scripts/e2e TestEscalationReadsOnlyWhatIsDue, which ran the whole
// escalation job beside 10,000; what it measured is this read. Since
// seeding writes each case's queue and search entries too, 10,000 took a
// minute of the store's tests; 2,000 show the same: the due index's Query
// reads the due items and no others. make bench's sweep phase measures the
// job at 100,000.)
func TestDueCasesReadOnlyWhatIsDue(t *testing.T) {
	ctx := context.Background()
	now := t0
	mk := func(n int, due time.Time) []collab.Case {
		out := make([]collab.Case, n)
		for i := range out {
			out[i] = collab.Case{ID: ident.New(ident.Case, now), ProgramID: "prg_x", ProgramName: "P", ProgramType: program.PartnerProgram,
				SubmitterMemberID: "mem_s", SubmitterName: "S", SubmitterEmail: "s@s.example", ReceiverMemberID: "mem_r", ReceiverName: "R",
				DepartmentID: "dep_r", DepartmentName: "D", Priority: program.High, Summary: "s", Description: "d", Status: collab.Open,
				SLA: 2 * time.Hour, ResponseDueAt: due, Level2DueAt: due.Add(2 * time.Hour), CreatedAt: now, UpdatedAt: now, Version: 1}
		}
		return out
	}
	measure := func(notDue int) (items int, rcu float64) {
		t.Helper()
		s := storetest.New(t) // a table of its own
		if err := s.Seed().Cases(ctx, append(mk(10, now.Add(-time.Minute)), mk(notDue, now.Add(30*24*time.Hour))...)); err != nil {
			t.Fatal(err)
		}
		m := &store.Meter{}
		found := 0
		for {
			got, more, err := s.DueCases(store.WithMeter(ctx, m), now, 100)
			if err != nil {
				t.Fatal(err)
			}
			found += len(got)
			if !more {
				break
			}
		}
		if found != 10 {
			t.Fatalf("with %d not due: %d cases due, want the 10", notDue, found)
		}
		rcu, _, _, items = m.Snapshot()
		return items, rcu
	}
	small, smallRCU := measure(10)
	big, bigRCU := measure(2000)
	t.Logf("due cases: %d items read (%.1f RCU) beside 10 not due; %d items read (%.1f RCU) beside 2,000 not due", small, smallRCU, big, bigRCU)
	if big > small {
		t.Errorf("reads grew with the not-due cases: %d > %d", big, small)
	}
}
