package collab_test

import (
	"encoding/base64"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/program"
)

// The pure rules of a case: who acts as which side, what each side may do
// in each state, when the clock is overdue, when housekeeping looks, the
// reach rule and the action links. No store.

const (
	subMem = "mem_01J0000000000000000000SUBM"
	rcvMem = "mem_01J0000000000000000000RCVM"
	caseID = "cas_01J0000000000000000000CASE"
	depRef = "dep_01J00000000000000000000DEP"
)

// SideOf: the receiving member's users and operators act as the receiver;
// everyone else — the submitting member's users, anyone the case is
// shown to otherwise — as the submitter.
func TestSideOf(t *testing.T) {
	c := collab.Case{SubmitterMemberID: subMem, ReceiverMemberID: rcvMem}
	for _, tc := range []struct {
		name string
		p    auth.Principal
		want collab.Side
	}{
		{"the receiver's engineer", auth.Principal{MemberID: rcvMem, UserID: "u", Roles: []string{auth.RoleEngineer}}, collab.Receiver},
		{"the receiver's admin", auth.Principal{MemberID: rcvMem, UserID: "u", Roles: []string{auth.RoleAdmin}}, collab.Receiver},
		{"an operator", auth.Principal{Operator: true, UserID: "op"}, collab.Receiver},
		{"an operator who is also a submitter's user", auth.Principal{Operator: true, MemberID: subMem}, collab.Receiver},
		{"the submitter's engineer", auth.Principal{MemberID: subMem, UserID: "u", Roles: []string{auth.RoleEngineer}}, collab.Submitter},
		{"a third member's user", auth.Principal{MemberID: "mem_01J0000000000000000000THRD", UserID: "u"}, collab.Submitter},
	} {
		if got := collab.SideOf(tc.p, c); got != tc.want {
			t.Errorf("%s: SideOf = %s, want %s", tc.name, got, tc.want)
		}
	}
}

// Case.Actions: the steps each side is offered in each state, in
// ActionOrder. Only the receiver accepts, asks and rejects; only the
// submitter closes; either side notes while the case is not final;
// solution support (and
// full membership) offer no reject at all.
func TestActionsPerSideAndState(t *testing.T) {
	const (
		acc = collab.Accept
		req = collab.RequestInfo
		not = collab.Note
		rej = collab.Reject
		clo = collab.Close
	)
	for _, tc := range []struct {
		status   collab.Status
		typ      program.Type
		receiver []collab.Action
		submit   []collab.Action
	}{
		{collab.Open, program.PartnerProgram, []collab.Action{acc, req, not, rej}, []collab.Action{not, clo}},
		{collab.Accepted, program.PartnerProgram, []collab.Action{req, not}, []collab.Action{not, clo}},
		{collab.InformationRequested, program.PartnerProgram, []collab.Action{acc, not, rej}, []collab.Action{not, clo}},
		{collab.Rejected, program.PartnerProgram, nil, nil},
		{collab.Closed, program.PartnerProgram, nil, nil},
		{collab.Open, program.SolutionSupport, []collab.Action{acc, req, not}, []collab.Action{not, clo}},
		{collab.InformationRequested, program.SolutionSupport, []collab.Action{acc, not}, []collab.Action{not, clo}},
		{collab.Open, program.OEM, []collab.Action{acc, req, not, rej}, []collab.Action{not, clo}},
		{collab.Open, program.CriticalEscalation, []collab.Action{acc, req, not, rej}, []collab.Action{not, clo}},
	} {
		c := collab.Case{Status: tc.status, ProgramType: tc.typ}
		if got := c.Actions(collab.Receiver); !reflect.DeepEqual(got, tc.receiver) {
			t.Errorf("%s %s, receiver: %v, want %v", tc.typ, tc.status, got, tc.receiver)
		}
		if got := c.Actions(collab.Submitter); !reflect.DeepEqual(got, tc.submit) {
			t.Errorf("%s %s, submitter: %v, want %v", tc.typ, tc.status, got, tc.submit)
		}
		// What is offered is what Next allows: offering a step the state
		// machine refuses would show a button that answers 409.
		for _, side := range []collab.Side{collab.Receiver, collab.Submitter} {
			for _, a := range c.Actions(side) {
				if _, err := collab.Next(c.Status, a, side); err != nil {
					t.Errorf("%s %s offers %s to the %s, which Next refuses: %v", tc.typ, tc.status, a, side, err)
				}
			}
		}
	}
}

