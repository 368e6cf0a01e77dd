package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
)

// pairRec is a member's one place in a program, with its enrollment's
// status kept in step.
type pairRec struct {
	EnrollmentID string
	Status       enrollment.Status
}

var errAlreadyEnrolled = apperr.Conflict("your company is already enrolled in this program")

// enrollPair takes e's member's place in e's program.
func enrollPair(e enrollment.Enrollment) write {
	return putNew(&item{PK: enrollmentPairPK(e.ProgramID, e.MemberID), SK: metaSK, v: pairRec{EnrollmentID: e.ID, Status: e.Status}}, errAlreadyEnrolled)
}

// holdsPair reports whether an enrollment in status st holds its member's
// place in the program.
func holdsPair(st enrollment.Status) bool {
	return st != enrollment.PendingMemberConsent && st != enrollment.Rejected
}

// pairStatus keeps the place's copy of e's status in step with e.
func pairStatus(e enrollment.Enrollment) write {
	return update(enrollmentPairPK(e.ProgramID, e.MemberID), metaSK, func(cur *item) bool {
		p, ok := valOf[pairRec](cur)
		return ok && p.EnrollmentID == e.ID
	}, func(cur *item) *item {
		p := cur.v.(pairRec)
		p.Status = e.Status
		cur.v = p
		return cur
	}, apperr.Conflict("the program's place of %s changed; reload it", e.MemberName))
}

// pairFree checks that e's member has no place in e's program yet.
func pairFree(e enrollment.Enrollment) write {
	return check(enrollmentPairPK(e.ProgramID, e.MemberID), metaSK, absent, errAlreadyEnrolled)
}

// releasePair gives e's place back, if e holds it.
func releasePair(e enrollment.Enrollment) write {
	return remove(enrollmentPairPK(e.ProgramID, e.MemberID), metaSK, func(cur *item) bool {
		if cur == nil {
			return true
		}
		p, ok := valOf[pairRec](cur)
		return ok && p.EnrollmentID == e.ID
	}, apperr.Conflict("the program's place of %s changed; reload it", e.MemberName))
}

// Enrolled implements program.Store: whether member holds a place in
// program.
func (s *Store) Enrolled(ctx context.Context, programID, memberID string) (bool, error) {
	_, ok := getVal[pairRec](s, enrollmentPairPK(programID, memberID), metaSK)
	return ok, nil
}

// EnrollmentStatuses implements marketplace.Store: the places of members in
// program ("" — left out — for none).
func (s *Store) EnrollmentStatuses(ctx context.Context, programID string, memberIDs []string) (map[string]enrollment.Status, error) {
	out := make(map[string]enrollment.Status, len(memberIDs))
	for _, id := range memberIDs {
		st, err := s.EnrollmentStatus(ctx, programID, id)
		if err != nil {
			return nil, err
		}
		if st != "" {
			out[id] = st
		}
	}
	return out, nil
}

// EnrollmentStatus implements collab.Store: the status of member's admitted
// enrollment in program, "" for none.
func (s *Store) EnrollmentStatus(ctx context.Context, programID, memberID string) (enrollment.Status, error) {
	p, ok := getVal[pairRec](s, enrollmentPairPK(programID, memberID), metaSK)
	if !ok {
		return "", nil
	}
	if p.Status != "" {
		return p.Status, nil
	}
	e, err := s.GetEnrollment(ctx, p.EnrollmentID)
	if err != nil {
		return "", err
	}
	return e.Status, nil
}
