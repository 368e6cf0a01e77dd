package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/table"
)

// SearchCaseRows is SearchCases with each case as its entry carries it
// (collab.Case.Row): one Query of the search index by begins_with.
func (s *Store) SearchCaseRows(ctx context.Context, memberID string, side collab.Side, token string, limit int, cursor string) ([]collab.Case, string, error) {
	return s.rowsOfPage(ctx, searchQuery(memberID, side, token, limit, cursor))
}

// searchQuery is the Query of member's search index by token.
func searchQuery(memberID string, side collab.Side, token string, limit int, cursor string) pageQuery {
	q := pageQuery{op: "search cases", pkAttr: table.PK, pk: searchPK(memberID), skAttr: table.SK, skPrefix: token,
		limit: limit, cursor: cursor, newestFirst: true}
	sideFilter(&q, side)
	return q
}
