package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/tandemhq/tandem/shared/routes"
	"github.com/tandemhq/tandem/shared/table"
)

// StreamHandler is the notifier's Lambda entry point.
type StreamHandler func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// Poller plays the Lambda event source mapping of the table's stream: it
// reads every shard, hands batches to the handler, and redelivers from the
// first reported failure with backoff, a bounded number of times (like
// MaximumRetryAttempts); the outbox's own sweep catches anything after that.
type Poller struct {
	streams *dynamodbstreams.Client
	db      *dynamodb.Client
	table   string
	handle  StreamHandler
	log     *slog.Logger

	// MaxRetries bounds redeliveries of a failing batch.
	MaxRetries int
	// RetryBase is the first redelivery's wait; it doubles each time.
	RetryBase time.Duration
	// Idle is the wait between reads when the stream is quiet.
	Idle time.Duration
	// Timeout is each invocation's deadline: the notifier function's.
	Timeout time.Duration

	mu        sync.Mutex
	cond      *sync.Cond
	pass      int64 // passes started
	idlePass  int64 // last pass that found no records
	iterators map[string]*string
	// lastSeq is, per shard, the last record handed on, so a lost
	// iterator resumes after it instead of redelivering from the start.
	lastSeq map[string]string
	kick    chan struct{}
	done    chan struct{}
	// rediscover asks the loop to look for new shards at once (Flush: a
	// record in a shard not yet seen must not look like a quiet stream).
	rediscover atomic.Bool
	stopped    bool
}

// NewPoller returns a poller for table's stream.
func NewPoller(streams *dynamodbstreams.Client, db *dynamodb.Client, table string, h StreamHandler, log *slog.Logger) *Poller {
	fn, _ := routes.FunctionByName(routes.Notifier)
	p := &Poller{streams: streams, db: db, table: table, handle: h, log: log, MaxRetries: 3, RetryBase: 200 * time.Millisecond, Idle: 100 * time.Millisecond,
		Timeout:   time.Duration(fn.TimeoutSec) * time.Second,
		iterators: map[string]*string{}, lastSeq: map[string]string{}, kick: make(chan struct{}, 1), done: make(chan struct{})}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// Start begins polling until ctx ends.
func (p *Poller) Start(ctx context.Context) error {
	arn, err := p.streamARN(ctx)
	if err != nil {
		return err
	}
	go p.loop(ctx, arn)
	return nil
}

func (p *Poller) streamARN(ctx context.Context) (string, error) {
	out, err := p.db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(p.table)})
	if err != nil {
		return "", fmt.Errorf("poller: describe table %s: %w", p.table, err)
	}
	if out.Table.LatestStreamArn == nil {
		return "", fmt.Errorf("poller: table %s has no stream", p.table)
	}
	return *out.Table.LatestStreamArn, nil
}

// Flush waits for a complete pass over the stream that started after the
// call and found nothing left to deliver.
func (p *Poller) Flush(ctx context.Context) error {
	// Two whole idle passes after the call: a record written just before
	// it may surface in the stream a moment late.
	p.rediscover.Store(true)
	p.mu.Lock()
	target := p.pass + 2
	p.mu.Unlock()
	select {
	case p.kick <- struct{}{}:
	default:
	}
	done := make(chan struct{})
	go func() {
		p.mu.Lock()
		for p.idlePass < target && !p.stopped {
			p.cond.Wait()
		}
		p.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.stopped {
			return errors.New("poller stopped")
		}
		return nil
	case <-ctx.Done():
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
		return ctx.Err()
	}
}

// Done is closed when the poller has stopped and finished its last batch.
func (p *Poller) Done() <-chan struct{} { return p.done }

func (p *Poller) loop(ctx context.Context, arn string) {
	defer close(p.done)
	defer func() {
		p.mu.Lock()
		p.stopped = true
		p.cond.Broadcast()
		p.mu.Unlock()
	}()
	lastDescribe := time.Time{}
	for ctx.Err() == nil {
		if p.rediscover.Swap(false) || time.Since(lastDescribe) > 5*time.Second {
			if err := p.discover(ctx, arn); err != nil {
				p.log.Warn("stream describe failed", "err", err)
			}
			lastDescribe = time.Now()
		}
		p.mu.Lock()
		p.pass++
		pass := p.pass
		p.mu.Unlock()

		found := 0
		for shard, it := range p.snapshot() {
			n, next, err := p.pollShard(ctx, shard, it)
			if err != nil {
				if ctx.Err() == nil {
					p.log.Warn("stream read failed", "shard", shard, "err", err)
				}
				found++ // not idle: try again
				p.setIterator(shard, nil)
				continue
			}
			found += n
			p.setIterator(shard, next)
		}
		if found == 0 {
			p.mu.Lock()
			p.idlePass = pass
			p.cond.Broadcast()
			p.mu.Unlock()
			select {
			case <-ctx.Done():
			case <-p.kick:
			case <-time.After(p.Idle):
			}
		}
	}
}

func (p *Poller) snapshot() map[string]*string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]*string, len(p.iterators))
	for k, v := range p.iterators {
		if v != nil {
			out[k] = v
		}
	}
	return out
}

