package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/registration"
)

type signupTokenItem struct {
	keyAttrs
	ProgramID    string `dynamodbav:"programId"`
	Email        string `dynamodbav:"email"`
	ExpiresAtISO string `dynamodbav:"expiresAtIso"`
	Used         bool   `dynamodbav:"used"`
	CreatedAt    string `dynamodbav:"createdAt"`
	ExpiresAt    int64  `dynamodbav:"expiresAt"`
}

// toSignupTokenItem is a sign-up link as stored; the table forgets it a
// week after it expires.
func toSignupTokenItem(t registration.SignupToken) signupTokenItem {
	return signupTokenItem{
		keyAttrs: keyAttrs{
			PK: signupTokenPK(t.Hash), SK: metaSK, Type: "signup_token",
		},
		ProgramID: t.ProgramID, Email: t.Email,
		ExpiresAtISO: iso(t.ExpiresAt), CreatedAt: iso(t.CreatedAt), ExpiresAt: t.ExpiresAt.Add(7 * 24 * time.Hour).Unix(),
	}
}

// CreateSignupToken implements registration.Store: the token and its mail
// in one transaction.
func (s *Store) CreateSignupToken(ctx context.Context, t registration.SignupToken, msg notify.Message) error {
	items := []txItem{s.putNew(marshal(toSignupTokenItem(t)), apperr.Conflict("token collision; retry"))}
	items = append(items, s.outboxWrites([]notify.Message{msg})...)
	return s.transact(ctx, "create signup token", items...)
}

// GetSignupToken implements registration.Store.
func (s *Store) GetSignupToken(ctx context.Context, hash string) (registration.SignupToken, error) {
	var it signupTokenItem
	if err := s.getItem(ctx, "get signup token", signupTokenKey(hash), &it, apperr.NotFound("unknown sign-up link")); err != nil {
		return registration.SignupToken{}, err
	}
	return registration.SignupToken{
		Hash: hash, ProgramID: it.ProgramID, Email: it.Email, ExpiresAt: parseISO(it.ExpiresAtISO), Used: it.Used, CreatedAt: parseISO(it.CreatedAt),
	}, nil
}

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
