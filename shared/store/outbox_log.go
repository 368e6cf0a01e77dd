package store

import (
	"context"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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
