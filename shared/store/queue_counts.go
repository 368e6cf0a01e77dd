package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/table"
)

// A member's queue counters: one item per side, holding how many entries
// each of its queue lists has (an attribute per list, "n:" and the list),
// added to in the transactions that write the entries (queueWrites), so
// the console's counts are one BatchGetItem rather than a Select COUNT of
// each list. They are trusted only when counted is set: a member created
// since counters existed starts at zero, counted (memberWrites); one of
// before is counted by the backfill (recountQueue). Until then, and when
// an old writer's ADD made the item without it, counts fall back to
// counting the lists. v moves with every change, so a recount writes only
// what no step changed while it counted.
type queueCountItem struct {
	keyAttrs
	Counted bool           `dynamodbav:"counted"`
	V       int            `dynamodbav:"v"`
	N       map[string]int `dynamodbav:"-"`
}

// countAttr is the counter attribute of list.
func countAttr(list string) string { return "n:" + list }

func countKey(memberID string, side collab.Side) map[string]types.AttributeValue {
	return key(queueCountPK(memberID), string(side))
}

// countDeltas are the changes to each member's and side's list counters
// when a case's queue entries go from old to now (search entries are not
// counted).
func countDeltas(old, now []queueItem) map[[2]string]map[string]int {
	out := map[[2]string]map[string]int{}
	add := func(it queueItem, d int) {
		if it.Type != "case_queue" {
			return
		}
		memberID, list, ok := splitQueuePK(it.PK)
		if !ok {
			return
		}
		k := [2]string{memberID, it.Side}
		if out[k] == nil {
			out[k] = map[string]int{}
		}
		out[k][list] += d
	}
	for _, it := range old {
		add(it, -1)
	}
	for _, it := range now {
		add(it, 1)
	}
	for k, ds := range out {
		for l, d := range ds {
			if d == 0 {
				delete(ds, l)
			}
		}
		if len(ds) == 0 {
			delete(out, k)
		}
	}
	return out
}

