package storetest

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
)

// contractQueue holds the stores to the queue: the lists a case's own
// transactions write it into (collab.QueueEntries), their counts, and the
// search index (collab.SearchEntries), per member and side.
func contractQueue(t *testing.T, open func(*testing.T) Store) {
	list := func(s Store, l collab.QueueList) func(int, string) ([]collab.Case, string, error) {
		return func(limit int, cursor string) ([]collab.Case, string, error) {
			return s.ListQueue(bg, l, limit, cursor)
		}
	}
	ids := func(t *testing.T, s Store, what string, l collab.QueueList) []string {
		t.Helper()
		return caseIDs(flat(pages(t, what, 2, list(s, l))))
	}
	search := func(t *testing.T, s Store, memberID string, side collab.Side, token string) []string {
		t.Helper()
		return caseIDs(flat(pages(t, "search "+token, 2, func(limit int, cursor string) ([]collab.Case, string, error) {
			return s.SearchCases(bg, memberID, side, token, limit, cursor)
		})))
	}

	t.Run("each list holds the cases in it, in its order; overdue is read up to a time; counts agree", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "Q", t0)
		var cs []collab.Case
		for i := 0; i < 4; i++ {
			c, ev, _ := w.openCase("Case", t0.Add(time.Duration(i)*time.Minute))
			must(t, "open", s.CreateCase(bg, c, ev, nil, idem.None))
			cs = append(cs, c)
		}
		// cs[1] is asked for information (the partner's turn), cs[2] closed.
		asked, ev := step(cs[1], collab.RequestInfo, collab.Receiver, collab.InformationRequested, "which version?", t0.Add(time.Hour))
		must(t, "ask", s.ApplyCase(bg, cs[1], asked, ev, nil, idem.None))
		closed, ev := step(cs[2], collab.Close, collab.Submitter, collab.Closed, "fixed", t0.Add(time.Hour))
		must(t, "close", s.ApplyCase(bg, cs[2], closed, ev, nil, idem.None))

		host, partner := w.host.ID, w.partner.ID
		same(t, "the host's open cases, newest first", ids(t, s, "open", collab.QueueList{MemberID: host, List: collab.QueueOpen}),
			[]string{cs[3].ID, cs[1].ID, cs[0].ID})
		same(t, "the host's closed cases", ids(t, s, "closed", collab.QueueList{MemberID: host, List: collab.QueueClosed}), []string{cs[2].ID})
		same(t, "the host's cases", ids(t, s, "all", collab.QueueList{MemberID: host, List: collab.QueueAll}),
			[]string{cs[3].ID, cs[2].ID, cs[1].ID, cs[0].ID})
		same(t, "what needs the host, earliest due first", ids(t, s, "needs", collab.QueueList{MemberID: host, List: collab.QueueNeeds}),
			[]string{cs[0].ID, cs[3].ID})
		same(t, "what needs the partner", ids(t, s, "needs", collab.QueueList{MemberID: partner, List: collab.QueueNeeds}), []string{cs[1].ID})
		due := cs[0].ResponseDueAt.Add(30 * time.Second)
		same(t, "the host's overdue cases just after the first was due",
			ids(t, s, "overdue", collab.QueueList{MemberID: host, List: collab.QueueRunning, DueBy: due}), []string{cs[0].ID})
		same(t, "the host's inbox narrows its lists to the received side",
			ids(t, s, "open inbox", collab.QueueList{MemberID: host, Side: collab.Receiver, List: collab.QueueOpen}), []string{cs[3].ID, cs[1].ID, cs[0].ID})
		same(t, "the host's outbox", ids(t, s, "open outbox", collab.QueueList{MemberID: host, Side: collab.Submitter, List: collab.QueueOpen}), []string{})
		n, err := s.CountQueue(bg, []collab.QueueList{
			{MemberID: host, List: collab.QueueOpen}, {MemberID: host, List: collab.QueueNeeds},
			{MemberID: host, List: collab.QueueRunning, DueBy: due}, {MemberID: partner, Side: collab.Submitter, List: collab.QueueAll},
			{MemberID: partner, Side: collab.Receiver, List: collab.QueueAll}, {MemberID: host, List: collab.QueueMine + "usr_nobody"},
		}, 10)
		must(t, "count", err)
		same(t, "the counts", n, []int{3, 2, 1, 4, 0, 0})
		n, err = s.CountQueue(bg, []collab.QueueList{{MemberID: host, List: collab.QueueAll}, {MemberID: partner, Side: collab.Submitter, List: collab.QueueAll},
			{MemberID: partner, Side: collab.Receiver, List: collab.QueueAll}}, 2)
		must(t, "count up to 2", err)
		same(t, "the counts up to 2: 2 or more", n, []int{2, 2, 0})
		_, next, err := s.ListQueue(bg, collab.QueueList{MemberID: host, List: collab.QueueAll}, 2, "")
		must(t, "first page", err)
		_, _, err = s.ListQueue(bg, collab.QueueList{MemberID: host, List: collab.QueueOpen}, 2, next)
		malformed(t, "one list's cursor on another", err)
	})

	t.Run("an assignee's list follows the case on its side, and the case keeps both sides' assignees", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "M", t0)
		c, ev, _ := w.openCase("Case", t0)
		must(t, "open", s.CreateCase(bg, c, ev, nil, idem.None))
		mine := collab.QueueList{MemberID: w.host.ID, List: collab.QueueMine + w.hostAdmin.ID}
		same(t, "nobody's yet", ids(t, s, "mine", mine), []string{})
		a, ev := step(c, collab.Assign, collab.Receiver, c.Status, "assigned", t0.Add(time.Minute))
		a.LastActivityAt, a.IdleWarned = c.LastActivityAt, c.IdleWarned
		a.ReceiverAssignee = &collab.Assignee{UserID: w.hostAdmin.ID, Name: w.hostAdmin.Name}
		a.SubmitterAssignee = &collab.Assignee{UserID: w.partnerAdmin.ID, Name: w.partnerAdmin.Name}
		must(t, "assign", s.ApplyCase(bg, c, a, ev, nil, idem.None))
		got, err := s.GetCase(bg, c.ID)
		must(t, "get", err)
		same(t, "the case read back", got, a)
		same(t, "the host admin's", ids(t, s, "mine", mine), []string{c.ID})
		same(t, "the partner admin's", ids(t, s, "mine", collab.QueueList{MemberID: w.partner.ID, List: collab.QueueMine + w.partnerAdmin.ID}), []string{c.ID})
		b, ev := step(a, collab.Assign, collab.Receiver, a.Status, "unassigned", t0.Add(2*time.Minute))
		b.LastActivityAt, b.ReceiverAssignee = a.LastActivityAt, nil
		must(t, "unassign", s.ApplyCase(bg, a, b, ev, nil, idem.None))
		same(t, "the host admin's after unassigning", ids(t, s, "mine", mine), []string{})
	})

	t.Run("search finds a case by reference, case numbers, company, the other member and summary words, by prefix, per member and side", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "S", t0)
		c, ev, _ := w.openCase("Café freezes during snapshot", t0)
		c.SubmitterCaseNumber = "PX-2041"
		c.Customer.Company, c.Customer.CaseNumber = "Société Générale", "CS-00123"
		must(t, "open", s.CreateCase(bg, c, ev, nil, idem.None))
		other, ev2, _ := w.openCase("Printer on fire", t0.Add(time.Minute))
		must(t, "open another", s.CreateCase(bg, other, ev2, nil, idem.None))
		host, partner := w.host.ID, w.partner.ID
		for _, tok := range []string{collab.Compact(c.Ref), collab.Compact(c.Ref[4:8]), "px2041", "2041", "cs00123", "00123", "soc", "generale", "cafe", "snap"} {
			same(t, "the host searching "+tok, search(t, s, host, "", tok), []string{c.ID})
		}
		same(t, "the host finds the partner by name", search(t, s, host, "", "partners"), []string{other.ID, c.ID})
		same(t, "the partner finds the host by name", search(t, s, partner, "", "hosts"), []string{other.ID, c.ID})
		same(t, "the partner's outbox finds it", search(t, s, partner, collab.Submitter, "snapshot"), []string{c.ID})
		same(t, "the partner's inbox does not", search(t, s, partner, collab.Receiver, "snapshot"), []string{})
		same(t, "a word of no case", search(t, s, host, "", "kernel"), []string{})
		stranger := newWorld(t, s, "X", t0)
		same(t, "another member finds nothing", search(t, s, stranger.host.ID, "", "snapshot"), []string{})

		accepted, ev3 := step(c, collab.Accept, collab.Receiver, collab.Accepted, "", t0.Add(time.Hour))
		accepted.ReceiverCaseNumber = "HX-77"
		must(t, "accept", s.ApplyCase(bg, c, accepted, ev3, nil, idem.None))
		same(t, "the receiver's case number once accepted", search(t, s, partner, "", "hx77"), []string{c.ID})
		same(t, "what needs the host once accepted", ids(t, s, "needs", collab.QueueList{MemberID: host, List: collab.QueueNeeds}), []string{other.ID})
	})

	t.Run("a list's and a search's rows are their cases' rows, after every step that changes one", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "R", t0)
		c, ev, _ := w.openCase("Snapshots stall guests", t0)
		must(t, "open", s.CreateCase(bg, c, ev, nil, idem.None))
		host, partner := w.host.ID, w.partner.ID
		agree := func(t *testing.T, when string) {
			t.Helper()
			for _, m := range []string{host, partner} {
				side := collab.Submitter
				if m == host {
					side = collab.Receiver
				}
				for _, l := range []collab.QueueList{{MemberID: m, List: collab.QueueAll}, {MemberID: m, Side: side, List: collab.QueueOpen}} {
					whole, _, err := s.ListQueue(bg, l, 10, "")
					must(t, "list", err)
					rows, _, err := s.ListQueueRows(bg, l, 10, "")
					must(t, "list rows", err)
					same(t, when+": the rows of "+m+"'s "+l.List+" list", rows, rowsOf(whole, side))
				}
				whole, _, err := s.SearchCases(bg, m, "", "snap", 10, "")
				must(t, "search", err)
				rows, _, err := s.SearchCaseRows(bg, m, "", "snap", 10, "")
				must(t, "search rows", err)
				same(t, when+": the rows "+m+" finds", rows, rowsOf(whole, side))
			}
		}
		agree(t, "opened")
		a, ev := step(c, collab.Assign, collab.Receiver, c.Status, "assigned", t0.Add(time.Minute))
		a.LastActivityAt, a.IdleWarned = c.LastActivityAt, c.IdleWarned
		a.ReceiverAssignee = &collab.Assignee{UserID: w.hostAdmin.ID, Name: w.hostAdmin.Name}
		must(t, "assign", s.ApplyCase(bg, c, a, ev, nil, idem.None))
		agree(t, "assigned")
		b, ev := step(a, collab.Accept, collab.Receiver, collab.Accepted, "", t0.Add(time.Hour))
		b.ReceiverCaseNumber = "HX-77"
		must(t, "accept", s.ApplyCase(bg, a, b, ev, nil, idem.None))
		agree(t, "accepted")
		rows, _, err := s.ListQueueRows(bg, collab.QueueList{MemberID: host, List: collab.QueueAll}, 10, "")
		must(t, "list rows", err)
		if len(rows) != 1 || rows[0].Status != collab.Accepted || rows[0].ReceiverAssignee == nil || rows[0].Description != "" {
			t.Errorf("the host's row once accepted: %+v, want accepted, assigned, without the description", rows)
		}
	})
}

// rowsOf are cases' rows (collab.Case.Row) as side's member sees them.
func rowsOf(cs []collab.Case, side collab.Side) []collab.Case {
	out := make([]collab.Case, len(cs))
	for i, c := range cs {
		out[i] = c.Row(side)
	}
	return out
}
