package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/registration"
)

// CreateSignup implements registration.Store: one transaction for the whole
// sign-up, each condition mapped to what a person would be told.
func (s *Store) CreateSignup(ctx context.Context, su registration.Signup) error {
	e := su.Enrollment
	items := []txItem{
		s.update(signupTokenKey(su.TokenHash), "SET used = :t", "attribute_exists(PK) AND used = :f AND expiresAtIso > :now", nil,
			map[string]types.AttributeValue{
				":t": &types.AttributeValueMemberBOOL{Value: true}, ":f": &types.AttributeValueMemberBOOL{Value: false}, ":now": av(iso(su.Now)),
			}, apperr.Conflict("this sign-up link was already used or has expired; register again for a new one")),
		s.check(programKey(su.ProgramID), "addendumVersion = :v", nil, map[string]types.AttributeValue{":v": av(su.AddendumVersion)},
			apperr.Conflict("the program's addendum changed while you were signing up; review and accept the new version")),
		s.putNew(marshal(toEnrollmentItem(e)), apperr.Conflict("enrollment %s already exists", e.ID)),
		s.enrollmentEventWrite(e.ID, e.Version, su.Event),
	}
	if m := su.NewMember; m != nil {
		items = append(items, s.putNew(marshal(toMemberItem(*m)), apperr.Conflict("member %s already exists", m.ID)), s.enrollPair(e),
			s.memberEvent(m.ID, "", audit.Event{At: m.CreatedAt, Actor: "sign-up by " + e.Email, Action: "create"}))
		if m.Domain != "" {
			items = append(items, s.putNew(marshal(toDomainItem(*m)), registration.ErrDomainTaken))
		}
	} else {
		// Awaiting the member's consent: its place in the program is
		// taken only when it confirms, but one already taken says so now.
		items = append(items,
			s.check(memberKey(e.MemberID), "attribute_exists(PK)", nil, nil, apperr.NotFound("member %s not found", e.MemberID)),
			s.pairFree(e))
	}
	if su.Department != nil {
		items = append(items, s.newDepartment(*su.Department)...)
	}
	if su.Invoice != nil {
		items = append(items, s.invoiceWrite(*su.Invoice, "sign-up by "+e.Email)...)
	}
	if su.Validation != nil {
		items = append(items, s.mailTokenWrite(*su.Validation))
	}
	items = append(items, s.outboxWrites(su.Messages)...)
	items = append(items, s.commitClaim(su.Claim, e.ID)...)
	return s.transact(ctx, "create signup", items...)
}
