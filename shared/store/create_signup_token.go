package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/registration"
)

// CreateSignupToken implements registration.Store: the token and its mail
// in one transaction.
func (s *Store) CreateSignupToken(ctx context.Context, t registration.SignupToken, msg notify.Message) error {
	items := []txItem{s.putNew(marshal(toSignupTokenItem(t)), apperr.Conflict("token collision; retry"))}
	items = append(items, s.outboxWrites([]notify.Message{msg})...)
	return s.transact(ctx, "create signup token", items...)
}
