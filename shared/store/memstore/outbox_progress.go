package memstore

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/notify"
)

// OutboxProgress is where a set of outbox items stands with the notifier:
// shared/store's OutboxProgress, field for field.
type OutboxProgress struct {
	// Sent were handed to SES (or posted, for webhooks).
	Sent int `json:"sent"`
	// Failed were tried and failed: due again later, or dead letters.
	Failed int `json:"failed"`
	// Held wait, untried, for a later time (a department's business hours).
	Held int `json:"held"`
	// Waiting are not tried yet, or being tried now.
	Waiting []string `json:"waiting,omitempty"`
}

// OutboxProgressOf reads where items ids stand at now (the notifier's
// clock: an item not to be sent before a later time is held).
func (s *Store) OutboxProgressOf(ctx context.Context, ids []string, now time.Time) (OutboxProgress, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var p OutboxProgress
	for _, id := range ids {
		it, ok := valOf[outboxRec](s.get(outboxPK(id), metaSK))
		switch {
		case !ok:
			p.Waiting = append(p.Waiting, id)
		case it.State == notify.Sent:
			p.Sent++
		case it.State == notify.Dead || it.State == notify.Resent || it.State == notify.Pending && it.Attempts > 0:
			p.Failed++
		case it.State == notify.Pending && it.RetryAt != "" && parseISO(it.RetryAt).After(now):
			p.Held++
		default:
			p.Waiting = append(p.Waiting, id)
		}
	}
	return p, nil
}
