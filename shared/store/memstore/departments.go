package memstore

import (
	"context"
	"errors"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/department"
)

// departmentItem is d as stored, in its member's list (GSI1).
func departmentItem(d department.Department) *item {
	return &item{PK: departmentPK(d.ID), SK: metaSK, GSI1PK: memberDepartmentsPK(d.MemberID), GSI1SK: d.ID, v: normDepartment(d)}
}

// GetDepartment returns one department.
func (s *Store) GetDepartment(ctx context.Context, id string) (department.Department, error) {
	d, ok := getVal[department.Department](s, departmentPK(id), metaSK)
	if !ok {
		return department.Department{}, apperr.NotFound("department %s not found", id)
	}
	return normDepartment(d), nil
}

// inboundRec says which department takes cases at an address.
type inboundRec struct{ DepartmentID, MemberID string }

// inboundWrite is the entry of d's inbound address (none without one).
func inboundWrite(d department.Department) []write {
	if d.Inbound.Email == "" {
		return nil
	}
	return []write{put(&item{PK: inboundPK(d.Inbound.Email), SK: departmentPK(d.ID), v: inboundRec{DepartmentID: d.ID, MemberID: d.MemberID}})}
}

// newDepartment writes a new department and its inbound address's entry.
func newDepartment(d department.Department) []write {
	return append([]write{
		putNew(departmentItem(d), apperr.Conflict("department %s already exists", d.ID)),
		auditWrite(departmentPK(d.ID), d.Version, audit.Event{At: d.CreatedAt, Actor: d.UpdatedBy, Action: "create"}),
	}, inboundWrite(d)...)
}

// departmentEvent is the timeline entry of saving d over was.
func departmentEvent(d, was department.Department) write {
	ev := audit.Event{At: d.UpdatedAt, Actor: d.UpdatedBy, Action: "update",
		Reason: audit.ChangedText(changedFields(departmentAttrs(was), departmentAttrs(d)))}
	switch {
	case was.Unreachable == nil && d.Unreachable != nil:
		ev.Action, ev.From, ev.To, ev.Reason = "unreachable", "reachable", "unreachable", d.Unreachable.Address+": "+d.Unreachable.Said()
	case was.Unreachable != nil && d.Unreachable == nil:
		ev.From, ev.To = "unreachable", "reachable"
	case len(d.Confirmed) > len(was.Confirmed):
		ev.Action, ev.Reason = "confirm address", d.Confirmed[len(d.Confirmed)-1]+" confirmed it takes the department's mail"
	}
	return auditWrite(departmentPK(d.ID), d.Version, ev)
}

// DepartmentsAt implements suppression.Store: the departments whose inbound
// address is addr (as suppression.Normalize keys it), by id.
func (s *Store) DepartmentsAt(ctx context.Context, addr string) ([]department.Department, error) {
	s.mu.Lock()
	items := s.queryAll(pageQuery{op: "departments at address", pk: inboundPK(addr)}, 100)
	s.mu.Unlock()
	var out []department.Department
	for _, it := range items {
		d, err := s.GetDepartment(ctx, it.v.(inboundRec).DepartmentID)
		if errors.Is(err, apperr.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// ListMemberDepartments returns all of a member's departments (GSI1), by id.
func (s *Store) ListMemberDepartments(ctx context.Context, memberID string) ([]department.Department, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items := s.queryAll(pageQuery{op: "list departments", index: idxGSI1, pk: memberDepartmentsPK(memberID)}, 1000)
	out := make([]department.Department, 0, len(items))
	for _, it := range items {
		out = append(out, normDepartment(it.v.(department.Department)))
	}
	return out, nil
}
