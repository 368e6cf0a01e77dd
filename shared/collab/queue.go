package collab

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/input"
)

// View is one of a member's queues of cases (GET /v1/cases?view=).
type View string

// Views, in the order the console offers them.
const (
	// NeedsMe: the next step is the caller's side — received and open,
	// or sent and information requested — earliest due (overdue) first.
	NeedsMe View = "needs_me"
	// Mine: assigned to the caller on the caller's side.
	Mine View = "mine"
	// OverdueView: the response clock runs past the due time.
	OverdueView View = "overdue"
	// OpenView: not closed or rejected (the default).
	OpenView View = "open"
	// ClosedView: closed or rejected.
	ClosedView View = "closed"
	// All: every case of the side.
	All View = "all"
)

// Views lists every view in the console's order.
var Views = []View{NeedsMe, Mine, OverdueView, OpenView, ClosedView, All}

// Assignee is who works on a case on one side: a user of that side's
// member.
type Assignee struct {
	UserID string
	Name   string
}

// AssigneeOf is the case's assignee on side, nil for none.
func (c Case) AssigneeOf(side Side) *Assignee {
	if side == Receiver {
		return c.ReceiverAssignee
	}
	return c.SubmitterAssignee
}

// NeedsSide reports whether the case's next step is side's: the receiver
// answers an open case, the submitter a question.
func (c Case) NeedsSide(side Side) bool {
	if side == Receiver {
		return c.Status == Open
	}
	return c.Status == InformationRequested
}

// InView reports whether the case is in view for side's member, as user
// userID of it sees it at now. It is the rule the queue's lists are
// written by (QueueEntries) and a search's results are narrowed with.
func (c Case) InView(v View, side Side, userID string, now time.Time) bool {
	switch v {
	case NeedsMe:
		return c.NeedsSide(side)
	case Mine:
		a := c.AssigneeOf(side)
		return a != nil && a.UserID == userID && userID != ""
	case OverdueView:
		return c.Overdue(now)
	case OpenView:
		return !c.Status.Final()
	case ClosedView:
		return c.Status.Final()
	}
	return v == All
}

// Queue lists a case's entries are written to, per member and side. The
// overdue view reads QueueRunning up to now; mine reads QueueMine+userID.
const (
	QueueAll     = "all"
	QueueOpen    = "open"
	QueueClosed  = "closed"
	QueueNeeds   = "needs"
	QueueRunning = "running"
	QueueMine    = "mine#"
)

// QueueEntry is a case's place in one of a member's queue lists: the list,
// the side the member is on, and the time it sorts by (the case's
// creation, newest first; for QueueNeeds and QueueRunning its response due
// time, earliest first).
type QueueEntry struct {
	MemberID string
	Side     Side
	List     string
	At       time.Time
	CaseID   string
	// Row is the case as the entry carries it (Case.Row), so a page of a
	// list is its one Query.
	Row Case
}

// QueueEntries are the lists case c is in, on both sides. The store
// writes them with the case, in the case's own transactions, so the views
// are read by one Query each: membership that depends on the clock
// (overdue) is read off QueueRunning by due time.
func QueueEntries(c Case) []QueueEntry {
	var out []QueueEntry
	for _, side := range []Side{Receiver, Submitter} {
		m := c.MemberOf(side)
		if m == "" {
			continue
		}
		row := c.Row(side)
		add := func(list string, at time.Time) {
			out = append(out, QueueEntry{MemberID: m, Side: side, List: list, At: at, CaseID: c.ID, Row: row})
		}
		add(QueueAll, c.CreatedAt)
		if c.Status.Final() {
			add(QueueClosed, c.CreatedAt)
		} else {
			add(QueueOpen, c.CreatedAt)
		}
		if c.NeedsSide(side) {
			add(QueueNeeds, c.ResponseDueAt)
		}
		if c.ClockRunning() {
			add(QueueRunning, c.ResponseDueAt)
		}
		if a := c.AssigneeOf(side); a != nil && a.UserID != "" {
			add(QueueMine+a.UserID, c.CreatedAt)
		}
	}
	return out
}

