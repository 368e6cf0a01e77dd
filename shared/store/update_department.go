package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/suppression"
)

// UpdateDepartment implements department.Store. The inbound address's
// entry follows the address (written on every save, so departments older
// than the entries gain theirs); a department reachable again lifts the
// suppression of the address that bounced when it is still its inbound
// address, and no other.
func (s *Store) UpdateDepartment(ctx context.Context, d department.Department, was department.Department, msgs []notify.Message) error {
	items := append([]txItem{
		s.put(marshal(toDepartmentItem(d)), "version = :v", nil, map[string]types.AttributeValue{":v": avN(was.Version)}, errVersion),
		s.departmentEvent(d, was),
	}, s.inboundWrite(d)...)
	if was.Inbound.Email != "" && !suppression.Same(was.Inbound.Email, d.Inbound.Email) {
		items = append(items, s.remove(inboundKey(was.Inbound.Email, was.ID), "", nil, nil))
	}
	if u := was.Unreachable; u != nil && d.Unreachable == nil && suppression.Same(u.Address, d.Inbound.Email) {
		items = append(items, s.remove(suppressionKey(u.Address), "", nil, nil))
	}
	items = append(items, s.outboxWrites(msgs)...)
	return s.transact(ctx, "update department", items...)
}
