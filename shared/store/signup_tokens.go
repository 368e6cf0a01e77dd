package store

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
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
