package memstore

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
)

func mailTokenWrite(t enrollment.Token) write {
	return putNew(&item{PK: mailTokenPK(t.Hash), SK: metaSK, v: enrollment.Token{
		Kind: t.Kind, EnrollmentID: t.EnrollmentID, MemberID: t.MemberID, Name: t.Name, Email: t.Email, ExpiresAt: ts(t.ExpiresAt),
	}}, apperr.Conflict("token collision; retry"))
}

// GetMailToken returns a one-time mail token by hash.
func (s *Store) GetMailToken(ctx context.Context, hash string) (enrollment.Token, error) {
	t, ok := getVal[enrollment.Token](s, mailTokenPK(hash), metaSK)
	if !ok {
		return enrollment.Token{}, apperr.NotFound("this link is not valid")
	}
	t.Hash = hash
	return t, nil
}

// useMailToken marks a token used, only if it is unused and unexpired.
func useMailToken(hash string, now time.Time) write {
	n := iso(now)
	return update(mailTokenPK(hash), metaSK, func(cur *item) bool {
		t, ok := valOf[enrollment.Token](cur)
		return ok && !t.Used && iso(t.ExpiresAt) > n
	}, func(cur *item) *item {
		t := cur.v.(enrollment.Token)
		t.Used = true
		cur.v = t
		return cur
	}, apperr.Conflict("this link was already used"))
}