// Row is case c as its queue and search entries carry it for side's
// member: what a list shows (reference, summary, the other side, priority,
// status, respond-by time and whether it is overdue, side's assignee) and
// what a search narrows by (SearchTokens, InView) — and nothing else. The
// entries are rewritten whenever the row changes (a status, an
// assignment, a merger's new name), not on every note: UpdatedAt and the
// timeline are not in it.
func (c Case) Row(side Side) Case {
	r := Case{ID: c.ID, Ref: c.Ref, Priority: c.Priority, Summary: c.Summary, Status: c.Status,
		SubmitterMemberID: c.SubmitterMemberID, SubmitterName: c.SubmitterName, ReceiverMemberID: c.ReceiverMemberID, ReceiverName: c.ReceiverName,
		SubmitterCaseNumber: c.SubmitterCaseNumber, ReceiverCaseNumber: c.ReceiverCaseNumber,
		ResponseDueAt: c.ResponseDueAt, RespondedAt: c.RespondedAt, CreatedAt: c.CreatedAt}
	if c.Customer != nil {
		r.Customer = &Customer{Company: c.Customer.Company, CaseNumber: c.Customer.CaseNumber}
	}
	if a := c.AssigneeOf(side); a != nil && a.UserID != "" {
		a := *a
		if side == Receiver {
			r.ReceiverAssignee = &a
		} else {
			r.SubmitterAssignee = &a
		}
	}
	return r
}

// Search tokens: how many a case has on one side, and how many of them
// come from its summary. A token is at least MinTokenLen letters or
// digits; a query matches a token it is a prefix of.
const (
	MaxSearchTokens  = 20
	maxSummaryTokens = 10
	MinTokenLen      = 2
)

// SearchEntry is a case's entry under one token in a member's search
// index.
type SearchEntry struct {
	MemberID string
	Side     Side
	Token    string
	CaseID   string
	// Row is the case as the entry carries it (Case.Row), so a page of a
	// search is its one Query.
	Row Case
}

// SearchEntries are case c's search index entries on both sides: each
// member finds the case by its reference, any case number, the customer's
// company, the other member's name and words of the summary.
func SearchEntries(c Case) []SearchEntry {
	var out []SearchEntry
	for _, side := range []Side{Receiver, Submitter} {
		m := c.MemberOf(side)
		if m == "" {
			continue
		}
		row := c.Row(side)
		for _, t := range c.SearchTokens(side) {
			out = append(out, SearchEntry{MemberID: m, Side: side, Token: t, CaseID: c.ID, Row: row})
		}
	}
	return out
}

// SearchTokens are the tokens side's member finds the case by, at most
// MaxSearchTokens: identifiers whole (compact: "TDM-7K3Q9XW2" is
// "tdm7k3q9xw2"), the reference's code and the numbers in case numbers,
// then names, then up to maxSummaryTokens summary words (stop words left
// out).
func (c Case) SearchTokens(side Side) []string {
	var toks []string
	add := func(ts ...string) {
		for _, t := range ts {
			if len(t) >= MinTokenLen && !slices.Contains(toks, t) && len(toks) < MaxSearchTokens {
				toks = append(toks, t)
			}
		}
	}
	ids := []string{c.Ref, strings.TrimPrefix(c.Ref, RefPrefix), c.SubmitterCaseNumber, c.ReceiverCaseNumber}
	if c.Customer != nil {
		ids = append(ids, c.Customer.CaseNumber)
	}
	for _, id := range ids {
		add(Compact(id))
	}
	for _, id := range ids[2:] {
		for _, w := range Words(id) {
			if strings.ContainsFunc(w, unicode.IsDigit) { // "2041" of "PX-2041", not "px"
				add(w)
			}
		}
	}
	add(Words(c.OtherName(side))...)
	if c.Customer != nil {
		add(Words(c.Customer.Company)...)
	}
	sw := slices.DeleteFunc(Words(c.Summary), func(w string) bool { return slices.Contains(stopWords, w) })
	add(sw[:min(len(sw), maxSummaryTokens)]...)
	return toks
}

// stopWords are summary words nobody searches by.
var stopWords = []string{"the", "and", "for", "with", "from", "after", "when", "not", "does", "our", "are", "was", "has", "have", "this", "that", "its", "all", "any"}

