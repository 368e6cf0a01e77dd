package report

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// rec is a case of member m opened at t0+open, due 2 h later, answered
// after resp (0: not answered).
func rec(id, m string, open, resp time.Duration, level int, closed bool) Record {
	r := Record{CaseID: id, ProgramID: "prg_1", ReceiverMemberID: m, ReceiverName: "Member " + m,
		CreatedAt: t0.Add(open), ResponseDueAt: t0.Add(open + 2*time.Hour), EscalationLevel: level}
	if resp > 0 {
		r.RespondedAt = r.CreatedAt.Add(resp)
	}
	if closed {
		r.ClosedAt = r.CreatedAt.Add(24 * time.Hour)
	}
	return r
}

// The figures below are worked out by hand from the fixture.
func TestComputeByHand(t *testing.T) {
	day := 24 * time.Hour
	recs := []Record{
		// Member A, January: answered after 30 min, 1 h, 2 h (on the dot:
		// within), 3 h (late, escalated once), 10 h (late, escalated twice).
		rec("a1", "A", 0, 30*time.Minute, 0, true),
		rec("a2", "A", day, time.Hour, 0, false),
		rec("a3", "A", 2*day, 2*time.Hour, 0, false),
		rec("a4", "A", 3*day, 3*time.Hour, 1, true),
		rec("a5", "A", 4*day, 10*time.Hour, 2, false),
		// Member B: one answered in February after 15 min; one unanswered
		// and overdue (escalated once); one unanswered, closed before due.
		rec("b1", "B", 30*day, 15*time.Minute, 0, false),
		rec("b2", "B", 31*day, 0, 1, false),
		{CaseID: "b3", ProgramID: "prg_1", ReceiverMemberID: "B", ReceiverName: "Member B",
			CreatedAt: t0.Add(32 * day), ResponseDueAt: t0.Add(32*day + 2*time.Hour), ClosedAt: t0.Add(32*day + time.Hour)},
		// Member B, still running at now: not measured.
		rec("b4", "B", 40*day, 0, 0, false),
		// Outside [from, to) — 4 January and 6 March: ignored.
		rec("x1", "A", -day, time.Minute, 0, false),
		rec("x2", "B", 60*day, time.Minute, 0, false),
	}
	from, to := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	now := t0.Add(40*day + time.Hour) // b4 is one hour old, due in one more
	rep := Compute("prg_1", from, to, now, recs)

	if len(rep.Rows) != 2 || rep.Rows[0].MemberID != "A" || rep.Rows[1].MemberID != "B" {
		t.Fatalf("rows: %+v", rep.Rows)
	}
	a, b, all := rep.Rows[0], rep.Rows[1], rep.Total
	// A: waits 1800, 3600, 7200, 10800, 36000 s: median (rank 3) 7200, p90 (rank 5) 36000.
	want(t, "A", a, 5, 5, 3, 5, 0.6, 7200, 36000, 2, 1, 3)
	// B: waits 900 s; measured b1 (within) and b2 (missed); b3 closed early, b4 running.
	want(t, "B", b, 4, 1, 1, 2, 0.5, 900, 900, 1, 0, 3)
	// All: waits 900 1800 3600 7200 10800 36000: median rank 3 = 3600, p90 rank ceil(5.4)=6 = 36000.
	want(t, "total", all, 9, 6, 4, 7, 0.5714, 3600, 36000, 3, 1, 6)
	if all.MemberName != "All members" || a.MemberName != "Member A" {
		t.Errorf("names: %q %q", all.MemberName, a.MemberName)
	}

	if len(rep.Months) != 2 || rep.Months[0].Month != "2026-01" || rep.Months[1].Month != "2026-02" {
		t.Fatalf("months: %+v", rep.Months)
	}
	// January holds all of A and none of B (b1 is 4 Feb: t0 + 30 days).
	jan, feb := rep.Months[0], rep.Months[1]
	if len(jan.Rows) != 1 || jan.Rows[0].MemberID != "A" || jan.Total.Cases != 5 {
		t.Errorf("January: %+v", jan)
	}
	want(t, "February", feb.Total, 4, 1, 1, 2, 0.5, 900, 900, 1, 0, 3)
}

func want(t *testing.T, what string, r Row, cases, responded, within, measured int, ratio float64, med, p90 int64, l1, l2, open int) {
	t.Helper()
	if r.Cases != cases || r.Responded != responded || r.WithinSLA != within || r.Measured != measured ||
		r.EscalatedLevel1 != l1 || r.EscalatedLevel2 != l2 || r.Open != open {
		t.Errorf("%s: got %+v; want cases %d responded %d within %d measured %d l1 %d l2 %d open %d",
			what, r, cases, responded, within, measured, l1, l2, open)
	}
	if r.WithinSLARatio == nil || *r.WithinSLARatio != ratio {
		t.Errorf("%s: ratio %v, want %v", what, r.WithinSLARatio, ratio)
	}
	if r.MedianFirstResponseSeconds == nil || *r.MedianFirstResponseSeconds != med ||
		r.P90FirstResponseSeconds == nil || *r.P90FirstResponseSeconds != p90 {
		t.Errorf("%s: median %v p90 %v, want %d %d", what, r.MedianFirstResponseSeconds, r.P90FirstResponseSeconds, med, p90)
	}
}

func TestEmptyPeriodHasNoRatio(t *testing.T) {
	from := time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
	rep := Compute("prg_1", from, from.AddDate(0, 0, 20), from, nil)
	if len(rep.Rows) != 0 || rep.Total.Cases != 0 || rep.Total.WithinSLARatio != nil || rep.Total.MedianFirstResponseSeconds != nil {
		t.Errorf("empty: %+v", rep)
	}
	if got := MonthsBetween(from, from.AddDate(0, 0, 20)); len(got) != 2 || got[0] != "2026-11" || got[1] != "2026-12" {
		t.Errorf("months of 15 Nov – 5 Dec: %v", got)
	}
}

func TestOnlyProgramCasesHaveRecords(t *testing.T) {
	if _, ok := RecordOf("cas_1", "", "mem_1", "M", t0, t0, time.Time{}, 0, time.Time{}); ok {
		t.Error("a case outside any program has a record")
	}
	r, ok := RecordOf("cas_1", "prg_1", "mem_1", "M", t0, t0.Add(time.Hour), t0.Add(time.Hour+time.Second), 1, time.Time{})
	if !ok || r.WithinSLA() || !r.Missed(t0) {
		t.Errorf("answered a second late: %+v within %v", r, r.WithinSLA())
	}
}
