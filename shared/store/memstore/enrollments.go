package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
)

// enrollmentItem is e as stored: in its program's list by status and
// creation (GSI1), in its member's list by program (GSI2), in the
// operators' index while the sign-up waits for a decision or for its
// membership to be paid, and in the
// renewals sweep while a renewal step is to come.
func enrollmentItem(e enrollment.Enrollment) *item {
	it := &item{
		PK: enrollmentPK(e.ID), SK: metaSK,
		GSI1PK: programEnrollmentsPK(e.ProgramID), GSI1SK: string(e.Status) + "#" + iso(e.CreatedAt) + "#" + e.ID,
		GSI2PK: memberEnrollmentsPK(e.MemberID), GSI2SK: e.ProgramID + "#" + e.ID,
		v: normEnrollment(e),
	}
	if e.Status == enrollment.PendingApproval || e.Status == enrollment.PendingMemberConsent {
		it.OpsPK, it.OpsSK = opsAttrs(opsSignup, e.ID, e.CreatedAt)
	}
	if e.Status == enrollment.AwaitingPayment {
		it.OpsPK, it.OpsSK = opsAttrs(opsPayment, e.ID, e.UpdatedAt)
	}
	if _, due, ok := e.NextRenewal(); ok {
		it.DuePK, it.DueSK = dueAttrs(sweepRenewal, e.ID, due)
	}
	return it
}

func enrollmentEventWrite(enrollmentID string, version int, ev enrollment.Event) write {
	return putNew(&item{PK: enrollmentPK(enrollmentID), SK: eventSK(version, ev.ID), v: normEnrollmentEvent(ev)},
		apperr.Conflict("event %s already recorded", ev.ID))
}

// GetEnrollment returns one enrollment.
func (s *Store) GetEnrollment(ctx context.Context, id string) (enrollment.Enrollment, error) {
	e, ok := getVal[enrollment.Enrollment](s, enrollmentPK(id), metaSK)
	if !ok {
		return enrollment.Enrollment{}, apperr.NotFound("enrollment %s not found", id)
	}
	return normEnrollment(e), nil
}

// ListMemberEnrollments returns all of a member's enrollments (GSI2), by
// program and id.
func (s *Store) ListMemberEnrollments(ctx context.Context, memberID string) ([]enrollment.Enrollment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return enrollments(s.queryAll(pageQuery{op: "list member enrollments", index: idxGSI2, pk: memberEnrollmentsPK(memberID)}, 5000)), nil
}

// ListProgramEnrollments pages through a program's enrollments from GSI1
// (by status, then creation), optionally only those of one status (a key
// prefix, not a filter).
func (s *Store) ListProgramEnrollments(ctx context.Context, programID string, status enrollment.Status, limit int, cursor string) ([]enrollment.Enrollment, string, error) {
	q := pageQuery{op: "list program enrollments", index: idxGSI1, pk: programEnrollmentsPK(programID), limit: limit, cursor: cursor}
	if status != "" {
		q.skPrefix = string(status) + "#"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := s.queryPage(q)
	if err != nil {
		return nil, "", err
	}
	return enrollments(items), next, nil
}

func enrollments(items []*item) []enrollment.Enrollment {
	out := make([]enrollment.Enrollment, 0, len(items))
	for _, it := range items {
		out = append(out, normEnrollment(it.v.(enrollment.Enrollment)))
	}
	return out
}

// CountProgramEnrollments counts a program's enrollments per status.
func (s *Store) CountProgramEnrollments(ctx context.Context, programID string) (map[enrollment.Status]int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[enrollment.Status]int{}
	for _, it := range s.sortedItems(idxGSI1, programEnrollmentsPK(programID), func(string) bool { return true }) {
		out[it.v.(enrollment.Enrollment).Status]++
	}
	return out, nil
}
