package collab_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/program"
)

// Monday 5 January 2026 (Berlin is UTC+1: the department is open 07:00 to
// 17:00 UTC).
func mon(h, m int) time.Time { return time.Date(2026, 1, 5, h, m, 0, 0, time.UTC) }
func tue(h, m int) time.Time { return time.Date(2026, 1, 6, h, m, 0, 0, time.UTC) }

const sweepDelay = 2 * time.Minute // a mail not held back is due this soon

// collab.Escalate, the reminder and the escalation levels: who is mailed,
// when the mail may go (inside the receiving department's business hours,
// unless the case is critical), and what a sweep that comes late does.
func TestEscalate(t *testing.T) {
	inboundOnly := func(d *department.Department) { d.Confirmed = confirmation.Confirmed{}.With(inbound) }
	escalationOnly := func(d *department.Department) { d.Confirmed = confirmation.Confirmed{}.With(escalation) }
	reminded := func(c *collab.Case) { c.Reminded = true }
	for _, tc := range []struct {
		name     string
		dep      func(*department.Department)
		clock    [4]time.Time // opened, remind, due, level 2
		edit     func(*collab.Case)
		now      time.Time
		raised   []int
		level    int
		reminded bool
		mail     map[string]string
		// held: recipients whose mail waits until then (the others go
		// at once).
		held map[string]time.Time
	}{
		{name: "nothing before 75 % of the response time", clock: [4]time.Time{mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0)}, now: mon(8, 29),
			mail: map[string]string{}},
		{name: "the reminder at 75 %: the department's inbound, with links to answer", clock: [4]time.Time{mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0)}, now: mon(8, 30),
			raised: []int{0}, reminded: true, mail: map[string]string{inbound: "case_reminder+links"}},
		{name: "a reminder due after closing time waits for the department to open", clock: [4]time.Time{mon(15, 30), mon(16, 45), tue(7, 15), tue(9, 15)}, now: mon(17, 10),
			raised: []int{0}, reminded: true, mail: map[string]string{inbound: "case_reminder+links"}, held: map[string]time.Time{inbound: tue(7, 0)}},
		{name: "the reminder mails nobody while the inbound address is unconfirmed", dep: escalationOnly, clock: [4]time.Time{mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0)}, now: mon(8, 30),
			raised: []int{0}, reminded: true, mail: map[string]string{}},
		{name: "a sweep that comes after the due time skips the reminder", clock: [4]time.Time{mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0)}, now: mon(9, 5),
			raised: []int{1}, level: 1, reminded: true, mail: map[string]string{submitter: "case_escalated/1", escalation: "case_escalated/1"}},
		{name: "level 1: the submitter and the escalation contact", clock: [4]time.Time{mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0)}, edit: reminded, now: mon(9, 0),
			raised: []int{1}, level: 1, reminded: true, mail: map[string]string{submitter: "case_escalated/1", escalation: "case_escalated/1"}},
		{name: "level 1 after closing time: the submitter at once, the escalation contact when the department opens",
			clock: [4]time.Time{mon(13, 0), mon(16, 25), mon(16, 55), tue(8, 55)}, edit: reminded, now: mon(17, 5),
			raised: []int{1}, level: 1, reminded: true, mail: map[string]string{submitter: "case_escalated/1", escalation: "case_escalated/1"},
			held: map[string]time.Time{escalation: tue(7, 0)}},
		{name: "a critical case's escalation contact is told at once, day or night",
			clock: [4]time.Time{mon(13, 0), mon(16, 25), mon(16, 55), tue(8, 55)}, edit: func(c *collab.Case) { c.Reminded, c.Priority = true, program.Critical }, now: mon(17, 5),
			raised: []int{1}, level: 1, reminded: true, mail: map[string]string{submitter: "case_escalated/1", escalation: "case_escalated/1"}},
		{name: "level 1 does not mail an unconfirmed escalation contact", dep: inboundOnly, clock: [4]time.Time{mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0)}, edit: reminded, now: mon(9, 0),
			raised: []int{1}, level: 1, reminded: true, mail: map[string]string{submitter: "case_escalated/1"}},
		{name: "level 2: the program's primary contact and the operators", clock: [4]time.Time{mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0)},
			edit: func(c *collab.Case) { c.Reminded, c.EscalationLevel = true, 1 }, now: mon(11, 0),
			raised: []int{2}, level: 2, reminded: true, mail: map[string]string{prgContact: "case_escalated/2", ops[0]: "case_escalated/2"}},
		{name: "a sweep past both due times raises both levels in one run", clock: [4]time.Time{mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0)}, now: mon(11, 0),
			raised: []int{1, 2}, level: 2, reminded: true,
			mail: map[string]string{submitter: "case_escalated/1", escalation: "case_escalated/1", prgContact: "case_escalated/2", ops[0]: "case_escalated/2"}},
		{name: "level 2 of a case outside any program: the operators", clock: [4]time.Time{mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0)},
			edit: func(c *collab.Case) {
				c.Reminded, c.EscalationLevel, c.ProgramID, c.ProgramType = true, 1, "", program.SolutionSupport
			}, now: mon(11, 0),
			raised: []int{2}, level: 2, reminded: true, mail: map[string]string{ops[0]: "case_escalated/2"}},
		{name: "nothing after level 2", clock: [4]time.Time{mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0)},
			edit: func(c *collab.Case) { c.Reminded, c.EscalationLevel = true, 2 }, now: tue(11, 0), level: 2, reminded: true, mail: map[string]string{}},
		{name: "an answered case is neither reminded nor escalated", clock: [4]time.Time{mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0)},
			edit: func(c *collab.Case) { c.Status, c.RespondedAt = collab.Accepted, mon(7, 30) }, now: mon(11, 0), mail: map[string]string{}},
		{name: "a closed case is neither reminded nor escalated", clock: [4]time.Time{mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0)},
			edit: func(c *collab.Case) { c.Status = collab.Closed }, now: mon(11, 0), mail: map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, tc.dep)
			c := w.newCase(t, tc.clock[0], tc.clock[1], tc.clock[2], tc.clock[3], tc.edit)
			raised, err := w.service(tc.now).Escalate(bg, c.ID, tc.now)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(raised, tc.raised) {
				t.Errorf("raised %v, want %v", raised, tc.raised)
			}
			got, err := w.st.GetCase(bg, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.EscalationLevel != tc.level || got.Reminded != tc.reminded {
				t.Errorf("case at level %d, reminded %v; want %d, %v", got.EscalationLevel, got.Reminded, tc.level, tc.reminded)
			}
			what, at := mailed(t, w.st)
			if !reflect.DeepEqual(what, tc.mail) {
				t.Errorf("mailed %s\nwant   %s", keysOf(what), keysOf(tc.mail))
			}
			for to := range tc.mail {
				want := tc.now.Add(sweepDelay)
				if h, ok := tc.held[to]; ok {
					want = h
				}
				if !at[to].Equal(want) {
					t.Errorf("%s's mail may go at %s, want %s", to, at[to].Format(time.RFC3339), want.Format(time.RFC3339))
				}
			}
		})
	}
}

