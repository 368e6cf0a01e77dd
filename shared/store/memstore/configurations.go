package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/notify"
)

// configurationItem is c as stored, in its program's list by status and
// creation (GSI1).
func configurationItem(c marketplace.Configuration) *item {
	return &item{PK: configurationPK(c.ID), SK: metaSK,
		GSI1PK: programConfigurationsPK(c.ProgramID), GSI1SK: string(c.Status) + "#" + iso(c.CreatedAt) + "#" + c.ID,
		v: normConfiguration(c)}
}

// GetConfiguration implements marketplace.Store.
func (s *Store) GetConfiguration(ctx context.Context, id string) (marketplace.Configuration, error) {
	c, ok := getVal[marketplace.Configuration](s, configurationPK(id), metaSK)
	if !ok {
		return marketplace.Configuration{}, apperr.NotFound("configuration %s not found", id)
	}
	return normConfiguration(c), nil
}

// CreateConfiguration implements marketplace.Store: the configuration, its
// first event and the idempotency commit in one transaction.
func (s *Store) CreateConfiguration(ctx context.Context, c marketplace.Configuration, ev audit.Event, msgs []notify.Message, claim idem.Claim) error {
	ws := []write{
		putNew(configurationItem(c), apperr.Conflict("configuration %s already exists", c.ID)),
		auditWrite(configurationPK(c.ID), c.Version, ev),
	}
	ws = append(ws, outboxWrites(msgs)...)
	ws = append(ws, commitClaim(claim, c.ID)...)
	return s.transact("create configuration", ws...)
}

// ApplyConfiguration implements marketplace.Store.
func (s *Store) ApplyConfiguration(ctx context.Context, before, after marketplace.Configuration, ev audit.Event, msgs []notify.Message) error {
	ws := []write{
		putIf(configurationItem(after), atVersion[marketplace.Configuration](before.Version, func(c marketplace.Configuration) int { return c.Version }),
			apperr.Conflict("configuration %s was changed by someone else (it is no longer at version %d); reload it", before.ID, before.Version)),
		auditWrite(configurationPK(after.ID), after.Version, ev),
	}
	return s.transact("update configuration", append(ws, outboxWrites(msgs)...)...)
}

// ListProgramConfigurations implements marketplace.Store: newest first
// within a status (a key prefix); a member narrows it by filter.
func (s *Store) ListProgramConfigurations(ctx context.Context, programID string, status marketplace.Status, memberID string, limit int, cursor string) ([]marketplace.Configuration, string, error) {
	q := pageQuery{op: "list configurations", index: idxGSI1, pk: programConfigurationsPK(programID), limit: limit, cursor: cursor, newestFirst: true}
	if status != "" {
		q.skPrefix = string(status) + "#"
	}
	if memberID != "" {
		q.filter, q.scope = "#m = :m", memberID
		q.match = func(it *item) bool {
			c, ok := it.v.(marketplace.Configuration)
			return ok && c.MemberID == memberID
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := s.queryPage(q)
	if err != nil {
		return nil, "", err
	}
	out := make([]marketplace.Configuration, 0, len(items))
	for _, it := range items {
		out = append(out, normConfiguration(it.v.(marketplace.Configuration)))
	}
	return out, next, nil
}
