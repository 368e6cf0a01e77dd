package memstore

import (
	"fmt"
	"strings"
)

// pageQuery is one page of a Query over a partition of the table or an
// index, as shared/store's: the same fields make the same cursor scope.
type pageQuery struct {
	op    string
	index string // "" for the table
	pk    string
	// skPrefix restricts the sort key to begins_with(skPrefix).
	skPrefix string
	// skUpTo restricts the sort key to <= skUpTo; with skFrom, to
	// [skFrom, skUpTo].
	skFrom, skUpTo string
	// filter is the store's FilterExpression text (part of the cursor's
	// scope); match is what it keeps. Pages are then filled by reading on
	// until limit items match, at most maxFilteredReads reads.
	filter string
	match  func(*item) bool
	// scope adds what else the cursor is bound to (e.g. a filter's value).
	scope       string
	limit       int
	cursor      string
	newestFirst bool
}

// maxFilteredReads bounds how many reads a filtered page may take.
const maxFilteredReads = 10

// queryPage reads one page of q, from and to opaque signed cursors. The
// caller holds the lock.
func (s *Store) queryPage(q pageQuery) ([]*item, string, error) {
	scope := q.index + "|" + q.pk + "|" + q.skPrefix + "|" + q.filter + "|" + q.scope
	if q.skFrom != "" || q.skUpTo != "" {
		scope += "|" + q.skFrom + "|" + q.skUpTo
	}
	start, err := s.cursor.decode(scope, q.cursor)
	if err != nil {
		return nil, "", err
	}
	out, last := s.queryFrom(q, start)
	next, err := s.cursor.encode(scope, last)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", q.op, err)
	}
	return out, next, nil
}

// queryFrom reads one page of q after the key start (nil: from the
// beginning) and returns the key to go on from (nil: no more). Each read
// evaluates up to the items still wanted and, as DynamoDB does, hands back
// the last one evaluated as the key to go on from whenever it stopped at
// that limit — even when nothing follows.
func (s *Store) queryFrom(q pageQuery, start map[string]string) ([]*item, map[string]string) {
	if q.limit <= 0 {
		q.limit = 50
	}
	all := s.sortedItems(q.index, q.pk, func(sk string) bool {
		switch {
		case q.skPrefix != "":
			return strings.HasPrefix(sk, q.skPrefix)
		case q.skFrom != "" && q.skUpTo != "":
			return sk >= q.skFrom && sk <= q.skUpTo
		case q.skUpTo != "":
			return sk <= q.skUpTo
		}
		return true
	})
	if q.newestFirst {
		for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
			all[i], all[j] = all[j], all[i]
		}
	}
	pos := 0
	if start != nil {
		// Go on after the start key in the query's direction.
		for pos < len(all) {
			c := cmpKey(q.index, all[pos], start)
			if (!q.newestFirst && c > 0) || (q.newestFirst && c < 0) {
				break
			}
			pos++
		}
	}
	var out []*item
	var last map[string]string
	for reads := 0; ; reads++ {
		want := q.limit - len(out)
		n := 0
		for ; n < want && pos < len(all); n++ {
			it := all[pos]
			pos++
			if q.match == nil || q.match(it) {
				out = append(out, it)
			}
		}
		last = nil
		if n == want && n > 0 {
			last = all[pos-1].lastKey(q.index)
		}
		if last == nil || len(out) >= q.limit || q.match == nil || reads+1 >= maxFilteredReads {
			break
		}
	}
	return out, last
}

// queryAll reads every item of a partition in pages of q.limit (200 when
// unset) until none is left or at least max are read, as the store's
// queryAll. The caller holds the lock.
func (s *Store) queryAll(q pageQuery, max int) []*item {
	if q.limit == 0 {
		q.limit = 200
	}
	var out []*item
	var start map[string]string
	for {
		items, next := s.queryFrom(q, start)
		out = append(out, items...)
		if len(next) == 0 || len(out) >= max {
			return out
		}
		start = next
	}
}
