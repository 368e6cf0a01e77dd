package store

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// Meter adds up the capacity units DynamoDB reports for the calls made with
// a context that carries it. Tests and benchmarks use it to measure what a
// business operation costs; without a meter, capacity is not requested.
type Meter struct {
	mu         sync.Mutex
	ReadUnits  float64
	WriteUnits float64
	Calls      int
	// ItemsRead counts items examined by queries (ScannedCount) and gets;
	// ReadCalls the read requests.
	ItemsRead int
	ReadCalls int
	// Transactions counts TransactWriteItems calls.
	Transactions int
	// AWSWriteUnits estimates what AWS would charge for the transactions
	// (see aws_units.go); DynamoDB Local's own figures differ.
	AWSWriteUnits float64
	// RoundTrips counts the waits on DynamoDB one after another: calls
	// made while another is in flight share its round trip.
	RoundTrips int
	inFlight   int
}

type meterKey struct{}

// WithMeter returns a context whose store calls are metered into m.
func WithMeter(ctx context.Context, m *Meter) context.Context {
	return context.WithValue(ctx, meterKey{}, m)
}

func meterFrom(ctx context.Context) *Meter {
	m, _ := ctx.Value(meterKey{}).(*Meter)
	return m
}

// Total is read plus write units.
func (m *Meter) Total() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ReadUnits + m.WriteUnits
}

// Snapshot returns a copy of the counters.
func (m *Meter) Snapshot() (read, write float64, calls, items int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ReadUnits, m.WriteUnits, m.Calls, m.ItemsRead
}

// Reset zeroes the counters.
func (m *Meter) Reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ReadUnits, m.WriteUnits, m.Calls, m.ReadCalls, m.ItemsRead, m.Transactions, m.AWSWriteUnits, m.RoundTrips = 0, 0, 0, 0, 0, 0, 0, 0
}

func returnCapacity(ctx context.Context) types.ReturnConsumedCapacity {
	if meterFrom(ctx) != nil {
		return types.ReturnConsumedCapacityTotal
	}
	return types.ReturnConsumedCapacityNone
}

func recordWrite(ctx context.Context, ccs ...*types.ConsumedCapacity) {
	m := meterFrom(ctx)
	if m == nil {
		return
	}
	m.mu.Lock()
	m.Calls++
	for _, cc := range ccs {
		if cc != nil && cc.CapacityUnits != nil {
			m.WriteUnits += *cc.CapacityUnits
		}
	}
	m.mu.Unlock()
}

func recordRead(ctx context.Context, items int, ccs ...*types.ConsumedCapacity) {
	m := meterFrom(ctx)
	if m == nil {
		return
	}
	m.mu.Lock()
	m.Calls++
	m.ReadCalls++
	m.ItemsRead += items
	for _, cc := range ccs {
		if cc != nil && cc.CapacityUnits != nil {
			m.ReadUnits += *cc.CapacityUnits
		}
	}
	m.mu.Unlock()
}

func recordTransaction(ctx context.Context, items []types.TransactWriteItem) {
	if m := meterFrom(ctx); m != nil {
		units := awsWriteUnits(items)
		m.mu.Lock()
		m.Transactions++
		m.AWSWriteUnits += units
		m.mu.Unlock()
	}
}

// Reads returns the read requests recorded.
func (m *Meter) Reads() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ReadCalls
}

// Trips returns the round trips recorded (see RoundTrips).
func (m *Meter) Trips() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.RoundTrips
}

// roundTrips is the SDK middleware that counts a metered context's round
// trips: a call starting when none is in flight begins a new one.
var roundTrips = middleware.InitializeMiddlewareFunc("TandemRoundTrips", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	m := meterFrom(ctx)
	if m == nil {
		return next.HandleInitialize(ctx, in)
	}
	m.mu.Lock()
	if m.inFlight == 0 {
		m.RoundTrips++
	}
	m.inFlight++
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		m.inFlight--
		m.mu.Unlock()
	}()
	return next.HandleInitialize(ctx, in)
})

// AWS returns the AWS-equivalent write units of the transactions recorded.
func (m *Meter) AWS() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.AWSWriteUnits
}

// Count returns the number of transactions recorded.
func (m *Meter) Count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.Transactions
}
