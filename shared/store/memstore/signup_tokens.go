package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/registration"
)

// GetSignupToken implements registration.Store.
func (s *Store) GetSignupToken(ctx context.Context, hash string) (registration.SignupToken, error) {
	t, ok := getVal[registration.SignupToken](s, signupTokenPK(hash), metaSK)
	if !ok {
		return registration.SignupToken{}, apperr.NotFound("unknown sign-up link")
	}
	t.Hash = hash
	return t, nil
}

// CreateSignupToken implements registration.Store: the token and its mail
// in one transaction.
func (s *Store) CreateSignupToken(ctx context.Context, t registration.SignupToken, msg notify.Message) error {
	ws := []write{putNew(&item{PK: signupTokenPK(t.Hash), SK: metaSK, v: registration.SignupToken{
		ProgramID: t.ProgramID, Email: t.Email, ExpiresAt: ts(t.ExpiresAt), CreatedAt: ts(t.CreatedAt),
	}}, apperr.Conflict("token collision; retry"))}
	ws = append(ws, outboxWrites([]notify.Message{msg})...)
	return s.transact("create signup token", ws...)
}
