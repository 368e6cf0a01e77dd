// Package table is the one definition of Tandem's single DynamoDB table: its
// keys, its indexes, its TTL attribute and its stream. The store creates the
// table from it locally and in tests, and the CDK stack creates it on AWS, so
// the three cannot drift.
package table

import "strings"

// DefaultName is the table's name when none is configured.
const DefaultName = "tandem"

// Attribute names of the keys.
const (
	PK     = "PK"
	SK     = "SK"
	GSI1PK = "GSI1PK"
	GSI1SK = "GSI1SK"
	GSI2PK = "GSI2PK"
	GSI2SK = "GSI2SK"
	DuePK  = "DuePK"
	DueSK  = "DueSK"
	OpsPK  = "OpsPK"
	OpsSK  = "OpsSK"
	// TTL holds an epoch-seconds expiry. DynamoDB deletes late (days on AWS,
	// never on DynamoDB Local with indexes), so readers check it too.
	TTL = "expiresAt"
)

// OutboxPrefix starts the partition key of every outbox item: the stream
// mapping to the notifier filters on it (infra), and the store builds the
// keys with it.
const OutboxPrefix = "OUTBOX#"

// OutboxID returns the outbox id of a stream record's PK, if it is one.
func OutboxID(pk string) (string, bool) {
	id, ok := strings.CutPrefix(pk, OutboxPrefix)
	return id, ok && id != ""
}

// Index names.
const (
	// GSI1 and GSI2 serve the lists: a partition per owner (program, member,
	// mailbox), sorted by the SK the entity chooses.
	GSI1 = "GSI1"
	GSI2 = "GSI2"
	// Due is sparse: only items with something due carry DuePK/DueSK. DuePK
	// is "<sweep>#<shard>" and DueSK "<RFC 3339 due time>#<id>", so a sweep
	// reads exactly what is due, from a fixed number of partitions.
	Due = "Due"
	// Ops is sparse too: what platform operators watch. OpsPK is
	// "OPS#<kind>#<shard>", OpsSK "<RFC 3339 time>#<id>": cases whose
	// receiver has yet to respond, by when the response is due; sign-ups
	// waiting for a decision, by when they were made.
	Ops = "Ops"
)

// DueShards is how many partitions each sweep's due index is spread over.
const DueShards = 8

// KeyType is a key attribute's DynamoDB scalar type; every key here is a string.
const KeyType = "S"

// Index describes one global secondary index, projecting all attributes.
type Index struct {
	Name         string
	PartitionKey string
	SortKey      string
}

// Schema is the table's shape, free of any SDK or CDK type.
type Schema struct {
	PartitionKey string
	SortKey      string
	Indexes      []Index
	TTLAttribute string
	// StreamView is the stream's view type: the notifier needs only keys,
	// but new images make the stream readable when debugging.
	StreamView string
}

// Definition returns the table's schema.
func Definition() Schema {
	return Schema{
		PartitionKey: PK,
		SortKey:      SK,
		Indexes: []Index{
			{Name: GSI1, PartitionKey: GSI1PK, SortKey: GSI1SK},
			{Name: GSI2, PartitionKey: GSI2PK, SortKey: GSI2SK},
			{Name: Due, PartitionKey: DuePK, SortKey: DueSK},
			{Name: Ops, PartitionKey: OpsPK, SortKey: OpsSK},
		},
		TTLAttribute: TTL,
		StreamView:   "NEW_IMAGE",
	}
}

// KeyAttributes lists every attribute that is a key of the table or an index.
func (s Schema) KeyAttributes() []string {
	out := []string{s.PartitionKey, s.SortKey}
	for _, ix := range s.Indexes {
		out = append(out, ix.PartitionKey, ix.SortKey)
	}
	return out
}
