package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/collab"
)

// SearchCases pages through the cases of a member (of one side, "" both)
// with a search token starting with token (a Query of its search index
// by begins_with), then reads them (one BatchGetItem). A case found by two
// of its tokens may come back on two pages.
func (s *Store) SearchCases(ctx context.Context, memberID string, side collab.Side, token string, limit int, cursor string) ([]collab.Case, string, error) {
	return s.casesOfPage(ctx, searchQuery(memberID, side, token, limit, cursor))
}
