package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
)

// enrollmentPairItem is a member's one place in a program: taken when a
// sign-up is admitted, given back when it is rejected.
type enrollmentPairItem struct {
	PK           string `dynamodbav:"PK"`
	SK           string `dynamodbav:"SK"`
	Type         string `dynamodbav:"type"`
	EnrollmentID string `dynamodbav:"enrollmentId"`
}

var errAlreadyEnrolled = apperr.Conflict("your company is already enrolled in this program")

// enrollPair takes e's member's place in e's program.
func (s *Store) enrollPair(e enrollment.Enrollment) txItem {
	return s.putNew(marshal(enrollmentPairItem{
		PK: enrollmentPairPK(e.ProgramID, e.MemberID), SK: metaSK, Type: "enrollment_pair", EnrollmentID: e.ID,
	}), errAlreadyEnrolled)
}

// pairFree checks that e's member has no place in e's program yet.
func (s *Store) pairFree(e enrollment.Enrollment) txItem {
	return s.check(enrollmentPairKey(e.ProgramID, e.MemberID), "attribute_not_exists(PK)", nil, nil, errAlreadyEnrolled)
}

// releasePair gives e's place back, if e holds it.
func (s *Store) releasePair(e enrollment.Enrollment) txItem {
	return s.remove(enrollmentPairKey(e.ProgramID, e.MemberID), "attribute_not_exists(PK) OR enrollmentId = :e",
		map[string]types.AttributeValue{":e": av(e.ID)}, apperr.Conflict("the program's place of %s changed; reload it", e.MemberName))
}

// Enrolled implements program.Store: whether member holds a place in
// program (an admitted sign-up, whatever became of it since, but not a
// rejected one).
func (s *Store) Enrolled(ctx context.Context, programID, memberID string) (bool, error) {
	var it enrollmentPairItem
	err := s.getItem(ctx, "get enrollment pair", enrollmentPairKey(programID, memberID), &it, errNoItem)
	if err == errNoItem {
		return false, nil
	}
	return err == nil, err
}

// EnrollmentOf implements collab.Store: member's admitted enrollment in
// program, and whether it has one.
func (s *Store) EnrollmentOf(ctx context.Context, programID, memberID string) (enrollment.Enrollment, bool, error) {
	var pair enrollmentPairItem
	err := s.getItem(ctx, "get enrollment pair", enrollmentPairKey(programID, memberID), &pair, errNoItem)
	if err == errNoItem {
		return enrollment.Enrollment{}, false, nil
	}
	if err != nil {
		return enrollment.Enrollment{}, false, err
	}
	e, err := s.GetEnrollment(ctx, pair.EnrollmentID)
	if err != nil {
		return enrollment.Enrollment{}, false, err
	}
	return e, true, nil
}