func (p *Poller) setIterator(shard string, it *string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if it == nil {
		// Closed shard (or a failed read): forget the iterator; discover
		// re-opens it at the last delivered record if it still exists.
		delete(p.iterators, shard)
		return
	}
	p.iterators[shard] = it
}

func (p *Poller) discover(ctx context.Context, arn string) error {
	var start *string
	for {
		out, err := p.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn), ExclusiveStartShardId: start})
		if err != nil {
			return err
		}
		for _, sh := range out.StreamDescription.Shards {
			id := aws.ToString(sh.ShardId)
			p.mu.Lock()
			_, known := p.iterators[id]
			p.mu.Unlock()
			if known {
				continue
			}
			in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: sh.ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon}
			p.mu.Lock()
			seq, ok := p.lastSeq[id]
			p.mu.Unlock()
			if ok {
				in.ShardIteratorType = streamtypes.ShardIteratorTypeAfterSequenceNumber
				in.SequenceNumber = aws.String(seq)
			}
			it, err := p.streams.GetShardIterator(ctx, in)
			if err != nil {
				return err
			}
			if it.ShardIterator != nil {
				p.mu.Lock()
				p.iterators[id] = it.ShardIterator
				p.mu.Unlock()
			}
		}
		if out.StreamDescription.LastEvaluatedShardId == nil {
			return nil
		}
		start = out.StreamDescription.LastEvaluatedShardId
	}
}

// BatchSize is the deployed event source mapping's: batches of up to 25
// records that pass its filter (INSERTs of outbox items).
const BatchSize = 25

func (p *Poller) pollShard(ctx context.Context, shard string, it *string) (int, *string, error) {
	// Read as the mapping does, many records at a time, and batch those
	// its filter lets through: 25 raw records held 8 outbox items when a
	// case's transaction writes six items, and mail fell behind intake.
	out, err := p.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(1000)})
	if err != nil {
		return 0, nil, err
	}
	if len(out.Records) == 0 {
		return 0, out.NextShardIterator, nil
	}
	var batch []events.DynamoDBEventRecord
	handOn := func() {
		// A poller that stops finishes the batch in hand, not the page:
		// the sweep delivers what it leaves.
		if len(batch) > 0 && ctx.Err() == nil {
			p.deliver(ctx, batch)
		}
		batch = nil
	}
	for _, r := range out.Records {
		if rec := toEventRecord(r); forNotifier(rec) {
			if batch = append(batch, rec); len(batch) == BatchSize {
				handOn()
			}
		}
	}
	handOn()
	p.mu.Lock()
	p.lastSeq[shard] = toEventRecord(out.Records[len(out.Records)-1]).Change.SequenceNumber
	p.mu.Unlock()
	return len(out.Records), out.NextShardIterator, nil
}

// forNotifier is the deployed mapping's filter: INSERTs of outbox items.
func forNotifier(rec events.DynamoDBEventRecord) bool {
	pk, ok := rec.Change.Keys[table.PK]
	return ok && rec.EventName == "INSERT" && pk.DataType() == events.DataTypeString && strings.HasPrefix(pk.String(), table.OutboxPrefix)
}

// deliver calls the handler, redelivering from the first failure onwards.
// A batch in hand is finished even while the poller stops, as an invocation
// would be.
func (p *Poller) deliver(ctx context.Context, batch []events.DynamoDBEventRecord) {
	wait := p.RetryBase
	for attempt := 0; ; attempt++ {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.Timeout)
		res, err := p.handle(hctx, events.DynamoDBEvent{Records: batch})
		cancel()
		if err == nil && len(res.BatchItemFailures) == 0 {
			return
		}
		if attempt >= p.MaxRetries {
			p.log.Warn("stream batch still failing; leaving it to the outbox sweep", "records", len(batch), "err", err)
			return
		}
		from := 0
		if err == nil {
			first := res.BatchItemFailures[0].ItemIdentifier
			for i, r := range batch {
				if r.Change.SequenceNumber == first {
					from = i
					break
				}
			}
		}
		batch = batch[from:]
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func toEventRecord(r streamtypes.Record) events.DynamoDBEventRecord {
	keys := map[string]events.DynamoDBAttributeValue{}
	if r.Dynamodb != nil {
		for k, v := range r.Dynamodb.Keys {
			if s, ok := v.(*streamtypes.AttributeValueMemberS); ok {
				keys[k] = events.NewStringAttribute(s.Value)
			}
		}
	}
	rec := events.DynamoDBEventRecord{
		EventID: aws.ToString(r.EventID), EventName: string(r.EventName), EventSource: "aws:dynamodb",
		EventVersion: aws.ToString(r.EventVersion), AWSRegion: aws.ToString(r.AwsRegion),
	}
	if r.Dynamodb != nil {
		rec.Change = events.DynamoDBStreamRecord{Keys: keys, SequenceNumber: aws.ToString(r.Dynamodb.SequenceNumber), StreamViewType: string(r.Dynamodb.StreamViewType)}
	}
	return rec
}
