package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/table"
)

// ListProgramConfigurations implements marketplace.Store.
func (s *Store) ListProgramConfigurations(ctx context.Context, programID string, status marketplace.Status, memberID string, limit int, cursor string) ([]marketplace.Configuration, string, error) {
	q := pageQuery{
		op: "list configurations", index: table.GSI1, pkAttr: table.GSI1PK, pk: programConfigurationsPK(programID),
		skAttr: table.GSI1SK, limit: limit, cursor: cursor, newestFirst: true,
	}
	if status != "" {
		q.skPrefix = string(status) + "#"
	}
	if memberID != "" {
		q.filter, q.filterNames, q.filterValues = "#m = :m", map[string]string{"#m": "memberId"}, map[string]types.AttributeValue{":m": av(memberID)}
		q.scope = memberID
	}
	items, next, err := s.queryPage(ctx, q)
	if err != nil {
		return nil, "", err
	}
	out, err := convert(items, configurationItem.domain)
	return out, next, err
}
