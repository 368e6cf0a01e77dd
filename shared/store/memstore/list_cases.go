package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/collab"
)

// ListCases pages through a member's inbox (GSI1) or outbox (GSI2), newest
// first; a status narrows the page by filter (so a page may hold fewer
// than limit cases and still have a cursor, as DynamoDB's filtered pages
// do).
func (s *Store) ListCases(ctx context.Context, box collab.Box, memberID string, status collab.Status, limit int, cursor string) ([]collab.Case, string, error) {
	q := pageQuery{op: "list cases", index: idxGSI1, pk: inboxPK(memberID), limit: limit, cursor: cursor, newestFirst: true}
	if box == collab.Outbox {
		q.index, q.pk = idxGSI2, sentPK(memberID)
	}
	if status != "" {
		q.filter, q.scope = "#st = :st", string(status)
		q.match = func(it *item) bool {
			c, ok := it.v.(collab.Case)
			return ok && c.Status == status
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := s.queryPage(q)
	if err != nil {
		return nil, "", err
	}
	out := make([]collab.Case, 0, len(items))
	for _, it := range items {
		out = append(out, normCase(it.v.(collab.Case)))
	}
	return out, next, nil
}
