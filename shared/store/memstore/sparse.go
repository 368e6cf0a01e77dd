package memstore

import (
	"sort"
	"time"

	"github.com/tandemhq/tandem/shared/due"
	"github.com/tandemhq/tandem/shared/table"
)

// sparse is a sharded sparse index whose sort key is "<time>#<id>".
type sparse struct {
	index string
	pk    func(shard int) string
	// shards is how many shards it has; zero means table.DueShards.
	shards int
}

// sparseAt reads every entry of ix at or before now across its shards, as
// the store's sparseAt: shard after shard, each read asking for the entries
// still wanted, at most limit in all, then sorted by time; more reports
// that entries were left (or that the limit was reached before the last
// shard). The caller holds the lock.
func (s *Store) sparseAt(ix sparse, now time.Time, limit int) (entries []due.Item, more bool) {
	upTo := iso(now) + "#\uffff"
	shards := ix.shards
	if shards == 0 {
		shards = table.DueShards
	}
	for shard := 0; shard < shards; shard++ {
		all := s.sortedItems(ix.index, ix.pk(shard), func(sk string) bool { return sk <= upTo })
		pos := 0
		leftOff := false
		for len(entries) < limit {
			want := limit - len(entries)
			n := 0
			for ; n < want && pos < len(all); n++ {
				_, sk := all[pos].keys(ix.index)
				pos++
				at, id, ok := cutDue(sk)
				if !ok {
					continue
				}
				entries = append(entries, due.Item{ID: id, At: parseISO(at)})
			}
			leftOff = n == want && n > 0
			if !leftOff {
				break
			}
		}
		if leftOff || (len(entries) >= limit && shard < shards-1) {
			more = true
			break
		}
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].At.Before(entries[j].At) })
	return entries, more
}
