package memstore

import (
	"context"
	"errors"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/suppression"
)

var errAlreadySuppressed = apperr.Conflict("the address is already suppressed")

// Suppress implements suppression.Store: the first record of an address
// stays.
func (s *Store) Suppress(ctx context.Context, sp suppression.Suppression) error {
	rec := sp
	rec.Address, rec.At = suppression.Normalize(sp.Address), ts(sp.At)
	err := s.transact("suppress address", putNew(&item{PK: suppressionPK(sp.Address), SK: metaSK, v: rec}, errAlreadySuppressed))
	if errors.Is(err, errAlreadySuppressed) {
		return nil
	}
	return err
}

// Suppressed implements delivery.Suppressions: which of addrs (as given)
// Tandem no longer mails.
func (s *Store) Suppressed(ctx context.Context, addrs []string) (map[string]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bool{}
	for _, a := range addrs {
		n := suppression.Normalize(a)
		if n == "" {
			continue
		}
		if _, ok := valOf[suppression.Suppression](s.get(suppressionPK(n), metaSK)); ok {
			out[a] = true
		}
	}
	return out, nil
}
