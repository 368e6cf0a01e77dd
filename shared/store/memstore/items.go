package memstore

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/tandemhq/tandem/shared/apperr"
)

// item is one item of the table: its key, its index entries (empty when it
// is not in an index) and what it holds, a value of one of the record types
// (records.go). Items are replaced, never changed in place, so a value read
// under the lock stays as it was.
type item struct {
	PK, SK         string
	GSI1PK, GSI1SK string
	GSI2PK, GSI2SK string
	DuePK, DueSK   string
	OpsPK, OpsSK   string
	v              any
	// seq orders items by when they were first written (Outbox's order).
	seq uint64
}

// Index names and their key attributes, as shared/table names them.
const (
	idxTable = ""
	idxGSI1  = "GSI1"
	idxGSI2  = "GSI2"
	idxDue   = "Due"
	idxOps   = "Ops"
)

// keys returns the item's partition and sort key in index ix.
func (it *item) keys(ix string) (pk, sk string) {
	switch ix {
	case idxGSI1:
		return it.GSI1PK, it.GSI1SK
	case idxGSI2:
		return it.GSI2PK, it.GSI2SK
	case idxDue:
		return it.DuePK, it.DueSK
	case idxOps:
		return it.OpsPK, it.OpsSK
	}
	return it.PK, it.SK
}

// lastKey is the item's key as DynamoDB hands it back as LastEvaluatedKey
// from a query of index ix: the table's key, and the index's.
func (it *item) lastKey(ix string) map[string]string {
	k := map[string]string{"PK": it.PK, "SK": it.SK}
	if ix != idxTable {
		pk, sk := it.keys(ix)
		k[ix+"PK"], k[ix+"SK"] = pk, sk
	}
	return k
}

func tableKey(pk, sk string) string { return pk + "\x00" + sk }

// get returns the item at (pk, sk), or nil. The caller holds the lock.
func (s *Store) get(pk, sk string) *item { return s.items[tableKey(pk, sk)] }

// getVal reads the record at (pk, sk) under the lock: ok false for none.
func getVal[T any](s *Store, pk, sk string) (T, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return valOf[T](s.get(pk, sk))
}

func valOf[T any](it *item) (T, bool) {
	var zero T
	if it == nil {
		return zero, false
	}
	v, ok := it.v.(T)
	return v, ok
}

// sortedItems returns the items whose key in index ix has partition pk and
// whose sort key passes keep, in the index's order: by sort key, ties (only
// in a global index) by the table's key.
func (s *Store) sortedItems(ix, pk string, keep func(sk string) bool) []*item {
	var out []*item
	for _, it := range s.parts[partKey(ix, pk)] {
		if _, k := it.keys(ix); k != "" && keep(k) {
			out = append(out, it)
		}
	}
	sort.Slice(out, func(i, j int) bool { return less(ix, out[i], out[j]) })
	return out
}

// indexes are the ones an item may be in.
var indexes = []string{idxTable, idxGSI1, idxGSI2, idxDue, idxOps}

func partKey(ix, pk string) string { return ix + "\x00" + pk }

// setItem puts it (nil: nothing) at table key k, keeping the partitions
// of every index in step. The caller holds the lock.
func (s *Store) setItem(k string, it *item) {
	if old := s.items[k]; old != nil {
		for _, ix := range indexes {
			if pk, _ := old.keys(ix); pk != "" {
				p := s.parts[partKey(ix, pk)]
				delete(p, k)
				if len(p) == 0 {
					delete(s.parts, partKey(ix, pk))
				}
			}
		}
		delete(s.items, k)
	}
	if it == nil {
		return
	}
	s.items[k] = it
	for _, ix := range indexes {
		if pk, _ := it.keys(ix); pk != "" {
			p := s.parts[partKey(ix, pk)]
			if p == nil {
				p = map[string]*item{}
				s.parts[partKey(ix, pk)] = p
			}
			p[k] = it
		}
	}
}

func less(ix string, a, b *item) bool {
	_, ak := a.keys(ix)
	_, bk := b.keys(ix)
	if ak != bk {
		return ak < bk
	}
	if a.PK != b.PK {
		return a.PK < b.PK
	}
	return a.SK < b.SK
}

// cmpKey compares the item's position in index ix's ascending order with
// the position k (a LastEvaluatedKey).
func cmpKey(ix string, it *item, k map[string]string) int {
	_, sk := it.keys(ix)
	ksk := k["SK"]
	if ix != idxTable {
		ksk = k[ix+"SK"]
	}
	if c := strings.Compare(sk, ksk); c != 0 {
		return c
	}
	if c := strings.Compare(it.PK, k["PK"]); c != 0 {
		return c
	}
	return strings.Compare(it.SK, k["SK"])
}

// maxItemBytes is DynamoDB's item size limit (400 KB, names and values).
const maxItemBytes = 400 * 1024

// checkItemSize refuses an item the table would refuse, as the store does
// before it sends one. The size is estimated from the record's JSON (the
// attribute names and values the table would hold are close to it).
func checkItemSize(op string, it *item) error {
	b, err := json.Marshal(it.v)
	if err != nil {
		return nil
	}
	n := len(b) + len(it.PK) + len(it.SK) + len(it.GSI1PK) + len(it.GSI1SK) + len(it.GSI2PK) + len(it.GSI2SK) +
		len(it.DuePK) + len(it.DueSK) + len(it.OpsPK) + len(it.OpsSK)
	if n > maxItemBytes {
		return apperr.TooLarge("%s: the object would take %d KB, more than the 400 KB the table keeps per object; shorten its longest texts or lists", op, n/1024)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// cutDue splits a sparse index's sort key "<time>#<id>".
func cutDue(sk string) (at, id string, ok bool) { return strings.Cut(sk, "#") }
