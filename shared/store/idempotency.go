package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/idem"
)

type idemItem struct {
	keyAttrs
	Owner       string `dynamodbav:"owner"`
	BodyHash    string `dynamodbav:"bodyHash"`
	State       string `dynamodbav:"state"`
	ResultID    string `dynamodbav:"resultId,omitempty"`
	Status      int    `dynamodbav:"status,omitempty"`
	Body        []byte `dynamodbav:"body,omitempty"`
	LockedUntil string `dynamodbav:"lockedUntil"`
	ExpiresAt   int64  `dynamodbav:"expiresAt"`
}

func (it idemItem) record() idem.Record {
	return idem.Record{
		Key: idemKeyOf(it.PK), Owner: it.Owner, BodyHash: it.BodyHash, State: idem.State(it.State),
		ResultID: it.ResultID, Status: it.Status, Body: it.Body,
		LockedUntil: parseISO(it.LockedUntil), ExpiresAt: time.Unix(it.ExpiresAt, 0).UTC(),
	}
}

// newIdemItem is a fresh claim of key k by owner: in progress, locked for
// idem.Lock, remembered for retention.
func newIdemItem(k, owner, bodyHash string, now time.Time, retention time.Duration) idemItem {
	return idemItem{
		keyAttrs: keyAttrs{
			PK: idemPK(k), SK: metaSK, Type: "idempotency",
		},
		Owner: owner, BodyHash: bodyHash,
		State: string(idem.InProgress), LockedUntil: iso(now.Add(idem.Lock)), ExpiresAt: now.Add(retention).Unix(),
	}
}

// ClaimIdempotency takes key for owner unless a live record holds it. It
// returns (zero, true) when claimed, or the existing record and false.
// Expired records are replaced: TTL deletion lags, so expiry is checked here.
// retention is how long the key is remembered (24 h for Idempotency-Key,
// 7 days for webhook ids).
func (s *Store) ClaimIdempotency(ctx context.Context, k, owner, bodyHash string, now time.Time, retention time.Duration) (idem.Record, bool, error) {
	item, err := attributevalue.MarshalMap(newIdemItem(k, owner, bodyHash, now, retention))
	if err != nil {
		return idem.Record{}, false, fmt.Errorf("marshal idempotency record: %w", err)
	}
	out, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                           aws.String(s.table),
		Item:                                item,
		ConditionExpression:                 aws.String("attribute_not_exists(PK) OR expiresAt < :now"),
		ExpressionAttributeValues:           map[string]types.AttributeValue{":now": avN64(now.Unix())},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		ReturnConsumedCapacity:              returnCapacity(ctx),
	})
	if err == nil {
		recordWrite(ctx, out.ConsumedCapacity)
		return idem.Record{}, true, nil
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) && ccf.Item != nil {
		var old idemItem
		if err := attributevalue.UnmarshalMap(ccf.Item, &old); err != nil {
			return idem.Record{}, false, fmt.Errorf("unmarshal idempotency record: %w", err)
		}
		return old.record(), false, nil
	}
	return idem.Record{}, false, mapErr("claim idempotency key", err)
}

// TakeOverIdempotency moves a stale in-progress claim from prev to owner.
func (s *Store) TakeOverIdempotency(ctx context.Context, k, prev, owner string, now time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      idemKey(k),
		UpdateExpression:         aws.String("SET #o = :owner, lockedUntil = :lock"),
		ConditionExpression:      aws.String("#o = :prev AND #s = :inprog AND lockedUntil < :now"),
		ExpressionAttributeNames: map[string]string{"#o": "owner", "#s": "state"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":owner": av(owner), ":prev": av(prev), ":inprog": av(string(idem.InProgress)),
			":lock": av(iso(now.Add(idem.Lock))), ":now": av(iso(now)),
		},
	})
	if err != nil {
		return mapErr("take over idempotency key", err)
	}
	return nil
}

// CompleteIdempotency stores the response for replays, if owner still holds key.
func (s *Store) CompleteIdempotency(ctx context.Context, k, owner string, status int, body []byte) error {
	ctx, cancel := detached(ctx)
	defer cancel()
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.table),
		Key:                      idemKey(k),
		UpdateExpression:         aws.String("SET #s = :done, #st = :status, body = :body"),
		ConditionExpression:      aws.String("#o = :owner"),
		ExpressionAttributeNames: map[string]string{"#o": "owner", "#s": "state", "#st": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":owner": av(owner), ":done": av(string(idem.Completed)),
			":status": avN(status), ":body": &types.AttributeValueMemberB{Value: body},
		},
	})
	if err != nil {
		return mapErr("complete idempotency key", err)
	}
	return nil
}

// ReleaseIdempotency forgets a claim whose request failed without creating
// anything, so the client's retry runs afresh.
func (s *Store) ReleaseIdempotency(ctx context.Context, k, owner string) error {
	ctx, cancel := detached(ctx)
	defer cancel()
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 aws.String(s.table),
		Key:                       idemKey(k),
		ConditionExpression:       aws.String("#o = :owner AND #s = :inprog"),
		ExpressionAttributeNames:  map[string]string{"#o": "owner", "#s": "state"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":owner": av(owner), ":inprog": av(string(idem.InProgress))},
	})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return mapErr("release idempotency key", err)
	}
	return nil
}

// commitClaim returns the transaction item that marks the idempotency claim
// c committed with the created object's id, or nothing when c holds no key.
func (s *Store) commitClaim(c idem.Claim, resultID string) []txItem {
	if !c.Held() {
		return nil
	}
	return []txItem{s.update(idemKey(c.Key),
		"SET #s = :committed, resultId = :rid",
		"#o = :owner AND #s = :inprog",
		map[string]string{"#o": "owner", "#s": "state"},
		map[string]types.AttributeValue{
			":committed": av(string(idem.Committed)), ":rid": av(resultID),
			":owner": av(c.Owner), ":inprog": av(string(idem.InProgress)),
		},
		apperr.Conflict("another request with this Idempotency-Key took over; retry to see its result"),
	)}
}

// GetIdempotency reads a key's record (a concurrent redelivery waits on it).
func (s *Store) GetIdempotency(ctx context.Context, k string) (idem.Record, error) {
	var it idemItem
	if err := s.getItem(ctx, "get idempotency record", idemKey(k), &it, apperr.NotFound("no record")); err != nil {
		return idem.Record{}, err
	}
	return it.record(), nil
}
