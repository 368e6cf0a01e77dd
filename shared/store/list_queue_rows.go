package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/collab"
)

// ListQueueRows pages through one of a member's queue lists, each case as
// its entry carries it (collab.Case.Row): one Query. Entries written
// before rows are read whole (rowsOfEntries).
func (s *Store) ListQueueRows(ctx context.Context, l collab.QueueList, limit int, cursor string) ([]collab.Case, string, error) {
	return s.rowsOfPage(ctx, queueQuery(l, limit, cursor))
}

// rowsOfPage reads a page of q's queue or search entries as rows.
func (s *Store) rowsOfPage(ctx context.Context, q pageQuery) ([]collab.Case, string, error) {
	items, next, err := s.queryPage(ctx, q)
	if err != nil {
		return nil, "", err
	}
	cs, err := s.rowsOfEntries(ctx, q.op, items)
	if err != nil {
		return nil, "", err
	}
	return cs, next, nil
}

// rowsOfEntries are the rows queue or search entries carry, in the
// entries' order, each case once. An entry without a row (written before
// rows, not yet backfilled) has its case read (one BatchGetItem for all
// such entries of the page), so a page is right mid-deploy, only slower.
func (s *Store) rowsOfEntries(ctx context.Context, op string, items []map[string]types.AttributeValue) ([]collab.Case, error) {
	entries, err := convert(items, func(it queueItem) (queueItem, error) { return it, nil })
	if err != nil {
		return nil, err
	}
	var bare []map[string]types.AttributeValue
	for i, e := range entries {
		if e.Row == "" {
			bare = append(bare, items[i])
		}
	}
	whole := map[string]collab.Case{}
	if len(bare) > 0 {
		cs, err := s.casesOfEntries(ctx, op, bare)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			whole[c.ID] = c
		}
	}
	out := make([]collab.Case, 0, len(entries))
	seen := map[string]bool{}
	for _, e := range entries {
		if seen[e.CaseID] {
			continue
		}
		if e.Row == "" {
			if c, ok := whole[e.CaseID]; ok {
				seen[e.CaseID] = true
				out = append(out, c.Row(collab.Side(e.Side)))
			}
			continue
		}
		var r rowRec
		if err := fromJSON(e.Row, &r); err != nil {
			return nil, fmt.Errorf("%s: case %s row: %w", op, e.CaseID, err)
		}
		seen[e.CaseID] = true
		out = append(out, r.domain())
	}
	return out, nil
}
