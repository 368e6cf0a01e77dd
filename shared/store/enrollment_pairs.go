package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
)

// enrollmentPairItem is a member's one place in a program: taken when a
// sign-up is admitted, given back when it is rejected.
//
// It carries the enrollment's status too, kept in step by every transaction
// that changes it, so case intake learns whether a member may collaborate
// from this one item (a strongly consistent read, so a removed partner is
// refused at once). Items written before the status was kept have none:
// their enrollment is read instead.
type enrollmentPairItem struct {
	keyAttrs
	EnrollmentID string `dynamodbav:"enrollmentId"`
	Status       string `dynamodbav:"status,omitempty"`
}

var errAlreadyEnrolled = apperr.Conflict("your company is already enrolled in this program")

// enrollPair takes e's member's place in e's program.
func (s *Store) enrollPair(e enrollment.Enrollment) txItem {
	return s.putNew(marshal(enrollmentPairItem{
		keyAttrs: keyAttrs{
			PK: enrollmentPairPK(e.ProgramID, e.MemberID), SK: metaSK, Type: "enrollment_pair",
		},
		EnrollmentID: e.ID, Status: string(e.Status),
	}), errAlreadyEnrolled)
}

// holdsPair reports whether an enrollment in status st holds its member's
// place in the program: from admission (not while the member's consent is
// awaited) until it is rejected.
func holdsPair(st enrollment.Status) bool {
	return st != enrollment.PendingMemberConsent && st != enrollment.Rejected
}

// pairStatus keeps the place's copy of e's status in step with e.
func (s *Store) pairStatus(e enrollment.Enrollment) txItem {
	return s.update(enrollmentPairKey(e.ProgramID, e.MemberID), "SET #s = :s", "enrollmentId = :e", map[string]string{"#s": "status"},
		map[string]types.AttributeValue{":s": av(string(e.Status)), ":e": av(e.ID)},
		apperr.Conflict("the program's place of %s changed; reload it", e.MemberName))
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
