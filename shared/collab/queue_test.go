package collab_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/notify"
)

// Which view a case is in, for each side, status and clock: the rule the
// queue's lists are written by.
func TestInViewEverySideAndState(t *testing.T) {
	due := mon(9, 0)
	before, after := mon(8, 0), mon(10, 0)
	for _, tc := range []struct {
		status    collab.Status
		responded bool
		side      collab.Side
		now       time.Time
		want      []collab.View
	}{
		{collab.Open, false, collab.Receiver, before, []collab.View{collab.NeedsMe, collab.OpenView, collab.All}},
		{collab.Open, false, collab.Receiver, after, []collab.View{collab.NeedsMe, collab.OverdueView, collab.OpenView, collab.All}},
		{collab.Open, false, collab.Submitter, after, []collab.View{collab.OverdueView, collab.OpenView, collab.All}},
		{collab.Open, true, collab.Receiver, after, []collab.View{collab.NeedsMe, collab.OpenView, collab.All}}, // answered, then returned by a note
		{collab.InformationRequested, true, collab.Submitter, after, []collab.View{collab.NeedsMe, collab.OpenView, collab.All}},
		{collab.InformationRequested, true, collab.Receiver, after, []collab.View{collab.OpenView, collab.All}},
		{collab.Accepted, true, collab.Receiver, after, []collab.View{collab.OpenView, collab.All}},
		{collab.Accepted, true, collab.Submitter, after, []collab.View{collab.OpenView, collab.All}},
		{collab.Rejected, true, collab.Submitter, after, []collab.View{collab.ClosedView, collab.All}},
		{collab.Closed, false, collab.Receiver, after, []collab.View{collab.ClosedView, collab.All}},
	} {
		c := collab.Case{Status: tc.status, ResponseDueAt: due}
		if tc.responded {
			c.RespondedAt = before
		}
		var got []collab.View
		for _, v := range collab.Views {
			if c.InView(v, tc.side, "usr_1", tc.now) {
				got = append(got, v)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s (responded %v) for the %s at %s: got %v, want %v", tc.status, tc.responded, tc.side, tc.now.Format("15:04"), got, tc.want)
		}
	}
	c := collab.Case{Status: collab.Open, ReceiverAssignee: &collab.Assignee{UserID: "usr_1"}}
	for _, tc := range []struct {
		side collab.Side
		user string
		want bool
	}{{collab.Receiver, "usr_1", true}, {collab.Receiver, "usr_2", false}, {collab.Submitter, "usr_1", false}, {collab.Receiver, "", false}} {
		if got := c.InView(collab.Mine, tc.side, tc.user, before); got != tc.want {
			t.Errorf("mine for %s of the %s: got %v, want %v", tc.user, tc.side, got, tc.want)
		}
	}
}

// What a search is read by: identifiers whole, words lower case without
// accents, too short a query refused.
func TestSearchQuery(t *testing.T) {
	for _, tc := range []struct {
		q, token string
		words    []string
		ok       bool
	}{
		{"TDM-7K3Q9XW2", "tdm7k3q9xw2", []string{"tdm7k3q9xw2"}, true},
		{" cs-00123 ", "cs00123", []string{"cs00123"}, true},
		{"Société", "societe", []string{"societe"}, true},
		{"disk Failure on node", "failure", []string{"disk", "failure", "on", "node"}, true},
		{"a b", "", nil, false},
		{"x", "x", []string{"x"}, false},
		{"--", "", []string{""}, false},
	} {
		token, words, ok := collab.SearchQuery(tc.q)
		if token != tc.token || ok != tc.ok || (ok && !slices.Equal(words, tc.words)) {
			t.Errorf("SearchQuery(%q) = %q %q %v, want %q %q %v", tc.q, token, words, ok, tc.token, tc.words, tc.ok)
		}
	}
	c := collab.Case{Ref: "TDM-7K3Q9XW2", SubmitterName: "Partner GmbH", ReceiverName: "Host Inc", SubmitterCaseNumber: "PX-2041",
		Summary:  "VMs freeze during the nightly snapshot of every volume on the cluster and more words beyond the cap",
		Customer: &collab.Customer{Company: "Société Générale", CaseNumber: "CS-00123"}}
	toks := c.SearchTokens(collab.Receiver)
	if len(toks) > collab.MaxSearchTokens {
		t.Errorf("%d tokens, more than %d", len(toks), collab.MaxSearchTokens)
	}
	for _, want := range []string{"tdm7k3q9xw2", "7k3q9xw2", "px2041", "2041", "cs00123", "partner", "gmbh", "societe", "generale", "vms", "snapshot"} {
		if !slices.Contains(toks, want) {
			t.Errorf("the receiver's tokens %v lack %q", toks, want)
		}
	}
	if slices.Contains(toks, "host") || slices.Contains(c.SearchTokens(collab.Submitter), "partner") {
		t.Errorf("a side finds the case by its own name: %v / %v", toks, c.SearchTokens(collab.Submitter))
	}
	if slices.Contains(toks, "cap") {
		t.Errorf("summary words beyond the cap were kept: %v", toks)
	}
}

// The service's queue over the in-memory store: each view of each box,
// the counts, and search narrowed by view and words.
func TestQueueViewsAndSearch(t *testing.T) {
	w := newWorld(t, nil)
	a := w.newCase(t, mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0), func(c *collab.Case) {
		c.Customer.CaseNumber, c.Summary = "CS-00123", "Disk failure on node 4"
	})
	b := w.newCase(t, mon(7, 10), mon(9, 30), mon(10, 0), mon(12, 0), nil)
	cl := w.newCase(t, mon(7, 20), mon(9, 30), mon(10, 0), mon(12, 0), nil)
	if _, err := w.service(mon(7, 30)).Do(bg, w.partEng.Principal(), cl.ID, collab.Act{Action: collab.Close, Text: "fixed"}, idem.None); err != nil {
		t.Fatal(err)
	}
	if _, err := w.service(mon(7, 40)).Do(bg, w.hostEng.Principal(), b.ID, collab.Act{Action: collab.RequestInfo, Text: "which version?"}, idem.None); err != nil {
		t.Fatal(err)
	}
	if _, err := w.service(mon(7, 50)).Assign(bg, w.hostEng.Principal(), a.ID, &w.hostEng.ID, idem.None); err != nil {
		t.Fatal(err)
	}
	s := w.service(mon(9, 30)) // a is overdue
	host, partner := w.hostEng.Principal(), w.partEng.Principal()
	for _, tc := range []struct {
		name string
		p    auth.Principal
		r    collab.QueueRequest
		want []string
	}{
		{"the host's open cases (the default), newest first", host, collab.QueueRequest{}, []string{b.ID, a.ID}},
		{"what needs the host", host, collab.QueueRequest{View: collab.NeedsMe}, []string{a.ID}},
		{"what needs the partner: the question", partner, collab.QueueRequest{View: collab.NeedsMe}, []string{b.ID}},
		{"the partner's inbox needs nothing", partner, collab.QueueRequest{Box: collab.Inbox, View: collab.NeedsMe}, nil},
		{"the partner's outbox", partner, collab.QueueRequest{Box: collab.Outbox, View: collab.All}, []string{cl.ID, b.ID, a.ID}},
		{"the host's assigned cases", host, collab.QueueRequest{View: collab.Mine}, []string{a.ID}},
		{"the partner's, none assigned", partner, collab.QueueRequest{View: collab.Mine}, nil},
		{"overdue", host, collab.QueueRequest{Box: collab.Inbox, View: collab.OverdueView}, []string{a.ID}},
		{"closed", partner, collab.QueueRequest{View: collab.ClosedView}, []string{cl.ID}},
		{"search by the customer's case number", host, collab.QueueRequest{Q: "cs-00123"}, []string{a.ID}},
		{"search by summary words, every word", host, collab.QueueRequest{Q: "disk fail"}, []string{a.ID}},
		{"search by words not all of one case", host, collab.QueueRequest{Q: "disk printer"}, nil},
		{"search within a view", host, collab.QueueRequest{Q: "initech", View: collab.ClosedView}, []string{cl.ID}},
		{"search by the other member", host, collab.QueueRequest{Q: "partner", Box: collab.Inbox}, []string{cl.ID, b.ID, a.ID}},
	} {
		got, _, err := s.Queue(bg, tc.p, tc.r)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var ids []string
		for _, c := range got {
			ids = append(ids, c.ID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, ids, tc.want)
		}
		rows, _, err := s.QueueRows(bg, tc.p, tc.r)
		if err != nil {
			t.Errorf("%s, as rows: %v", tc.name, err)
			continue
		}
		want := make([]collab.Case, len(got))
		for i, c := range got {
			want[i] = c.Row(collab.SideOf(tc.p, c))
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("%s, as rows: got %+v, want the cases' rows %+v", tc.name, rows, want)
		}
	}
	counts, err := s.QueueCounts(bg, host, collab.Inbox)
	if err != nil {
		t.Fatal(err)
	}
	want := map[collab.View]int{collab.NeedsMe: 1, collab.Mine: 1, collab.OverdueView: 1, collab.OpenView: 2, collab.ClosedView: 1, collab.All: 3}
	for v, n := range want {
		if counts[v] != n {
			t.Errorf("the host's inbox count of %s: got %d, want %d", v, counts[v], n)
		}
	}
	for _, tc := range []struct {
		name  string
		p     auth.Principal
		r     collab.QueueRequest
		field string
	}{
		{"an unknown view", host, collab.QueueRequest{View: "later"}, "view"},
		{"an unknown box", host, collab.QueueRequest{Box: "spam"}, "box"},
		{"a search of one letter", host, collab.QueueRequest{Q: "a"}, "q"},
		{"an operator", auth.Principal{Operator: true}, collab.QueueRequest{}, "view"},
	} {
		_, _, err := s.Queue(bg, tc.p, tc.r)
		var ae *apperr.Error
		if !errors.As(err, &ae) || !errors.Is(err, apperr.ErrInvalid) || ae.Fields[tc.field] == "" {
			t.Errorf("%s: got %v, want it invalid naming %s", tc.name, err, tc.field)
		}
	}
}

