package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/notify"
)

// ApplyConfiguration implements marketplace.Store.
func (s *Store) ApplyConfiguration(ctx context.Context, before, after marketplace.Configuration, ev audit.Event, msgs []notify.Message) error {
	items := []txItem{
		s.put(marshal(toConfigurationItem(after)), "version = :v", nil, map[string]types.AttributeValue{":v": avN(before.Version)},
			apperr.Conflict("configuration %s was changed by someone else (it is no longer at version %d); reload it", before.ID, before.Version)),
		s.configurationEventWrite(after.ID, after.Version, ev),
	}
	return s.transact(ctx, "update configuration", append(items, s.outboxWrites(msgs)...)...)
}
