package store

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/table"
)

// OutboxLog collects the ids of the outbox items written by the calls made
// with a context that carries it (WithOutboxLog): what a run caused to be
// sent, for a caller that waits for exactly that (the local gateway).
type OutboxLog struct {
	mu  sync.Mutex
	ids []string
}

type outboxLogKey struct{}

// WithOutboxLog returns a context whose committed outbox writes go into l.
func WithOutboxLog(ctx context.Context, l *OutboxLog) context.Context {
	return context.WithValue(ctx, outboxLogKey{}, l)
}

// IDs returns the outbox items written so far.
func (l *OutboxLog) IDs() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.ids...)
}

// logOutbox notes the outbox items among a committed transaction's writes.
func logOutbox(ctx context.Context, writes []types.TransactWriteItem) {
	l, _ := ctx.Value(outboxLogKey{}).(*OutboxLog)
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, w := range writes {
		if w.Put == nil {
			continue
		}
		if pk, ok := w.Put.Item[table.PK].(*types.AttributeValueMemberS); ok && strings.HasPrefix(pk.Value, table.OutboxPrefix) {
			if id, ok := table.OutboxID(pk.Value); ok {
				l.ids = append(l.ids, id)
			}
		}
	}
}

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
