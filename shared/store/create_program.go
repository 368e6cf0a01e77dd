package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/program"
)

// CreateProgram implements program.Store.
func (s *Store) CreateProgram(ctx context.Context, p program.Program, claim idem.Claim) error {
	items := []txItem{
		s.check(memberKey(p.HostMemberID), "attribute_exists(PK)", nil, nil, apperr.InvalidField("hostMemberId", "is not a member")),
		s.putNew(marshal(toSlugItem(p)),
			apperr.Conflict("the slug %q is taken; choose another", p.Slug)),
		s.putNew(marshal(toProgramItem(p, 0)), apperr.Conflict("program %s already exists", p.ID)),
		s.auditWrite(programPK(p.ID), p.Version, "program", audit.Event{At: p.CreatedAt, Actor: p.UpdatedBy, Action: "create"}),
	}
	items = append(items, s.commitClaim(claim, p.ID)...)
	return s.transact(ctx, "create program", items...)
}
