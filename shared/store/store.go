// Package store keeps Tandem's objects in one DynamoDB table.
//
// Keys come only from the builders in keys.go; item structs with dynamodbav
// tags live only here and are converted to and from the domain types. Every
// write is conditional. Each access pattern has its own file, so listing this
// directory is the catalogue of queries.
package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/tandemhq/tandem/shared/keyring"
)

// Store is the DynamoDB-backed store. It is safe for concurrent use.
type Store struct {
	db     *dynamodb.Client
	table  string
	cursor cursorCodec
}

// New returns a store over table, signing list cursors with keys (nil
// for tools that list nothing).
// Calls made with a metered context (WithMeter) count their round trips.
func New(db *dynamodb.Client, table string, keys *keyring.Ring) *Store {
	db = dynamodb.New(db.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			return st.Initialize.Add(roundTrips, middleware.Before)
		})
	})
	return &Store{db: db, table: table, cursor: cursorCodec{keys: keys}}
}

// Table is the table's name.
func (s *Store) Table() string { return s.table }

// Client is the underlying DynamoDB client, for tools and tests.
func (s *Store) Client() *dynamodb.Client { return s.db }

// timeLayout is RFC 3339 with fixed-width milliseconds, so stored times sort
// as strings in time order.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func iso(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseISO(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// detached keeps ctx's values but not its cancellation: used for cleanup
// writes that must run even when the request's deadline has passed.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
}
