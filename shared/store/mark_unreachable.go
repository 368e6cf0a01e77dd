package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/notify"
)

// MarkUnreachable implements suppression.Store.
func (s *Store) MarkUnreachable(ctx context.Context, d department.Department, msgs []notify.Message) error {
	was := d
	was.Unreachable = nil
	items := []txItem{s.put(marshal(toDepartmentItem(d)), "version = :v AND attribute_not_exists(unreachable)", nil,
		map[string]types.AttributeValue{":v": avN(d.Version - 1)}, apperr.Conflict("department %s changed meanwhile", d.ID)),
		s.departmentEvent(d, was)}
	items = append(items, s.outboxWrites(msgs)...)
	return s.transact(ctx, "mark department unreachable", items...)
}
