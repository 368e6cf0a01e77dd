package console

import (
	"context"
	"net/url"
	"slices"

	"github.com/tandemhq/tandem/shared/collab"
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
// view; a link of before the queue (?status= without a view) still lists
// the box by status.
func (s *Server) listQueue(ctx context.Context, r *router.Request, box collab.Box, view collab.View, q string) ([]collab.Case, string, error) {
	cursor := r.Query.Get("cursor")
	if st := collab.Status(r.Query.Get("status")); st != "" && q == "" && r.Query.Get("view") == "" && slices.Contains(collab.Statuses, st) {
		return s.Cases.List(ctx, r.Principal, box, st, pageSize, cursor)
	}
	req := collab.QueueRequest{Box: box, View: view, Q: q, Limit: pageSize, Cursor: cursor}
	if q != "" {
		req.View = "" // a search spans the box
	}
	return s.Cases.Queue(ctx, r.Principal, req)
}

// queueTab is one view's link above the list, with its count.
type queueTab struct {
	View, Label, Href string
	Count             int
	Current           bool
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
			Count: counts[v], Current: l.Q == "" && string(v) == l.View})
	}
	return out
}

// nextPage is the link to the list's next page.
func (l caseList) nextPage() string {
	q := url.Values{"tz": {l.Zone}, "cursor": {l.NextCursor}}
	if l.Q != "" {
		q.Set("q", l.Q)
	} else {
		q.Set("view", l.View)
	}
	return "/" + l.Box + "?" + q.Encode()
}
