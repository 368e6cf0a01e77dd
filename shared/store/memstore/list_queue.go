package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/collab"
)

// ListQueue pages through one of a member's queue lists, then reads the
// cases its entries name.
func (s *Store) ListQueue(ctx context.Context, l collab.QueueList, limit int, cursor string) ([]collab.Case, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := s.queryPage(queueQuery(l, limit, cursor))
	if err != nil {
		return nil, "", err
	}
	return s.casesOfEntries(items), next, nil
}

// queueQuery is the Query of list l's entries, as the store's.
func queueQuery(l collab.QueueList, limit int, cursor string) pageQuery {
	q := pageQuery{op: "list queue", pk: queuePK(l.MemberID, l.List), limit: limit, cursor: cursor, newestFirst: !l.ByDue()}
	if !l.DueBy.IsZero() {
		q.skUpTo = iso(l.DueBy)
	}
	sideFilter(&q, l.Side)
	return q
}

// sideFilter narrows q to the entries of one side ("" none).
func sideFilter(q *pageQuery, side collab.Side) {
	if side == "" {
		return
	}
	q.filter, q.scope = "#sd = :sd", string(side)
	q.match = func(it *item) bool {
		r, ok := it.v.(queueRec)
		return ok && r.Side == side
	}
}

// casesOfEntries are the cases entries name, in their order, each once.
// The caller holds the lock.
func (s *Store) casesOfEntries(items []*item) []collab.Case {
	out := []collab.Case{}
	seen := map[string]bool{}
	for _, it := range items {
		r := it.v.(queueRec)
		if seen[r.CaseID] {
			continue
		}
		seen[r.CaseID] = true
		if c, ok := valOf[collab.Case](s.get(casePK(r.CaseID), metaSK)); ok {
			out = append(out, normCase(c))
		}
	}
	return out
}

// CountQueue counts the entries of each list up to max (max: max or
// more).
func (s *Store) CountQueue(ctx context.Context, ls []collab.QueueList, max int) ([]int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]int, len(ls))
	for i, l := range ls {
		q := queueQuery(l, 0, "")
		for _, it := range s.sortedItems(q.index, q.pk, func(sk string) bool { return q.skUpTo == "" || sk <= q.skUpTo }) {
			if (q.match == nil || q.match(it)) && out[i] < max {
				out[i]++
			}
		}
	}
	return out, nil
}

// ListQueueRows pages through one of a member's queue lists, each case as
// its entry carries it (collab.Case.Row).
func (s *Store) ListQueueRows(ctx context.Context, l collab.QueueList, limit int, cursor string) ([]collab.Case, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := s.queryPage(queueQuery(l, limit, cursor))
	if err != nil {
		return nil, "", err
	}
	return s.rowsOfEntries(items), next, nil
}

// rowsOfEntries are the rows entries carry, in their order, each case
// once; an entry without one has its case read, as the store's. The
// caller holds the lock.
func (s *Store) rowsOfEntries(items []*item) []collab.Case {
	out := []collab.Case{}
	seen := map[string]bool{}
	for _, it := range items {
		r := it.v.(queueRec)
		if seen[r.CaseID] {
			continue
		}
		row := normCase(r.Row)
		if r.Row.ID == "" {
			c, ok := valOf[collab.Case](s.get(casePK(r.CaseID), metaSK))
			if !ok {
				continue
			}
			row = normCase(c.Row(r.Side))
		}
		seen[r.CaseID] = true
		out = append(out, row)
	}
	return out
}
