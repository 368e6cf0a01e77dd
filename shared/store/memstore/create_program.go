package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/program"
)

// CreateProgram implements program.Store: the program, its slug's claim and
// its first event, only if the host is a member.
func (s *Store) CreateProgram(ctx context.Context, p program.Program, claim idem.Claim) error {
	ws := []write{
		check(memberPK(p.HostMemberID), metaSK, exists, apperr.InvalidField("hostMemberId", "is not a member")),
		putNew(&item{PK: slugPK(p.Slug), SK: metaSK, v: slugRec{ProgramID: p.ID}}, apperr.Conflict("the slug %q is taken; choose another", p.Slug)),
		putNew(programItem(p, 0), apperr.Conflict("program %s already exists", p.ID)),
		auditWrite(programPK(p.ID), p.Version, audit.Event{At: p.CreatedAt, Actor: p.UpdatedBy, Action: "create"}),
	}
	ws = append(ws, commitClaim(claim, p.ID)...)
	return s.transact("create program", ws...)
}
