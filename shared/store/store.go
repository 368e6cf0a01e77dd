// Package store keeps Tandem's objects in one DynamoDB table.
//
// Keys come only from the builders in keys.go; item structs with dynamodbav
// tags live only here and are converted to and from the domain types. Every
// write is conditional.
//
// Listing this directory is the catalogue of how Tandem uses its table.
// Each file is one of three kinds, and a method goes where its kind says:
//
//   - An entity file, named for the entity in the plural (cases.go,
//     members.go, mail_tokens.go), holds the entity's item types — its own
//     item and those that exist only for it: its timeline entries, markers
//     and guards — with their conversions to and from the domain; the
//     write builders through which other transactions write them
//     (caseEventWrite, outboxWrites); and the operations on one item by
//     its key: its get (GetCase), and a put, update or delete of that one
//     item (Suppress, MarkSent, ExtendSession). Nothing that reads or
//     writes more than one item.
//   - A pattern file holds one access pattern that does: a Query, a batch
//     read, a Scan, or a transaction of several items, with the helpers
//     only it uses. It is named for its method in snake case
//     (list_cases.go holds ListCases, create_case.go CreateCase). Where
//     methods differ only in what they apply one pattern to, they share
//     a file named for the pattern, such as due.go (a sweep's due
//     index, one method per sweep), ops.go (the operators' index, one
//     per kind), list_events.go (an object's timeline, one per kind of
//     object), merge_moves.go (one object of a merged member re-pointed,
//     one per kind of object), enrollment_statuses.go (members' places in
//     a program, one or many).
//   - The machinery, which reads or writes nothing of its own: this file;
//     keys.go (every key builder, and the key attributes each item
//     embeds), records.go (the nested values stored as JSON), items.go,
//     tx.go, query.go, sparse.go, cursor.go and errors.go (reading and
//     writing items); meter.go, aws_units.go and outbox_log.go (what
//     calls cost and caused); and the tools create_table.go, seed.go,
//     backfill.go and backfill_confirmations.go.
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