// However many sweeps run, the reminder goes once and each level is
// raised once: a second run at the same time finds nothing due.
func TestEscalateTwiceRaisesOnce(t *testing.T) {
	w := newWorld(t, nil)
	c := w.newCase(t, mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0), nil)
	for _, step := range []struct {
		now    time.Time
		raised []int
	}{
		{mon(8, 30), []int{0}}, {mon(8, 30), nil}, {mon(8, 45), nil},
		{mon(9, 0), []int{1}}, {mon(9, 0), nil},
		{mon(11, 0), []int{2}}, {mon(11, 0), nil}, {tue(11, 0), nil},
	} {
		raised, err := w.service(step.now).Escalate(bg, c.ID, step.now)
		if err != nil || !reflect.DeepEqual(raised, step.raised) {
			t.Fatalf("at %s: raised %v, %v; want %v", step.now.Format("15:04"), raised, err, step.raised)
		}
	}
	what, _ := mailed(t, w.st)
	want := map[string]string{inbound: "case_reminder+links", submitter: "case_escalated/1", escalation: "case_escalated/1", prgContact: "case_escalated/2", ops[0]: "case_escalated/2"}
	if !reflect.DeepEqual(what, want) {
		t.Errorf("mailed %s\nwant   %s", keysOf(what), keysOf(want))
	}
}
