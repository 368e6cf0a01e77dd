package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/store/storetest"
)

// BenchmarkTransactWriteSingle measures one writer's TransactWriteItems rate
// on DynamoDB Local: each op is one transaction of an outbox item.
func BenchmarkTransactWriteSingle(b *testing.B) {
	s := storetest.New(b)
	ctx := context.Background()
	now := time.Now().UTC()
	for i := 0; i < 200; i++ { // warm the JIT
		_ = s.Enqueue(ctx, notify.Message{ID: ident.New(ident.Outbox, now), Channel: notify.Email, CreatedAt: now})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Enqueue(ctx, notify.Message{ID: ident.New(ident.Outbox, now), Channel: notify.Email, CreatedAt: now}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
}
