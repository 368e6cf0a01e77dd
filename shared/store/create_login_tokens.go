package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/session"
)

// CreateLoginTokens implements session.Store.
func (s *Store) CreateLoginTokens(ctx context.Context, toks []session.LoginToken, msgs []notify.Message) error {
	var items []txItem
	for _, t := range toks {
		items = append(items, s.putNew(marshal(newLoginTokenItem(t)), apperr.Conflict("token collision; retry")))
	}
	items = append(items, s.outboxWrites(msgs)...)
	return s.transact(ctx, "create login tokens", items...)
}
