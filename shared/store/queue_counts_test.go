package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/store"
	"github.com/tandemhq/tandem/shared/store/storetest"
)

// A member of before the queue counters is counted list by list (a Select
// COUNT each) until the backfill counts its counters; from then on its
// counts are one read of them, and its cases' steps move them.
func TestQueueCounters(t *testing.T) {
	db := storetest.Client(t)
	table := storetest.NewTable(t, db)
	s := store.New(db, table, storetest.Keys)
	ctx := context.Background()
	if err := s.Seed().Members(ctx, []member.Member{{ID: "mem_r", Name: "R", Domain: "r.example", CreatedAt: t0, UpdatedAt: t0, Version: 1},
		{ID: "mem_s", Name: "S", Domain: "s.example", CreatedAt: t0, UpdatedAt: t0, Version: 1}}); err != nil {
		t.Fatal(err)
	}
	var cs []collab.Case
	for i, st := range []collab.Status{collab.Open, collab.Open, collab.InformationRequested, collab.Closed} {
		at := t0.Add(time.Duration(i) * time.Hour)
		cs = append(cs, collab.Case{ID: ident.New(ident.Case, at), Ref: collab.NewRef(), ProgramID: "prg_x", ProgramName: "P", ProgramType: program.PartnerProgram,
			SubmitterMemberID: "mem_s", SubmitterName: "S", SubmitterEmail: "s@s.example", ReceiverMemberID: "mem_r", ReceiverName: "R",
			DepartmentID: "dep_r", DepartmentName: "D", Priority: program.High, Summary: "s", Description: "d", Status: st,
			SLA: 2 * time.Hour, ResponseDueAt: at.Add(2 * time.Hour), Level2DueAt: at.Add(4 * time.Hour), CreatedAt: at, UpdatedAt: at, Version: 1})
	}
	if err := s.Seed().Cases(ctx, cs); err != nil {
		t.Fatal(err)
	}
	// The second case is due at t0+3h: just after it, two are overdue.
	lists := []collab.QueueList{
		{MemberID: "mem_r", Side: collab.Receiver, List: collab.QueueOpen}, {MemberID: "mem_r", Side: collab.Receiver, List: collab.QueueClosed},
		{MemberID: "mem_r", List: collab.QueueNeeds}, {MemberID: "mem_s", List: collab.QueueNeeds},
		{MemberID: "mem_r", Side: collab.Receiver, List: collab.QueueRunning, DueBy: t0.Add(3*time.Hour + time.Minute)},
		{MemberID: "mem_s", Side: collab.Receiver, List: collab.QueueAll}, {MemberID: "mem_s", List: collab.QueueAll},
	}
	count := func(when string, want []int, trips int) {
		t.Helper()
		var m store.Meter
		got, err := s.CountQueue(store.WithMeter(ctx, &m), lists, 1000)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: counts %v %v, want %v", when, got, err, want)
		}
		if m.Trips() != trips {
			t.Errorf("%s: %d round trips, want %d", when, m.Trips(), trips)
		}
		two, err := s.CountQueue(ctx, lists, 2)
		capped := make([]int, len(want))
		for i, n := range want {
			capped[i] = min(n, 2)
		}
		if err != nil || !slices.Equal(two, capped) {
			t.Errorf("%s: counts up to 2 %v %v, want %v", when, two, err, capped)
		}
	}
	count("before the backfill: each list counted", []int{3, 1, 2, 1, 2, 0, 4}, 2) // the counters' read, then the lists
	sum, err := s.Backfill(ctx, 2)
	if err != nil || sum.Counted != 2 {
		t.Fatalf("backfill: %+v %v; want 2 members counted", sum, err)
	}
	count("after: off the counters", []int{3, 1, 2, 1, 2, 0, 4}, 1)
	answered := cs[2]
	answered.Status, answered.UpdatedAt, answered.Version = collab.Open, t0.Add(5*time.Hour), 2
	if err := s.AppendCaseNote(ctx, cs[2], answered, collab.Event{ID: "evt_a", At: answered.UpdatedAt, Actor: "usr_s", Side: collab.Submitter, Action: collab.Note, To: collab.Open, Text: "9.2"}, nil, idem.None); err != nil {
		t.Fatal(err)
	}
	count("the question answered", []int{3, 1, 3, 0, 2, 0, 4}, 1)
	if again, err := s.Backfill(ctx, 2); err != nil || again.Counted != 2 {
		t.Fatalf("a second backfill: %+v %v", again, err)
	}
	count("counted again", []int{3, 1, 3, 0, 2, 0, 4}, 1)
}