// Who may assign whom: a user of one's own member, on one's own side, on
// a case not yet final; the timeline records it and the assignee is
// mailed; the same assignment again changes nothing.
func TestAssignRules(t *testing.T) {
	now := mon(8, 0)
	for _, tc := range []struct {
		name string
		p    func(w world) auth.Principal
		to   func(w world) *string
		edit func(*collab.Case)
		kind error
	}{
		{"a member outside the case", func(w world) auth.Principal {
			return auth.Principal{MemberID: "mem_01J0000000000000000000THRD", UserID: "usr_x", Roles: []string{auth.RoleEngineer}}
		}, func(w world) *string { return &w.hostEng.ID }, nil, apperr.ErrNotFound},
		{"a user without the engineer or admin role", func(w world) auth.Principal { return w.hostPeer.Principal() },
			func(w world) *string { return &w.hostEng.ID }, nil, apperr.ErrForbidden},
		{"an operator", func(w world) auth.Principal { return auth.Principal{Operator: true, UserID: "ops"} },
			func(w world) *string { return &w.hostEng.ID }, nil, apperr.ErrForbidden},
		{"a user of the other member", func(w world) auth.Principal { return w.hostEng.Principal() },
			func(w world) *string { return &w.partEng.ID }, nil, apperr.ErrInvalid},
		{"no user at all", func(w world) auth.Principal { return w.hostEng.Principal() },
			func(w world) *string { s := "bob"; return &s }, nil, apperr.ErrInvalid},
		{"a closed case", func(w world) auth.Principal { return w.hostEng.Principal() },
			func(w world) *string { return &w.hostEng.ID }, func(c *collab.Case) { c.Status = collab.Closed }, apperr.ErrConflict},
		{"a colleague on the receiver's side", func(w world) auth.Principal { return w.hostEng.Principal() },
			func(w world) *string { return &w.hostPeer.ID }, nil, nil},
		{"oneself on the submitter's side", func(w world) auth.Principal { return w.partEng.Principal() },
			func(w world) *string { return &w.partEng.ID }, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, nil)
			c := w.newCase(t, mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0), tc.edit)
			got, err := w.service(now).Assign(bg, tc.p(w), c.ID, tc.to(w), idem.None)
			if tc.kind != nil {
				if !errors.Is(err, tc.kind) {
					t.Fatalf("got %v (%v), want %v", apperr.KindOf(err), err, tc.kind)
				}
				if stored, _ := w.st.GetCase(bg, c.ID); stored.Version != 1 {
					t.Errorf("a refused assignment was written (version %d)", stored.Version)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			side := collab.SideOf(tc.p(w), c)
			if a := got.AssigneeOf(side); a == nil || a.UserID != *tc.to(w) {
				t.Fatalf("the %s's assignee is %+v, want %s", side, a, *tc.to(w))
			}
			if other := got.AssigneeOf(map[collab.Side]collab.Side{collab.Receiver: collab.Submitter, collab.Submitter: collab.Receiver}[side]); other != nil {
				t.Errorf("the other side's assignee is %+v, want none", other)
			}
			evs, _, _ := w.st.ListCaseEvents(bg, c.ID, 10, "")
			if last := evs[len(evs)-1]; last.Action != collab.Assign || last.Side != side {
				t.Errorf("the timeline's last event is %+v, want an assign by the %s", last, side)
			}
			var assigned []string
			for _, m := range w.st.Outbox() {
				if d, ok := m.Data.(notify.CaseAssigned); ok {
					assigned = append(assigned, m.To...)
					if d.AssigneeName == "" || d.AssignedBy == "" {
						t.Errorf("the mail names nobody: %+v", d)
					}
				}
			}
			if len(assigned) != 1 {
				t.Errorf("assignment mails to %v, want one to the assignee", assigned)
			}
			again, err := w.service(now.Add(time.Minute)).Assign(bg, tc.p(w), c.ID, tc.to(w), idem.None)
			if err != nil || again.Version != got.Version {
				t.Errorf("the same assignment again: version %d, %v; want it unchanged at %d", again.Version, err, got.Version)
			}
			none, err := w.service(now.Add(2*time.Minute)).Assign(bg, tc.p(w), c.ID, nil, idem.None)
			if err != nil || none.AssigneeOf(side) != nil {
				t.Errorf("unassigning: %+v, %v", none.AssigneeOf(side), err)
			}
		})
	}
}

// Words fold case and the accents of Latin letters, and split on anything
// that is neither a letter nor a digit.
func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"Société Générale": "societe generale", "Straße-Œuvre": "strasse oeuvre", "ŁÓDŹ  Çağrı": "lodz cagri",
		"CS-00123/b": "cs 00123 b", "Ærø": "aero", "東京 Tokyo": "東京 tokyo",
	} {
		if got := strings.Join(collab.Words(in), " "); got != want {
			t.Errorf("Words(%q) = %q, want %q", in, got, want)
		}
	}
}
