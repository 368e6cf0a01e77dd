package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
)

// txItem is one write of a transaction and the error to report when its
// condition is what cancelled the transaction.
type txItem struct {
	write  types.TransactWriteItem
	onFail error
}

// maxTxConflictRetries bounds the retries of TransactionConflict, which the
// SDK does not retry: another transaction was touching one of our items.
const maxTxConflictRetries = 5

// transact writes items atomically. A failed condition becomes that item's
// onFail error (ErrOptimisticConcurrency by default); a transaction conflict
// is retried with jittered backoff; throttling is "unavailable".
func (s *Store) transact(ctx context.Context, op string, items ...txItem) error {
	writes := make([]types.TransactWriteItem, len(items))
	for i, it := range items {
		writes[i] = it.write
		if p := it.write.Put; p != nil {
			if err := checkItemSize(op, p.Item); err != nil {
				return err
			}
		}
	}
	in := &dynamodb.TransactWriteItemsInput{
		TransactItems:          writes,
		ReturnConsumedCapacity: returnCapacity(ctx),
	}
	for attempt := 0; ; attempt++ {
		out, err := s.db.TransactWriteItems(ctx, in)
		if err == nil {
			recordTransaction(ctx, writes)
			logOutbox(ctx, writes)
			for i := range out.ConsumedCapacity {
				recordWrite(ctx, &out.ConsumedCapacity[i])
			}
			return nil
		}
		var tce *types.TransactionCanceledException
		if !errors.As(err, &tce) {
			return mapErr(op, err)
		}
		retryable := false
		for i, r := range tce.CancellationReasons {
			switch aws.ToString(r.Code) {
			case "ConditionalCheckFailed":
				if i < len(items) && items[i].onFail != nil {
					return fmt.Errorf("%s: %w", op, items[i].onFail)
				}
				return fmt.Errorf("%s: %w", op, ErrOptimisticConcurrency)
			case "TransactionConflict":
				retryable = true
			case "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded":
				return apperr.Unavailable(fmt.Errorf("%s: %w", op, err), "the database is busy; retry shortly")
			}
		}
		if !retryable || attempt >= maxTxConflictRetries {
			if retryable {
				return apperr.Unavailable(fmt.Errorf("%s: %w", op, err), "the object is busy; retry shortly")
			}
			return fmt.Errorf("%s: %w", op, err)
		}
		wait := time.Duration(10<<attempt)*time.Millisecond + rand.N(10*time.Millisecond)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return apperr.Unavailable(fmt.Errorf("%s: %w", op, ctx.Err()), "the database did not answer in time; retry shortly")
		}
	}
}

// put is a Put of item conditioned on cond (with its names and values).
func (s *Store) put(item map[string]types.AttributeValue, cond string, names map[string]string, values map[string]types.AttributeValue, onFail error) txItem {
	p := &types.Put{TableName: aws.String(s.table), Item: item}
	if cond != "" {
		p.ConditionExpression = aws.String(cond)
		if len(names) > 0 {
			p.ExpressionAttributeNames = names
		}
		if len(values) > 0 {
			p.ExpressionAttributeValues = values
		}
	}
	return txItem{write: types.TransactWriteItem{Put: p}, onFail: onFail}
}

// putNew is a Put that fails with onFail when the key already exists.
func (s *Store) putNew(item map[string]types.AttributeValue, onFail error) txItem {
	return s.put(item, "attribute_not_exists(PK)", nil, nil, onFail)
}

// update is an Update of key with the given expressions.
func (s *Store) update(key map[string]types.AttributeValue, expr, cond string, names map[string]string, values map[string]types.AttributeValue, onFail error) txItem {
	u := &types.Update{
		TableName:        aws.String(s.table),
		Key:              key,
		UpdateExpression: aws.String(expr),
	}
	if cond != "" {
		u.ConditionExpression = aws.String(cond)
	}
	if len(names) > 0 {
		u.ExpressionAttributeNames = names
	}
	if len(values) > 0 {
		u.ExpressionAttributeValues = values
	}
	return txItem{write: types.TransactWriteItem{Update: u}, onFail: onFail}
}

// check is a ConditionCheck on key: the transaction proceeds only if cond holds.
func (s *Store) check(key map[string]types.AttributeValue, cond string, names map[string]string, values map[string]types.AttributeValue, onFail error) txItem {
	c := &types.ConditionCheck{
		TableName:           aws.String(s.table),
		Key:                 key,
		ConditionExpression: aws.String(cond),
	}
	if len(names) > 0 {
		c.ExpressionAttributeNames = names
	}
	if len(values) > 0 {
		c.ExpressionAttributeValues = values
	}
	return txItem{write: types.TransactWriteItem{ConditionCheck: c}, onFail: onFail}
}

// remove is a Delete of key, made only if cond holds (or always, when cond
// is empty).
func (s *Store) remove(key map[string]types.AttributeValue, cond string, values map[string]types.AttributeValue, onFail error) txItem {
	d := &types.Delete{TableName: aws.String(s.table), Key: key}
	if cond != "" {
		d.ConditionExpression = aws.String(cond)
	}
	if len(values) > 0 {
		d.ExpressionAttributeValues = values
	}
	return txItem{write: types.TransactWriteItem{Delete: d}, onFail: onFail}
}
