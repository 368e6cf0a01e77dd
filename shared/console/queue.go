package console

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/router"
)

// pageSize is how many cases a page of the inbox or outbox shows.
const pageSize = 25

// queueView is the view a list page asks for (?view=), open unless it
// names one.
func queueView(r *router.Request) collab.View {
	v := collab.View(r.Query.Get("view"))
	if !slices.Contains(collab.Views, v) {
		return collab.OpenView
	}
	return v
}

// listQueue reads the page's cases: a search of the box (q), else the
// view, each case as its row (collab.Case.Row: the page shows no more),
// so the page is one Query; a link of before the queue (?status= without
// a view) still lists the box by status.
func (s *Server) listQueue(ctx context.Context, r *router.Request, box collab.Box, view collab.View, q string) ([]collab.Case, string, error) {
	cursor := r.Query.Get("cursor")
	if st := collab.Status(r.Query.Get("status")); st != "" && q == "" && r.Query.Get("view") == "" && slices.Contains(collab.Statuses, st) {
		return s.Cases.List(ctx, r.Principal, box, st, pageSize, cursor)
	}
	req := collab.QueueRequest{Box: box, View: view, Q: q, Limit: pageSize, Cursor: cursor}
	if q != "" {
		req.View = "" // a search spans the box
	}
	return s.Cases.QueueRows(ctx, r.Principal, req)
}

// queueTab is one view's link above the list, with its count.
type queueTab struct {
	View, Label, Href string
	// Count is how many cases the view holds ("1000+" beyond the count's
	// bound, collab.MaxCount).
	Count   string
	Current bool
}

// viewLabels name the views on the page.
var viewLabels = map[collab.View]string{
	collab.NeedsMe: "Needs me", collab.Mine: "Mine", collab.OverdueView: "Overdue",
	collab.OpenView: "Open", collab.ClosedView: "Closed", collab.All: "All",
}

// viewTabs are the view links of list l, the current one marked unless
// l is a search.
func viewTabs(l caseList, counts map[collab.View]int) []queueTab {
	out := make([]queueTab, 0, len(collab.Views))
	for _, v := range collab.Views {
		q := url.Values{"view": {string(v)}, "tz": {l.Zone}}
		out = append(out, queueTab{View: string(v), Label: viewLabels[v], Href: "/" + l.Box + "?" + q.Encode(),
			Count: countText(counts[v]), Current: l.Q == "" && string(v) == l.View})
	}
	return out
}

// nextPage is the link to the list's next page.
func (l caseList) nextPage() string { return l.address(l.NextCursor) }

// self is the list's own address (its view or search, its zone), where a
// step taken from it returns.
func (l caseList) self() string { return l.address("") }

// address is the list's address at cursor ("" its first page).
func (l caseList) address(cursor string) string {
	q := url.Values{"tz": {l.Zone}}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if l.Q != "" {
		q.Set("q", l.Q)
	} else {
		q.Set("view", l.View)
	}
	return "/" + l.Box + "?" + q.Encode()
}

// assignToMe serves POST /cases/{id}/assign: the signed-in user takes the
// case on their side, from a list, and returns to it (back, a list's
// address; else the case).
func (s *Server) assignToMe(ctx context.Context, r *router.Request) (*router.Response, error) {
	form, err := r.Form()
	if err != nil {
		return nil, err
	}
	id := r.Param("id")
	if _, err := s.Cases.Assign(ctx, r.Principal, id, &r.Principal.UserID, idem.None); err != nil {
		return nil, err
	}
	back := form.Get("back")
	if !listPath(back) {
		back = "/cases/" + id
	}
	return router.Redirect(back), nil
}

// listPath reports whether p is the address of a case list of this site.
func listPath(p string) bool {
	for _, box := range []string{"/inbox", "/outbox"} {
		if p == box || strings.HasPrefix(p, box+"?") {
			return !strings.ContainsFunc(p, func(r rune) bool { return r < ' ' || r == '\\' || r == 0x7f })
		}
	}
	return false
}

// countText is a view's count as its link shows it.
func countText(n int) string {
	if n >= collab.MaxCount {
		return strconv.Itoa(collab.MaxCount) + "+"
	}
	return strconv.Itoa(n)
}