// countWrites add deltas to the counters, one update per member and side.
func (s *Store) countWrites(deltas map[[2]string]map[string]int) []txItem {
	keys := make([][2]string, 0, len(deltas))
	for k := range deltas {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	var out []txItem
	for _, k := range keys {
		names := map[string]string{}
		values := map[string]types.AttributeValue{":one": avN(1)}
		expr := "ADD v :one"
		lists := make([]string, 0, len(deltas[k]))
		for l := range deltas[k] {
			lists = append(lists, l)
		}
		sort.Strings(lists)
		for i, l := range lists {
			n, v := "#n"+strconv.Itoa(i), ":d"+strconv.Itoa(i)
			names[n], values[v] = countAttr(l), avN(deltas[k][l])
			expr += ", " + n + " " + v
		}
		out = append(out, s.update(countKey(k[0], collab.Side(k[1])), expr, "", names, values, nil))
	}
	return out
}

// newCountWrites are a new member's counters: zero, counted.
func (s *Store) newCountWrites(memberID string) []txItem {
	var out []txItem
	for _, side := range []collab.Side{collab.Receiver, collab.Submitter} {
		out = append(out, s.put(marshal(queueCountItem{keyAttrs: keyAttrs{PK: queueCountPK(memberID), SK: string(side), Type: "queue_count"}, Counted: true}),
			"attribute_not_exists(PK)", nil, nil, apperr.Conflict("member %s already has queue counters", memberID)))
	}
	return out
}

// readCounts reads the counters of keys (member, side) in one
// BatchGetItem; ok is false when one is missing or not counted.
func (s *Store) readCounts(ctx context.Context, keys [][2]string) (map[[2]string]map[string]int, bool, error) {
	var ks []map[string]types.AttributeValue
	for _, k := range keys {
		ks = append(ks, countKey(k[0], collab.Side(k[1])))
	}
	out := map[[2]string]map[string]int{}
	var convErr error
	err := s.batchGet(ctx, "count queue", ks, "", func(raw map[string]types.AttributeValue) {
		var it queueCountItem
		if err := unmarshalCounts(raw, &it); err != nil {
			convErr = err
			return
		}
		if it.Counted {
			memberID, _ := queueCountMember(it.PK)
			out[[2]string{memberID, it.SK}] = it.N
		}
	})
	if err != nil {
		return nil, false, err
	}
	if convErr != nil {
		return nil, false, fmt.Errorf("count queue: %w", convErr)
	}
	return out, len(out) == len(keys), nil
}

// unmarshalCounts reads a counter item, its "n:" attributes into N.
func unmarshalCounts(raw map[string]types.AttributeValue, it *queueCountItem) error {
	it.N = map[string]int{}
	for name, v := range raw {
		switch {
		case name == table.PK:
			it.PK = v.(*types.AttributeValueMemberS).Value
		case name == table.SK:
			it.SK = v.(*types.AttributeValueMemberS).Value
		case name == "counted":
			b, ok := v.(*types.AttributeValueMemberBOOL)
			it.Counted = ok && b.Value
		case name == "v" || strings.HasPrefix(name, "n:"):
			n, ok := v.(*types.AttributeValueMemberN)
			if !ok {
				return fmt.Errorf("counter %s is not a number", name)
			}
			x, err := strconv.Atoi(n.Value)
			if err != nil {
				return fmt.Errorf("counter %s: %w", name, err)
			}
			if name == "v" {
				it.V = x
			} else {
				it.N[name[2:]] = x
			}
		}
	}
	return nil
}

// countedQueue counts lists off the counters: one round trip (the
// counters' BatchGetItem beside, for a list read up to a time — the
// overdue view — a Select COUNT of its entries due after it, which are
// few: overdue is the list's counter less them). ok is false when a
// counter is not to be trusted (then the lists are counted).
func (s *Store) countedQueue(ctx context.Context, ls []collab.QueueList, limit int) ([]int, bool, error) {
	var keys [][2]string
	seen := map[[2]string]bool{}
	sides := func(l collab.QueueList) []collab.Side {
		if l.Side == "" {
			return []collab.Side{collab.Receiver, collab.Submitter}
		}
		return []collab.Side{l.Side}
	}
	for _, l := range ls {
		for _, sd := range sides(l) {
			if k := [2]string{l.MemberID, string(sd)}; !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	later := make([]int, len(ls))
	laterErr := make([]error, len(ls))
	var counters map[[2]string]map[string]int
	var ok bool
	var err error
	fs := []func(){func() { counters, ok, err = s.readCounts(ctx, keys) }}
	for i, l := range ls {
		if !l.DueBy.IsZero() {
			fs = append(fs, func() {
				q := queueQuery(collab.QueueList{MemberID: l.MemberID, Side: l.Side, List: l.List}, limit, "")
				q.skFrom, q.skUpTo = iso(l.DueBy), "~"
				later[i], laterErr[i] = s.count(ctx, q)
			})
		}
	}
	sideBySide(fs...)
	if err != nil || !ok {
		return nil, false, err
	}
	if err := errors.Join(laterErr...); err != nil {
		return nil, false, err
	}
	out := make([]int, len(ls))
	for i, l := range ls {
		n := 0
		for _, sd := range sides(l) {
			n += counters[[2]string{l.MemberID, string(sd)}][l.List]
		}
		switch {
		case l.DueBy.IsZero():
		case later[i] < limit:
			n -= later[i]
		default: // too many due later to subtract: count the list itself
			if n, err = s.count(ctx, queueQuery(l, limit, "")); err != nil {
				return nil, false, err
			}
		}
		out[i] = min(max(n, 0), limit)
	}
	return out, true, nil
}

// sideBySide runs fs at once and waits for them all.
func sideBySide(fs ...func()) {
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	wg.Wait()
}

// errCountMoved: a step changed a counter while the recount counted.
var errCountMoved = apperr.Conflict("the queue counters moved while they were counted")

// recountQueue counts each of member's queue lists, on each side, and
// writes the counters, counted — on the condition that no step moved them
// while it counted (v), else it counts again. The backfill's, for members
// of before the counters.
func (s *Store) recountQueue(ctx context.Context, memberID string) error {
	users, err := s.ListMemberUsers(ctx, memberID)
	if err != nil {
		return err
	}
	lists := []string{collab.QueueAll, collab.QueueOpen, collab.QueueClosed, collab.QueueNeeds, collab.QueueRunning}
	for _, u := range users {
		lists = append(lists, collab.QueueMine+u.ID)
	}
	for _, side := range []collab.Side{collab.Receiver, collab.Submitter} {
		for attempt := 0; ; attempt++ {
			res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: countKey(memberID, side), ConsistentRead: aws.Bool(true)})
			if err != nil {
				return mapErr("recount queue", err)
			}
			var have queueCountItem
			if err := unmarshalCounts(res.Item, &have); err != nil {
				return fmt.Errorf("recount queue %s: %w", memberID, err)
			}
			item := marshal(queueCountItem{keyAttrs: keyAttrs{PK: queueCountPK(memberID), SK: string(side), Type: "queue_count"}, Counted: true, V: have.V + 1})
			for _, l := range lists {
				q := queueQuery(collab.QueueList{MemberID: memberID, Side: side, List: l}, math.MaxInt32, "")
				q.consistent = true
				n, err := s.count(ctx, q)
				if err != nil {
					return err
				}
				if n > 0 {
					item[countAttr(l)] = avN(n)
				}
			}
			cond, values := "attribute_not_exists(PK)", map[string]types.AttributeValue(nil)
			if res.Item != nil {
				cond, values = "v = :v", map[string]types.AttributeValue{":v": avN(have.V)}
			}
			err = s.transact(ctx, "recount queue", s.put(item, cond, nil, values, errCountMoved))
			switch {
			case errors.Is(err, errCountMoved) && attempt < 5:
				continue
			case errors.Is(err, errCountMoved):
				return apperr.Unavailable(err, "member %s's cases keep changing; run the backfill again", memberID)
			case err != nil:
				return err
			}
			break
		}
	}
	return nil
}