// Overdue: the response clock runs past its due time — not at the due
// time itself, not once the receiver responded, not once the case is
// final.
func TestOverdue(t *testing.T) {
	due := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		c    collab.Case
		now  time.Time
		want bool
	}{
		{"before the due time", collab.Case{Status: collab.Open, ResponseDueAt: due}, due.Add(-time.Minute), false},
		{"at the due time", collab.Case{Status: collab.Open, ResponseDueAt: due}, due, false},
		{"a second past", collab.Case{Status: collab.Open, ResponseDueAt: due}, due.Add(time.Second), true},
		{"answered with a question, past due", collab.Case{Status: collab.InformationRequested, ResponseDueAt: due, RespondedAt: due.Add(-time.Hour)}, due.Add(time.Hour), false},
		{"accepted, past due", collab.Case{Status: collab.Accepted, ResponseDueAt: due, RespondedAt: due.Add(time.Minute)}, due.Add(time.Hour), false},
		{"closed by the submitter unanswered", collab.Case{Status: collab.Closed, ResponseDueAt: due}, due.Add(time.Hour), false},
		{"rejected", collab.Case{Status: collab.Rejected, ResponseDueAt: due}, due.Add(time.Hour), false},
		{"information requested but never responded (a note reopened it)", collab.Case{Status: collab.Open, ResponseDueAt: due}, due.Add(time.Hour), true},
	} {
		if got := tc.c.Overdue(tc.now); got != tc.want {
			t.Errorf("%s: Overdue = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The escalation schedule of one case: the reminder at 75 %, level 1 at
// the response due time, level 2 at the second; nothing past level 2,
// nothing once the receiver responded or the case is final.
func TestNextEscalation(t *testing.T) {
	at := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	base := collab.Case{Status: collab.Open, RemindAt: at.Add(90 * time.Minute), ResponseDueAt: at.Add(2 * time.Hour), Level2DueAt: at.Add(4 * time.Hour)}
	for _, tc := range []struct {
		name string
		edit func(*collab.Case)
		want time.Time
		ok   bool
	}{
		{"the reminder first", func(*collab.Case) {}, base.RemindAt, true},
		{"reminded: level 1 at the due time", func(c *collab.Case) { c.Reminded = true }, base.ResponseDueAt, true},
		{"level 1 raised: level 2", func(c *collab.Case) { c.Reminded, c.EscalationLevel = true, 1 }, base.Level2DueAt, true},
		{"level 1 raised unreminded: level 2, no late reminder", func(c *collab.Case) { c.EscalationLevel = 1 }, base.Level2DueAt, true},
		{"level 2 raised: nothing more", func(c *collab.Case) { c.EscalationLevel = 2 }, time.Time{}, false},
		{"responded: nothing", func(c *collab.Case) { c.RespondedAt = at }, time.Time{}, false},
		{"closed: nothing", func(c *collab.Case) { c.Status = collab.Closed }, time.Time{}, false},
		{"no reminder time: level 1", func(c *collab.Case) { c.RemindAt = time.Time{} }, base.ResponseDueAt, true},
		{"a reminder not before the due time is skipped", func(c *collab.Case) { c.RemindAt = c.ResponseDueAt }, base.ResponseDueAt, true},
	} {
		c := base
		tc.edit(&c)
		got, ok := c.NextEscalation()
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("%s: NextEscalation = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

// Housekeeping: warned 23 days after the last activity (or the opening,
// when there was none), closed after 30; never once final.
func TestNextHousekeeping(t *testing.T) {
	created := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	active := created.Add(10 * 24 * time.Hour)
	for _, tc := range []struct {
		name string
		c    collab.Case
		want time.Time
		ok   bool
	}{
		{"no activity: warned 23 days after opening", collab.Case{Status: collab.Open, CreatedAt: created}, created.Add(23 * 24 * time.Hour), true},
		{"warned 23 days after the last activity", collab.Case{Status: collab.Accepted, CreatedAt: created, LastActivityAt: active}, active.Add(23 * 24 * time.Hour), true},
		{"warned: closed 30 days after it", collab.Case{Status: collab.Accepted, CreatedAt: created, LastActivityAt: active, IdleWarned: true}, active.Add(30 * 24 * time.Hour), true},
		{"closed: never", collab.Case{Status: collab.Closed, CreatedAt: created}, time.Time{}, false},
		{"rejected: never", collab.Case{Status: collab.Rejected, CreatedAt: created}, time.Time{}, false},
	} {
		got, ok := tc.c.NextHousekeeping()
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("%s: NextHousekeeping = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

// The reach rule: in host-centric programs the host and its active (or
// lapsed) partners reach each other, partners not one another; in the
// others any two active participants do; nobody reaches itself.
func TestReaches(t *testing.T) {
	const host, a, b = "mem_host", "mem_a", "mem_b"
	for _, tc := range []struct {
		name  string
		typ   program.Type
		x     string
		sx    enrollment.Status
		y     string
		sy    enrollment.Status
		reach bool
	}{
		{"partner to host", program.PartnerProgram, a, enrollment.Active, host, "", true},
		{"host to partner", program.PartnerProgram, host, "", a, enrollment.Active, true},
		{"lapsed partner to host", program.PartnerProgram, a, enrollment.Lapsed, host, "", true},
		{"validating partner to host", program.PartnerProgram, a, enrollment.Validating, host, "", false},
		{"removed partner to host", program.PartnerProgram, a, enrollment.Removed, host, "", false},
		{"partner to partner in a host-centric program", program.OEM, a, enrollment.Active, b, enrollment.Active, false},
		{"partner to partner in solution support", program.SolutionSupport, a, enrollment.Active, b, enrollment.Active, true},
		{"partner to host in solution support", program.SolutionSupport, a, enrollment.Active, host, "", true},
		{"partner to a pending partner in solution support", program.SolutionSupport, a, enrollment.Active, b, enrollment.PendingApproval, false},
		{"a non-member to the host", program.SolutionSupport, a, "", host, "", false},
		{"the host to itself", program.SolutionSupport, host, "", host, "", false},
		{"a partner to itself", program.SolutionSupport, a, enrollment.Active, a, enrollment.Active, false},
	} {
		prg := program.Program{HostMemberID: host, Type: tc.typ}
		if got := collab.Reaches(prg, tc.x, tc.sx, tc.y, tc.sy); got != tc.reach {
			t.Errorf("%s: Reaches = %v, want %v", tc.name, got, tc.reach)
		}
	}
}

// Critical cases run around the clock, the others in the department's
// hours; critical escalations go only to a department open 24x7.
func TestClockForAndAroundTheClock(t *testing.T) {
	week := hours.Hours{Zone: "Europe/Berlin", Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00"}
	for _, p := range []program.Priority{program.Low, program.Medium, program.High} {
		if got := collab.ClockFor(week, p); !reflect.DeepEqual(got, week) {
			t.Errorf("%s runs in %v, want the department's hours", p, got)
		}
	}
	if got := collab.ClockFor(week, program.Critical); !got.Always {
		t.Errorf("critical runs in %v, want 24x7", got)
	}
	// Saturday noon in Berlin: high is due Monday 10:00, critical at 14:00.
	sat := time.Date(2026, 1, 3, 11, 0, 0, 0, time.UTC)
	if due, err := collab.ResponseDue(week, program.High, 2*time.Hour, sat); err != nil || !due.Equal(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("high from Saturday due %v, %v", due, err)
	}
	if due, err := collab.ResponseDue(week, program.Critical, 2*time.Hour, sat); err != nil || !due.Equal(sat.Add(2*time.Hour)) {
		t.Errorf("critical from Saturday due %v, %v", due, err)
	}
	if why := collab.NotAroundTheClock(department.Department{Name: "Support", Inbound: department.Inbound{Hours: week}}); !strings.Contains(why, "Support") {
		t.Errorf("business hours take critical escalations: %q", why)
	}
	if why := collab.NotAroundTheClock(department.Department{Inbound: department.Inbound{Hours: hours.AlwaysOpen}}); why != "" {
		t.Errorf("24x7 refused: %q", why)
	}
}

// Action links: each names its case, department, action, the address it
// was mailed to (as a tag) and when; only accept, request_info and reject
// are taken from mail; a link tampered with, signed with another key or
// naming something else is not valid (404).
func TestMailLinks(t *testing.T) {
	links := collab.MailLinks{Keys: keyring.Fixed("k", []byte("test-key-0123456789abcdef0123456789"))}
	mailed := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	forge := func(parts ...string) string {
		b := base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, ".")))
		return b + "." + links.Keys.Sign("case-mail-link", []byte(b))
	}
	at := strconv.FormatInt(mailed.Unix(), 10)
	good := links.Sign(caseID, depRef, collab.Accept, "Support@Host.example", mailed)
	other := collab.MailLinks{Keys: keyring.Fixed("k", []byte("another-key-0123456789abcdef012345"))}
	for _, tc := range []struct {
		name   string
		links  collab.MailLinks
		token  string
		action collab.Action
	}{
		{"accept", links, good, collab.Accept},
		{"request info", links, links.Sign(caseID, depRef, collab.RequestInfo, "s@h.example", mailed), collab.RequestInfo},
		{"reject", links, links.Sign(caseID, depRef, collab.Reject, "s@h.example", mailed), collab.Reject},
		{"close is not taken from mail", links, links.Sign(caseID, depRef, collab.Close, "s@h.example", mailed), ""},
		{"a note is not taken from mail", links, links.Sign(caseID, depRef, collab.Note, "s@h.example", mailed), ""},
		{"another key", other, good, ""},
		{"no key", collab.MailLinks{}, good, ""},
		{"tampered", links, "A" + good, ""},
		{"no signature", links, strings.Split(good, ".")[0], ""},
		{"too long", links, good + strings.Repeat("x", 400), ""},
		{"a forged token signed with the key", links, forge(caseID, depRef, "accept", "tag", at), collab.Accept},
		{"no case id", links, forge("prg_01J0000000000000000000CASE", depRef, "accept", "tag", at), ""},
		{"no department id", links, forge(caseID, subMem, "accept", "tag", at), ""},
		{"a time that is no number", links, forge(caseID, depRef, "accept", "tag", "now"), ""},
		{"four parts", links, forge(caseID, depRef, "accept", at), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := tc.links.Verify(tc.token)
			if tc.action == "" {
				if !errors.Is(err, apperr.ErrNotFound) {
					t.Fatalf("got %+v, %v; want not found", tok, err)
				}
				return
			}
			if err != nil || tok.Action != tc.action || tok.CaseID != caseID || tok.DepartmentID != depRef || !tok.Mailed.Equal(mailed) {
				t.Fatalf("got %+v, %v", tok, err)
			}
		})
	}
	if strings.Contains(good, "upport") {
		t.Error("the link spells the address it went to")
	}
	a, _ := links.Verify(good)
	b, _ := links.Verify(links.Sign(caseID, depRef, collab.Accept, " support@host.EXAMPLE ", mailed))
	c, _ := links.Verify(links.Sign(caseID, depRef, collab.Accept, "boss@host.example", mailed))
	if a.Recipient != b.Recipient || a.Recipient == c.Recipient {
		t.Errorf("recipient tags %q %q %q: want one per address, whatever its case", a.Recipient, b.Recipient, c.Recipient)
	}
}

// Only the submitting side closes: the receiver is refused (it rejects a
// case it will not take) and is not offered the step; an operator may
// close any open case, as the submitter would.
func TestOnlyTheSubmitterCloses(t *testing.T) {
	c := collab.Case{Status: collab.Accepted, ProgramType: program.PartnerProgram, SubmitterMemberID: "mem_s", ReceiverMemberID: "mem_r"}
	for _, tc := range []struct {
		who    string
		p      auth.Principal
		closes bool
	}{
		{"the submitter's engineer", auth.Principal{MemberID: "mem_s", UserID: "usr_s", Roles: []string{auth.RoleEngineer}}, true},
		{"the receiver's engineer", auth.Principal{MemberID: "mem_r", UserID: "usr_r", Roles: []string{auth.RoleEngineer}}, false},
		{"an operator", auth.Principal{Operator: true, UserID: "ops"}, true},
	} {
		offered := slices.Contains(c.ActionsFor(tc.p), collab.Close)
		_, err := collab.Next(c.Status, collab.Close, collab.StepSide(tc.p, c, collab.Close))
		if offered != tc.closes || (err == nil) != tc.closes {
			t.Errorf("%s: close offered %v, Next's answer %v; want closes=%v", tc.who, offered, err, tc.closes)
		}
		if !tc.closes && !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("%s: closing is refused with %v, want forbidden", tc.who, err)
		}
	}
}

// An operator's step is neither side's: the timeline names Tandem's
// operator without a side, both sides are mailed (each its own message),
// and no member's daily mail count is charged.
func TestAnOperatorsStepIsNeitherSides(t *testing.T) {
	w := newWorld(t, nil)
	c := w.newCase(t, mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0), nil)
	op := auth.Principal{Operator: true, UserID: "ops@tandem.example"}
	if _, err := w.service(mon(8, 0)).Do(bg, op, c.ID, collab.Act{Action: collab.Close, Text: "Duplicate of another case."}, idem.None); err != nil {
		t.Fatal(err)
	}
	evs, _, err := w.st.ListCaseEvents(bg, c.ID, 10, "")
	if err != nil || len(evs) != 2 {
		t.Fatalf("events: %v %v", evs, err)
	}
	if ev := evs[1]; ev.Side != "" || ev.Actor != "Tandem operator <ops@tandem.example>" || ev.Action != collab.Close {
		t.Errorf("the operator's close is recorded as %+v, want Tandem's operator on neither side", ev)
	}
	what, _ := mailed(t, w.st)
	if what[submitter] != "case_update" || what[inbound] != "case_update" {
		t.Errorf("mailed %s; want both sides told of the close", keysOf(what))
	}
	for _, m := range w.st.Outbox() {
		if len(m.To) > 1 {
			t.Errorf("one mail to %v: each side gets its own", m.To)
		}
	}
	for _, member := range []string{w.partner.ID, w.host.ID} {
		n, _, err := w.st.CountInWindow(bg, "casemail#"+member, 24*time.Hour, mon(8, 0))
		if err != nil || n != 1 { // 1: this read's own count
			t.Errorf("member %s's daily case mail after an operator's step: %d (%v), want none charged", member, n-1, err)
		}
	}
}
