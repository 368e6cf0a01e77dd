package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/notify"
)

// CreateConfiguration implements marketplace.Store: the configuration, its
// first event and the idempotency commit in one transaction.
func (s *Store) CreateConfiguration(ctx context.Context, c marketplace.Configuration, ev audit.Event, msgs []notify.Message, claim idem.Claim) error {
	items := []txItem{
		s.putNew(marshal(toConfigurationItem(c)), apperr.Conflict("configuration %s already exists", c.ID)),
		s.configurationEventWrite(c.ID, c.Version, ev),
	}
	items = append(items, s.outboxWrites(msgs)...)
	items = append(items, s.commitClaim(claim, c.ID)...)
	return s.transact(ctx, "create configuration", items...)
}
