package store

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/suppression"
)

// suppressionItem is an address Tandem no longer mails, under
// SUPPRESSED#<address>.
type suppressionItem struct {
	keyAttrs
	Address   string `dynamodbav:"address"`
	Kind      string `dynamodbav:"kind"`
	Reason    string `dynamodbav:"reason"`
	At        string `dynamodbav:"at"`
	MessageID string `dynamodbav:"messageId,omitempty"`
}

// toSuppressionItem is sp as stored, under its address as
// suppression.Normalize keys it.
func toSuppressionItem(sp suppression.Suppression) suppressionItem {
	return suppressionItem{
		keyAttrs: keyAttrs{
			PK: suppressionPK(sp.Address), SK: metaSK, Type: "suppression",
		},
		Address: suppression.Normalize(sp.Address), Kind: string(sp.Kind), Reason: sp.Reason, At: iso(sp.At), MessageID: sp.MessageID,
	}
}

// Suppress implements suppression.Store: the first record of an address
// stays.
func (s *Store) Suppress(ctx context.Context, sp suppression.Suppression) error {
	err := s.transact(ctx, "suppress address", s.putNew(marshal(toSuppressionItem(sp)), errAlreadySuppressed))
	if errors.Is(err, errAlreadySuppressed) {
		return nil
	}
	return err
}

var errAlreadySuppressed = apperr.Conflict("the address is already suppressed")

// Suppressed implements delivery.Suppressions: which of addrs (as given)
// Tandem no longer mails, in one batched read.
func (s *Store) Suppressed(ctx context.Context, addrs []string) (map[string]bool, error) {
	given := map[string][]string{} // normalized → as given
	var keys []map[string]types.AttributeValue
	for _, a := range addrs {
		n := suppression.Normalize(a)
		if n == "" {
			continue
		}
		if _, ok := given[n]; !ok {
			keys = append(keys, suppressionKey(n))
		}
		given[n] = append(given[n], a)
	}
	out := map[string]bool{}
	err := s.batchGet(ctx, "read suppressions", keys, "address", func(it map[string]types.AttributeValue) {
		if a, ok := it["address"].(*types.AttributeValueMemberS); ok {
			for _, g := range given[a.Value] {
				out[g] = true
			}
		}
	})
	return out, err
}

// DepartmentsAt implements suppression.Store: one Query of the address's
// inbound entries, then each department.
func (s *Store) DepartmentsAt(ctx context.Context, addr string) ([]department.Department, error) {
	items, err := s.queryAll(ctx, pageQuery{op: "departments at address", pkAttr: "PK", pk: inboundPK(addr), skAttr: "SK", consistent: true}, 100)
	if err != nil {
		return nil, err
	}
	entries, err := convert(items, func(it inboundItem) (inboundItem, error) { return it, nil })
	if err != nil {
		return nil, err
	}
	var out []department.Department
	for _, e := range entries {
		d, err := s.GetDepartment(ctx, e.DepartmentID)
		if errors.Is(err, apperr.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// MarkUnreachable implements suppression.Store.
func (s *Store) MarkUnreachable(ctx context.Context, d department.Department, msgs []notify.Message) error {
	was := d
	was.Unreachable = nil
	items := []txItem{s.put(marshal(toDepartmentItem(d)), "version = :v AND attribute_not_exists(unreachable)", nil,
		map[string]types.AttributeValue{":v": avN(d.Version - 1)}, apperr.Conflict("department %s changed meanwhile", d.ID)),
		s.departmentEvent(d, was)}
	items = append(items, s.outboxWrites(msgs)...)
	return s.transact(ctx, "mark department unreachable", items...)
}

// batchGet reads keys (100 a call, unprocessed keys retried), projecting
// proj, and hands each item found to each.
func (s *Store) batchGet(ctx context.Context, op string, keys []map[string]types.AttributeValue, proj string, each func(map[string]types.AttributeValue)) error {
	for len(keys) > 0 {
		n := min(100, len(keys))
		batch := keys[:n]
		keys = keys[n:]
		for attempt := 0; len(batch) > 0; attempt++ {
			ka := types.KeysAndAttributes{Keys: batch, ConsistentRead: aws.Bool(true)}
			if proj != "" { // "": whole items
				ka.ProjectionExpression = aws.String(proj)
			}
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
				RequestItems:           map[string]types.KeysAndAttributes{s.table: ka},
				ReturnConsumedCapacity: returnCapacity(ctx),
			})
			if err != nil {
				return mapErr(op, err)
			}
			for i := range res.ConsumedCapacity {
				recordRead(ctx, 0, &res.ConsumedCapacity[i])
			}
			for _, it := range res.Responses[s.table] {
				each(it)
			}
			batch = res.UnprocessedKeys[s.table].Keys
			if attempt > 10 && len(batch) > 0 {
				return mapErr(op, context.DeadlineExceeded)
			}
		}
	}
	return nil
}
