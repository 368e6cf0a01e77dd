package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// pageQuery is one page of a Query over a partition of the table or an index.
type pageQuery struct {
	op     string
	index  string // "" for the table
	pkAttr string
	pk     string
	skAttr string
	// skPrefix restricts the sort key to begins_with(skPrefix).
	skPrefix string
	// skUpTo restricts the sort key to <= skUpTo.
	skUpTo string
	// skFrom with skUpTo restricts it to [skFrom, skUpTo].
	skFrom string
	// filter is an optional FilterExpression over non-key attributes; pages
	// are then filled by reading on until limit items match.
	filter       string
	filterNames  map[string]string
	filterValues map[string]types.AttributeValue
	// scope adds what else the cursor is bound to (e.g. a filter's value).
	scope       string
	limit       int
	cursor      string
	newestFirst bool
	consistent  bool
}

// maxFilteredReads bounds how many reads a filtered page may take.
const maxFilteredReads = 10

// queryPage reads one page of q, from and to opaque signed cursors.
func (s *Store) queryPage(ctx context.Context, q pageQuery) ([]map[string]types.AttributeValue, string, error) {
	scope := q.index + "|" + q.pk + "|" + q.skPrefix + "|" + q.filter + "|" + q.scope
	if q.skFrom != "" || q.skUpTo != "" {
		scope += "|" + q.skFrom + "|" + q.skUpTo
	}
	start, err := s.cursor.decode(scope, q.cursor)
	if err != nil {
		return nil, "", err
	}
	out, last, err := s.queryFrom(ctx, q, start)
	if err != nil {
		return nil, "", err
	}
	next, err := s.cursor.encode(scope, last)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", q.op, err)
	}
	return out, next, nil
}

// keyCondition is q's key condition with its names and values, its
// filter's included.
func (q pageQuery) keyCondition() (string, map[string]string, map[string]types.AttributeValue) {
	names := map[string]string{"#pk": q.pkAttr}
	values := map[string]types.AttributeValue{":pk": av(q.pk)}
	cond := "#pk = :pk"
	switch {
	case q.skPrefix != "":
		names["#sk"] = q.skAttr
		values[":skp"] = av(q.skPrefix)
		cond += " AND begins_with(#sk, :skp)"
	case q.skFrom != "" && q.skUpTo != "":
		names["#sk"] = q.skAttr
		values[":skfrom"], values[":skmax"] = av(q.skFrom), av(q.skUpTo)
		cond += " AND #sk BETWEEN :skfrom AND :skmax"
	case q.skUpTo != "":
		names["#sk"] = q.skAttr
		values[":skmax"] = av(q.skUpTo)
		cond += " AND #sk <= :skmax"
	}
	for k, v := range q.filterNames {
		names[k] = v
	}
	for k, v := range q.filterValues {
		values[k] = v
	}
	return cond, names, values
}

// queryFrom reads one page of q from the key start (nil: the beginning)
// and returns the key to go on from (nil: no more).
func (s *Store) queryFrom(ctx context.Context, q pageQuery, start map[string]types.AttributeValue) ([]map[string]types.AttributeValue, map[string]types.AttributeValue, error) {
	if q.limit <= 0 {
		q.limit = 50
	}
	cond, names, values := q.keyCondition()
	var out []map[string]types.AttributeValue
	for reads := 0; ; reads++ {
		in := &dynamodb.QueryInput{
			TableName:                 aws.String(s.table),
			KeyConditionExpression:    aws.String(cond),
			ExpressionAttributeNames:  names,
			ExpressionAttributeValues: values,
			ExclusiveStartKey:         start,
			Limit:                     aws.Int32(int32(q.limit - len(out))),
			ScanIndexForward:          aws.Bool(!q.newestFirst),
			ReturnConsumedCapacity:    returnCapacity(ctx),
		}
		if q.index != "" {
			in.IndexName = aws.String(q.index)
		} else if q.consistent {
			in.ConsistentRead = aws.Bool(true)
		}
		if q.filter != "" {
			in.FilterExpression = aws.String(q.filter)
		}
		res, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, nil, mapErr(q.op, err)
		}
		recordRead(ctx, int(res.ScannedCount), res.ConsumedCapacity)
		out = append(out, res.Items...)
		start = res.LastEvaluatedKey
		if len(start) == 0 || len(out) >= q.limit || q.filter == "" || reads+1 >= maxFilteredReads {
			break
		}
	}
	return out, start, nil
}

// queryAll reads every item of a partition (bounded by max), for the small
// fixed-size collections (a member's departments, an object's events).
func (s *Store) queryAll(ctx context.Context, q pageQuery, max int) ([]map[string]types.AttributeValue, error) {
	var out []map[string]types.AttributeValue
	if q.limit == 0 {
		q.limit = 200
	}
	// Its pages follow each other inside this call: no cursor leaves it,
	// so none is signed (functions without the signing keys read lists too).
	var start map[string]types.AttributeValue
	for {
		items, next, err := s.queryFrom(ctx, q, start)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if len(next) == 0 || len(out) >= max {
			return out, nil
		}
		start = next
	}
}