// Words splits s into search words: lower case, accents folded, letters
// and digits only.
func Words(s string) []string {
	return strings.FieldsFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Compact is s as one search word: its words joined ("CS-0042" is
// "cs0042"), so an identifier is found however its separators are typed.
func Compact(s string) string { return strings.Join(Words(s), "") }

// fold lowers s and takes the accents off its Latin letters ("Société"
// is "societe", "Straße" "strasse"). A table rather than Unicode
// decomposition: golang.org/x/text's tables would grow every function's
// binary for the letters of the companies Tandem serves.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if base, ok := latinFold[r]; ok {
			b.WriteString(base)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// latinFold maps the lower-case accented Latin letters (Latin-1 and
// Latin Extended-A, and Romanian's comma-below letters) to their base.
var latinFold = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'þ': "th", 'ð': "d", 'ĳ': "ij"}
	for base, rs := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ďđ", "e": "èéêëēĕėęě", "g": "ĝğġģ", "h": "ĥħ", "i": "ìíîïĩīĭįı",
		"j": "ĵ", "k": "ķĸ", "l": "ĺļľŀł", "n": "ñńņňŉŋ", "o": "òóôõöøōŏő", "r": "ŕŗř", "s": "śŝşšșſ", "t": "ţťŧț",
		"u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range rs {
			m[r] = base
		}
	}
	return m
}()

// SearchQuery is how q is looked up: the token read from the index, and
// the words every case found must have a token starting with. A query
// without spaces is read whole ("CS-0042", "TDM-7K3Q9XW2"); one of several
// words by its longest. ok is false when q has no word of MinTokenLen.
func SearchQuery(q string) (token string, words []string, ok bool) {
	words = Words(q)
	if !strings.ContainsFunc(strings.TrimSpace(q), unicode.IsSpace) {
		token = Compact(q)
		return token, []string{token}, len(token) >= MinTokenLen
	}
	words = slices.DeleteFunc(words, func(w string) bool { return len(w) < MinTokenLen })
	for _, w := range words {
		if len(w) > len(token) {
			token = w
		}
	}
	return token, words, token != ""
}

// Matches reports whether side's member finds the case by every word.
func (c Case) Matches(side Side, words []string) bool {
	toks := c.SearchTokens(side)
	for _, w := range words {
		if !slices.ContainsFunc(toks, func(t string) bool { return strings.HasPrefix(t, w) }) {
			return false
		}
	}
	return true
}

// QueueList is one list of a member's queue as the store reads it.
type QueueList struct {
	MemberID string
	// Side narrows the list to the cases the member is on that side of;
	// "" is both sides.
	Side Side
	List string
	// DueBy, when set, keeps only the entries due before it (QueueRunning
	// read up to now is the overdue view).
	DueBy time.Time
}

// ByDue reports whether the list sorts by response due time, earliest
// first; the others sort newest first.
func (l QueueList) ByDue() bool { return l.List == QueueNeeds || l.List == QueueRunning }

// QueueReader is what the queue needs (Queue, QueueCounts): a member's
// queue lists and search index, and their counts.
type QueueReader interface {
	// ListQueue pages through list l, in its order.
	ListQueue(ctx context.Context, l QueueList, limit int, cursor string) ([]Case, string, error)
	// CountQueue counts each list's entries up to max: max means max or
	// more.
	CountQueue(ctx context.Context, ls []QueueList, max int) ([]int, error)
	// SearchCases pages through the cases of member (on side, "" both)
	// with a search token starting with token.
	SearchCases(ctx context.Context, memberID string, side Side, token string, limit int, cursor string) ([]Case, string, error)
	// ListQueueRows and SearchCaseRows are ListQueue and SearchCases
	// read off the entries alone: each case holds only its row
	// (Case.Row).
	ListQueueRows(ctx context.Context, l QueueList, limit int, cursor string) ([]Case, string, error)
	SearchCaseRows(ctx context.Context, memberID string, side Side, token string, limit int, cursor string) ([]Case, string, error)
}

// QueueRequest is what GET /v1/cases asks of the queue: a view, a search,
// or both, of one box (side) or, without a box, of both.
type QueueRequest struct {
	Box    Box
	View   View
	Q      string
	Limit  int
	Cursor string
}

// maxQueryLen bounds a search's text.
const maxQueryLen = 200

// Queue returns a page of the caller's queue. A view is one Query of its
// list; a search (q) one Query of the member's search index by its token,
// the cases then narrowed to those every word of q finds and that are in
// the view, when one is asked for (so a search page may hold fewer than
// limit cases and still have a cursor). Without a view a search spans all
// cases; without a box, both sides of the caller's member. The cases are
// then read whole.
func (s *Service) Queue(ctx context.Context, p auth.Principal, r QueueRequest) ([]Case, string, error) {
	return s.queue(ctx, p, r, s.store.ListQueue, s.store.SearchCases)
}

