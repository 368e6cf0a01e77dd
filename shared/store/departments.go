package store

import (
	"context"
	"fmt"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/department"
)

type departmentItem struct {
	keyAttrs
	ID              string   `dynamodbav:"id"`
	MemberID        string   `dynamodbav:"memberId"`
	Name            string   `dynamodbav:"name"`
	ProgramIDs      []string `dynamodbav:"programIds,omitempty"`
	Inbound         string   `dynamodbav:"inbound"`
	Form            string   `dynamodbav:"form"`
	WebhookDisabled bool     `dynamodbav:"webhookDisabled,omitempty"`
	Unreachable     string   `dynamodbav:"unreachable,omitempty"`
	Confirmed       []string `dynamodbav:"confirmed,omitempty,stringset"`
	CreatedAt       string   `dynamodbav:"createdAt"`
	UpdatedAt       string   `dynamodbav:"updatedAt"`
	Version         int      `dynamodbav:"version"`
	UpdatedBy       string   `dynamodbav:"updatedBy,omitempty"`
}

func toDepartmentItem(d department.Department) departmentItem {
	var unreachable string
	if d.Unreachable != nil {
		unreachable = jsonAttr(unreachableRec(*d.Unreachable))
	}
	return departmentItem{
		keyAttrs: keyAttrs{
			PK: departmentPK(d.ID), SK: metaSK, Type: "department",
			GSI1PK: memberDepartmentsPK(d.MemberID), GSI1SK: d.ID,
		},
		ID: d.ID, MemberID: d.MemberID, Name: d.Name, ProgramIDs: d.ProgramIDs, Inbound: jsonAttr(toInboundRec(d.Inbound)), Form: jsonAttr(toFormRec(d.Form)),
		WebhookDisabled: d.WebhookDisabled, Unreachable: unreachable, Confirmed: d.Confirmed, CreatedAt: iso(d.CreatedAt), UpdatedAt: iso(d.UpdatedAt), Version: d.Version, UpdatedBy: d.UpdatedBy,
	}
}

func (it departmentItem) domain() (department.Department, error) {
	d := department.Department{
		ID: it.ID, MemberID: it.MemberID, Name: it.Name, ProgramIDs: it.ProgramIDs, WebhookDisabled: it.WebhookDisabled, Confirmed: it.Confirmed,
		CreatedAt: parseISO(it.CreatedAt), UpdatedAt: parseISO(it.UpdatedAt), Version: it.Version, UpdatedBy: it.UpdatedBy,
	}
	var in inboundRec
	if err := fromJSON(it.Inbound, &in); err != nil {
		return d, fmt.Errorf("department %s inbound: %w", it.ID, err)
	}
	var f formRec
	if err := fromJSON(it.Form, &f); err != nil {
		return d, fmt.Errorf("department %s form: %w", it.ID, err)
	}
	d.Inbound, d.Form = in.domain(), f.domain()
	if it.Unreachable != "" {
		var u unreachableRec
		if err := fromJSON(it.Unreachable, &u); err != nil {
			return d, fmt.Errorf("department %s unreachable: %w", it.ID, err)
		}
		d.Unreachable = (*department.Unreachable)(&u)
	}
	return d, nil
}

// GetDepartment returns one department.
func (s *Store) GetDepartment(ctx context.Context, id string) (department.Department, error) {
	var it departmentItem
	if err := s.getItem(ctx, "get department", departmentKey(id), &it, apperr.NotFound("department %s not found", id)); err != nil {
		return department.Department{}, err
	}
	return it.domain()
}

// inboundItem says which department takes cases at an address: the
// mail-event function finds the departments a bounced address belongs to
// with one Query, under INBOUND#<address>.
type inboundItem struct {
	keyAttrs
	DepartmentID string `dynamodbav:"departmentId"`
	MemberID     string `dynamodbav:"memberId"`
}

// inboundWrite is the entry of d's inbound address (none without one).
func (s *Store) inboundWrite(d department.Department) []txItem {
	if d.Inbound.Email == "" {
		return nil
	}
	return []txItem{s.put(marshal(inboundItem{keyAttrs: keyAttrs{PK: inboundPK(d.Inbound.Email), SK: departmentPK(d.ID), Type: "inbound"}, DepartmentID: d.ID, MemberID: d.MemberID}), "", nil, nil, nil)}
}

// newDepartment writes a new department and its inbound address's entry.
func (s *Store) newDepartment(d department.Department) []txItem {
	return append([]txItem{
		s.putNew(marshal(toDepartmentItem(d)), apperr.Conflict("department %s already exists", d.ID)),
		s.auditWrite(departmentPK(d.ID), d.Version, "department", audit.Event{At: d.CreatedAt, Actor: d.UpdatedBy, Action: "create"}),
	}, s.inboundWrite(d)...)
}

// departmentEvent is the timeline entry of saving d over was: what a
// person changed, or the mailbox becoming unreachable or reachable again.
func (s *Store) departmentEvent(d, was department.Department) txItem {
	ev := audit.Event{At: d.UpdatedAt, Actor: d.UpdatedBy, Action: "update",
		Reason: audit.ChangedText(changedFields(marshal(toDepartmentItem(was)), marshal(toDepartmentItem(d))))}
	switch {
	case was.Unreachable == nil && d.Unreachable != nil:
		ev.Action, ev.From, ev.To, ev.Reason = "unreachable", "reachable", "unreachable", d.Unreachable.Address+": "+d.Unreachable.Said()
	case was.Unreachable != nil && d.Unreachable == nil:
		ev.From, ev.To = "unreachable", "reachable"
	case len(d.Confirmed) > len(was.Confirmed):
		ev.Action, ev.Reason = "confirm address", d.Confirmed[len(d.Confirmed)-1]+" confirmed it takes the department's mail"
	}
	return s.auditWrite(departmentPK(d.ID), d.Version, "department", ev)
}
