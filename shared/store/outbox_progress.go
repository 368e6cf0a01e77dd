package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/notify"
)

// OutboxProgress is where a set of outbox items stands with the notifier.
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
// clock: an item not to be sent before a later time is held). It is for
// the local gateway and tests, which wait for a run's own mail.
func (s *Store) OutboxProgressOf(ctx context.Context, ids []string, now time.Time) (OutboxProgress, error) {
	keys := make([]map[string]types.AttributeValue, len(ids))
	for i, id := range ids {
		keys[i] = outboxKey(id)
	}
	seen := map[string]outboxItem{}
	err := s.batchGet(ctx, "read outbox progress", keys, "", // "state" is a reserved word; the items are small
		func(item map[string]types.AttributeValue) {
			var it outboxItem
			if attributevalue.UnmarshalMap(item, &it) == nil {
				seen[it.ID] = it
			}
		})
	if err != nil {
		return OutboxProgress{}, err
	}
	var p OutboxProgress
	for _, id := range ids {
		it, ok := seen[id]
		switch {
		case !ok:
			p.Waiting = append(p.Waiting, id)
		case it.State == string(notify.Sent):
			p.Sent++
		case it.State == string(notify.Dead) || it.State == string(notify.Resent) || it.State == string(notify.Pending) && it.Attempts > 0:
			p.Failed++
		case it.State == string(notify.Pending) && it.RetryAt != "" && parseISO(it.RetryAt).After(now):
			p.Held++
		default:
			p.Waiting = append(p.Waiting, id)
		}
	}
	return p, nil
}
