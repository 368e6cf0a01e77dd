package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/suppression"
)

// CreateDepartment implements department.Store.
func (s *Store) CreateDepartment(ctx context.Context, d department.Department, msgs []notify.Message, claim idem.Claim) error {
	ws := []write{check(memberPK(d.MemberID), metaSK, exists, apperr.NotFound("member %s not found", d.MemberID))}
	ws = append(ws, newDepartment(d)...)
	ws = append(ws, outboxWrites(msgs)...)
	ws = append(ws, commitClaim(claim, d.ID)...)
	return s.transact("create department", ws...)
}

// UpdateDepartment implements department.Store. The inbound address's
// entry follows the address; a department reachable again lifts the
// suppression of the address that bounced when it is still its inbound
// address, and no other.
func (s *Store) UpdateDepartment(ctx context.Context, d department.Department, was department.Department, msgs []notify.Message) error {
	ws := append([]write{
		putIf(departmentItem(d), deptAtVersion(was.Version), errVersion),
		departmentEvent(d, was),
	}, inboundWrite(d)...)
	if was.Inbound.Email != "" && !suppression.Same(was.Inbound.Email, d.Inbound.Email) {
		ws = append(ws, remove(inboundPK(was.Inbound.Email), departmentPK(was.ID), nil, nil))
	}
	if u := was.Unreachable; u != nil && d.Unreachable == nil && suppression.Same(u.Address, d.Inbound.Email) {
		ws = append(ws, remove(suppressionPK(u.Address), metaSK, nil, nil))
	}
	ws = append(ws, outboxWrites(msgs)...)
	return s.transact("update department", ws...)
}

func deptAtVersion(v int) func(*item) bool {
	return atVersion[department.Department](v, func(d department.Department) int { return d.Version })
}

// MarkUnreachable implements suppression.Store: d (one version on from the
// stored one, which must be reachable still) saved with its timeline entry
// and msgs.
func (s *Store) MarkUnreachable(ctx context.Context, d department.Department, msgs []notify.Message) error {
	was := d
	was.Unreachable = nil
	ws := []write{putIf(departmentItem(d), func(cur *item) bool {
		x, ok := valOf[department.Department](cur)
		return ok && x.Version == d.Version-1 && x.Unreachable == nil
	}, apperr.Conflict("department %s changed meanwhile", d.ID)), departmentEvent(d, was)}
	ws = append(ws, outboxWrites(msgs)...)
	return s.transact("mark department unreachable", ws...)
}
