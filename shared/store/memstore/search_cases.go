package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/collab"
)

// SearchCases pages through the cases of a member (of one side, "" both)
// with a search token starting with token, then reads them.
func (s *Store) SearchCases(ctx context.Context, memberID string, side collab.Side, token string, limit int, cursor string) ([]collab.Case, string, error) {
	q := pageQuery{op: "search cases", pk: searchPK(memberID), skPrefix: token, limit: limit, cursor: cursor, newestFirst: true}
	sideFilter(&q, side)
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := s.queryPage(q)
	if err != nil {
		return nil, "", err
	}
	return s.casesOfEntries(items), next, nil
}

// SearchCaseRows is SearchCases with each case as its entry carries it
// (collab.Case.Row).
func (s *Store) SearchCaseRows(ctx context.Context, memberID string, side collab.Side, token string, limit int, cursor string) ([]collab.Case, string, error) {
	q := pageQuery{op: "search cases", pk: searchPK(memberID), skPrefix: token, limit: limit, cursor: cursor, newestFirst: true}
	sideFilter(&q, side)
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := s.queryPage(q)
	if err != nil {
		return nil, "", err
	}
	return s.rowsOfEntries(items), next, nil
}
