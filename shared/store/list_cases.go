package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/table"
)

// ListCases pages through a member's inbox (GSI1) or outbox (GSI2), newest
// first; a status narrows the page by filter.
func (s *Store) ListCases(ctx context.Context, box collab.Box, memberID string, status collab.Status, limit int, cursor string) ([]collab.Case, string, error) {
	q := pageQuery{op: "list cases", index: table.GSI1, pkAttr: table.GSI1PK, pk: inboxPK(memberID), skAttr: table.GSI1SK,
		limit: limit, cursor: cursor, newestFirst: true}
	if box == collab.Outbox {
		q.index, q.pkAttr, q.pk, q.skAttr = table.GSI2, table.GSI2PK, sentPK(memberID), table.GSI2SK
	}
	if status != "" {
		q.filter = "#st = :st"
		q.filterNames = map[string]string{"#st": "status"}
		q.filterValues = map[string]types.AttributeValue{":st": av(string(status))}
		q.scope = string(status)
	}
	items, next, err := s.queryPage(ctx, q)
	if err != nil {
		return nil, "", err
	}
	out, err := convert(items, caseItem.domain)
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}
