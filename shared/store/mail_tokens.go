package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
)

type mailTokenItem struct {
	keyAttrs
	Kind         string `dynamodbav:"kind"`
	EnrollmentID string `dynamodbav:"enrollmentId"`
	MemberID     string `dynamodbav:"memberId"`
	Name         string `dynamodbav:"name,omitempty"`
	Email        string `dynamodbav:"email,omitempty"`
	ExpiresAtISO string `dynamodbav:"expiresAtIso"`
	Used         bool   `dynamodbav:"used"`
	// ExpiresAt is the TTL (epoch seconds), kept a while past expiry so an
	// expired link can still say it expired.
	ExpiresAt int64 `dynamodbav:"expiresAt"`
}

func (s *Store) mailTokenWrite(t enrollment.Token) txItem {
	return s.putNew(marshal(mailTokenItem{
		keyAttrs: keyAttrs{
			PK: mailTokenPK(t.Hash), SK: metaSK, Type: "mail_token",
		},
		Kind: string(t.Kind), EnrollmentID: t.EnrollmentID,
		MemberID: t.MemberID, Name: t.Name, Email: t.Email, ExpiresAtISO: iso(t.ExpiresAt),
		ExpiresAt: t.ExpiresAt.Add(30 * 24 * time.Hour).Unix(),
	}), apperr.Conflict("token collision; retry"))
}

// GetMailToken returns a one-time mail token by hash.
func (s *Store) GetMailToken(ctx context.Context, hash string) (enrollment.Token, error) {
	var it mailTokenItem
	if err := s.getItem(ctx, "get mail token", mailTokenKey(hash), &it, apperr.NotFound("this link is not valid")); err != nil {
		return enrollment.Token{}, err
	}
	return enrollment.Token{
		Hash: hash, Kind: enrollment.TokenKind(it.Kind), EnrollmentID: it.EnrollmentID, MemberID: it.MemberID,
		Name: it.Name, Email: it.Email, ExpiresAt: parseISO(it.ExpiresAtISO), Used: it.Used,
	}, nil
}

// useMailToken marks a token used, only if it is unused and unexpired.
func (s *Store) useMailToken(hash string, now time.Time) txItem {
	return s.update(mailTokenKey(hash), "SET used = :t", "attribute_exists(PK) AND used = :f AND expiresAtIso > :now", nil,
		map[string]types.AttributeValue{
			":t": &types.AttributeValueMemberBOOL{Value: true}, ":f": &types.AttributeValueMemberBOOL{Value: false}, ":now": av(iso(now)),
		}, apperr.Conflict("this link was already used"))
}
