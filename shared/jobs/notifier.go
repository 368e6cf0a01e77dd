// Package jobs holds the entry points of the functions that are not HTTP:
// the notifier (fed by the table's stream) and the scheduled runs (fed by
// EventBridge, taking "now" from the event).
package jobs

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/shared/notify/delivery"
	"github.com/tandemhq/tandem/shared/table"
)

// Deliverer makes one delivery attempt of an outbox item.
type Deliverer interface {
	Deliver(ctx context.Context, id string, now time.Time) (delivery.Outcome, error)
}

// StreamConsumer consumes the table's stream: every new outbox item is delivered.
// A failed send is already scheduled for retry in the outbox; only items
// whose outcome could not be recorded, or which the invocation had too
// little time left to try (delivery.ErrNoTime), are reported as
// BatchItemFailures, so the stream redelivers just those.
type StreamConsumer struct {
	Delivery Deliverer
	Now      func() time.Time
	Log      *slog.Logger
	// Parallel bounds concurrent deliveries within a batch.
	Parallel int
}

// HandleStream is the Lambda entry point for DynamoDB stream batches.
func (n *StreamConsumer) HandleStream(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	par := n.Parallel
	if par <= 0 {
		par = 8
	}
	var (
		mu       sync.Mutex
		failures []events.DynamoDBBatchItemFailure
		wg       sync.WaitGroup
		sem      = make(chan struct{}, par)
	)
	for _, rec := range ev.Records {
		if rec.EventName != "INSERT" {
			continue
		}
		pk, ok := rec.Change.Keys["PK"]
		if !ok || pk.DataType() != events.DataTypeString {
			continue
		}
		id, ok := table.OutboxID(pk.String())
		if !ok {
			continue
		}
		seq := rec.Change.SequenceNumber
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if _, err := n.Delivery.Deliver(ctx, id, n.Now()); err != nil {
				if errors.Is(err, delivery.ErrNoTime) {
					n.logger().Info("too little of the invocation left for a send; reporting batch item failure", "outbox", id)
				} else {
					n.logger().Warn("could not record a delivery outcome; reporting batch item failure", "outbox", id, "err", err)
				}
				mu.Lock()
				failures = append(failures, events.DynamoDBBatchItemFailure{ItemIdentifier: seq})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return events.DynamoDBEventResponse{BatchItemFailures: failures}, nil
}

func (n *StreamConsumer) logger() *slog.Logger {
	if n.Log != nil {
		return n.Log
	}
	return slog.Default()
}
