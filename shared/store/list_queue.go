package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/table"
)

// ListQueue pages through one of a member's queue lists (a Query of its
// entries), then reads the cases they name (one BatchGetItem).
func (s *Store) ListQueue(ctx context.Context, l collab.QueueList, limit int, cursor string) ([]collab.Case, string, error) {
	return s.casesOfPage(ctx, queueQuery(l, limit, cursor))
}

// casesOfPage reads a page of q's queue or search entries, then the cases
// they name (casesOfEntries).
func (s *Store) casesOfPage(ctx context.Context, q pageQuery) ([]collab.Case, string, error) {
	items, next, err := s.queryPage(ctx, q)
	if err != nil {
		return nil, "", err
	}
	cs, err := s.casesOfEntries(ctx, q.op, items)
	if err != nil {
		return nil, "", err
	}
	return cs, next, nil
}

// queueQuery is the Query of list l's entries.
func queueQuery(l collab.QueueList, limit int, cursor string) pageQuery {
	q := pageQuery{op: "list queue", pkAttr: table.PK, pk: queuePK(l.MemberID, l.List), skAttr: table.SK,
		limit: limit, cursor: cursor, newestFirst: !l.ByDue()}
	if !l.DueBy.IsZero() {
		q.skUpTo = iso(l.DueBy)
	}
	sideFilter(&q, l.Side)
	return q
}

// sideFilter narrows q to the entries of one side ("" none).
func sideFilter(q *pageQuery, side collab.Side) {
	if side == "" {
		return
	}
	q.filter = "#sd = :sd"
	q.filterNames = map[string]string{"#sd": "side"}
	q.filterValues = map[string]types.AttributeValue{":sd": av(string(side))}
	q.scope = string(side)
}

// casesOfEntries reads the cases queue or search entries name, in the
// entries' order, each once.
func (s *Store) casesOfEntries(ctx context.Context, op string, items []map[string]types.AttributeValue) ([]collab.Case, error) {
	entries, err := convert(items, func(it queueItem) (queueItem, error) { return it, nil })
	if err != nil {
		return nil, err
	}
	var keys []map[string]types.AttributeValue
	seen := map[string]bool{}
	for _, e := range entries {
		if !seen[e.CaseID] {
			seen[e.CaseID] = true
			keys = append(keys, caseKey(e.CaseID))
		}
	}
	byID := map[string]collab.Case{}
	var convErr error
	err = s.batchGet(ctx, op, keys, "", func(raw map[string]types.AttributeValue) {
		cs, err := convert([]map[string]types.AttributeValue{raw}, caseItem.domain)
		if err != nil {
			convErr = err
			return
		}
		byID[cs[0].ID] = cs[0]
	})
	if err != nil {
		return nil, err
	}
	if convErr != nil {
		return nil, fmt.Errorf("%s: %w", op, convErr)
	}
	out := make([]collab.Case, 0, len(keys))
	for _, e := range entries {
		if c, ok := byID[e.CaseID]; ok {
			out = append(out, c)
			delete(byID, e.CaseID)
		}
	}
	return out, nil
}

// CountQueue counts the entries of each list up to max (max: max or
// more): off the member's counters when they are to be trusted
// (countedQueue), else the lists side by side, a Query with Select COUNT
// each, in parallel, reading max entries a page until max match or none
// are left.
func (s *Store) CountQueue(ctx context.Context, ls []collab.QueueList, max int) ([]int, error) {
	if out, ok, err := s.countedQueue(ctx, ls, max); err != nil || ok {
		return out, err
	}
	out := make([]int, len(ls))
	errs := make([]error, len(ls))
	var wg sync.WaitGroup
	for i, l := range ls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = s.count(ctx, queueQuery(l, max, ""))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// count counts what q matches, q.limit entries a page, up to q.limit.
func (s *Store) count(ctx context.Context, q pageQuery) (int, error) {
	cond, names, values := q.keyCondition()
	n := 0
	var start map[string]types.AttributeValue
	for {
		in := &dynamodb.QueryInput{
			TableName:                 aws.String(s.table),
			KeyConditionExpression:    aws.String(cond),
			ExpressionAttributeNames:  names,
			ExpressionAttributeValues: values,
			ExclusiveStartKey:         start,
			Select:                    types.SelectCount,
			Limit:                     aws.Int32(int32(q.limit)),
			ConsistentRead:            aws.Bool(q.consistent),
			ReturnConsumedCapacity:    returnCapacity(ctx),
		}
		if q.filter != "" {
			in.FilterExpression = aws.String(q.filter)
		}
		res, err := s.db.Query(ctx, in)
		if err != nil {
			return 0, mapErr("count queue", err)
		}
		recordRead(ctx, int(res.ScannedCount), res.ConsumedCapacity)
		n += int(res.Count)
		if n >= q.limit {
			return q.limit, nil
		}
		if start = res.LastEvaluatedKey; len(start) == 0 {
			return n, nil
		}
	}
}