// QueueRows is Queue as a list shows it: each case holds only its row
// (Case.Row), read off the entries, so a page is the one Query.
func (s *Service) QueueRows(ctx context.Context, p auth.Principal, r QueueRequest) ([]Case, string, error) {
	return s.queue(ctx, p, r, s.store.ListQueueRows, s.store.SearchCaseRows)
}

func (s *Service) queue(ctx context.Context, p auth.Principal, r QueueRequest,
	list func(context.Context, QueueList, int, string) ([]Case, string, error),
	search func(context.Context, string, Side, string, int, string) ([]Case, string, error),
) ([]Case, string, error) {
	f := apperr.Fields{}
	side := boxSide(f, r.Box)
	if r.View != "" {
		input.OneOf(f, "view", string(r.View), viewNames()...)
	}
	var token string
	var words []string
	if r.Q != "" {
		ok := false
		token, words, ok = SearchQuery(r.Q)
		switch {
		case len(r.Q) > maxQueryLen:
			f.Add("q", fmt.Sprintf("is at most %d characters", maxQueryLen))
		case !ok:
			f.Add("q", fmt.Sprintf("needs a word of at least %d letters or digits: a reference, a case number, a company or words of the summary", MinTokenLen))
		}
	}
	if p.MemberID == "" {
		f.Add("view", "is a member's view; operators read cases by id")
	}
	if err := f.Err(); err != nil {
		return nil, "", err
	}
	now := s.Now()
	if r.Q == "" {
		view := r.View
		if view == "" {
			view = OpenView
		}
		return list(ctx, queueList(p, side, view, now), r.Limit, r.Cursor)
	}
	cs, next, err := search(ctx, p.MemberID, side, token, r.Limit, r.Cursor)
	if err != nil {
		return nil, "", err
	}
	out := cs[:0]
	for _, c := range cs {
		cside := side
		if cside == "" {
			cside = SideOf(p, c)
		}
		if c.Matches(cside, words) && (r.View == "" || c.InView(r.View, cside, p.UserID, now)) {
			out = append(out, c)
		}
	}
	return out, next, nil
}

// MaxCount bounds a view's count: a count of MaxCount means that many or
// more, so counting reads at most a page of each list whatever its size.
const MaxCount = 1000

// QueueCounts counts the caller's cases in each view (of box, "" both
// sides), read side by side, each up to MaxCount. All is not read: every
// case is either open or closed, so it is their sum (MaxCount or more
// when either is).
func (s *Service) QueueCounts(ctx context.Context, p auth.Principal, box Box) (map[View]int, error) {
	f := apperr.Fields{}
	side := boxSide(f, box)
	if p.MemberID == "" {
		f.Add("box", "is a member's view; operators read cases by id")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.Now()
	counted := slices.DeleteFunc(slices.Clone(Views), func(v View) bool { return v == All })
	ls := make([]QueueList, len(counted))
	for i, v := range counted {
		ls[i] = queueList(p, side, v, now)
	}
	ns, err := s.store.CountQueue(ctx, ls, MaxCount)
	if err != nil {
		return nil, err
	}
	out := make(map[View]int, len(Views))
	for i, v := range counted {
		out[v] = ns[i]
	}
	out[All] = min(out[OpenView]+out[ClosedView], MaxCount)
	return out, nil
}

// queueList is the list view v reads for p on side at now.
func queueList(p auth.Principal, side Side, v View, now time.Time) QueueList {
	l := QueueList{MemberID: p.MemberID, Side: side}
	switch v {
	case NeedsMe:
		l.List = QueueNeeds
	case Mine:
		l.List = QueueMine + p.UserID
	case OverdueView:
		l.List, l.DueBy = QueueRunning, now
	case OpenView:
		l.List = QueueOpen
	case ClosedView:
		l.List = QueueClosed
	default:
		l.List = QueueAll
	}
	return l
}

// boxSide is the side a box reads ("" for no box: both).
func boxSide(f apperr.Fields, b Box) Side {
	switch b {
	case "":
		return ""
	case Outbox:
		return Submitter
	}
	input.OneOf(f, "box", string(b), string(Inbox), string(Outbox))
	return Receiver
}

func viewNames() []string {
	out := make([]string, len(Views))
	for i, v := range Views {
		out[i] = string(v)
	}
	return out
}
