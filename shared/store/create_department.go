package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/notify"
)

// CreateDepartment implements department.Store.
func (s *Store) CreateDepartment(ctx context.Context, d department.Department, msgs []notify.Message, claim idem.Claim) error {
	items := []txItem{
		s.check(memberKey(d.MemberID), "attribute_exists(PK)", nil, nil, apperr.NotFound("member %s not found", d.MemberID)),
	}
	items = append(items, s.newDepartment(d)...)
	items = append(items, s.outboxWrites(msgs)...)
	items = append(items, s.commitClaim(claim, d.ID)...)
	return s.transact(ctx, "create department", items...)
}
