package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/merger"
)

// newMergerItem is m as it starts: running, nothing moved yet, in the merge
// sweep. Only these fields are kept (as in the store).
func newMergerItem(m merger.Merger) *item {
	it := &item{PK: mergerPK(m.From), SK: metaSK, v: merger.Merger{
		From: m.From, Into: m.Into, FromName: m.FromName, IntoName: m.IntoName, FromDomain: m.FromDomain,
		Status: merger.Running, Actor: m.Actor, StartedAt: ts(m.StartedAt),
	}}
	it.DuePK, it.DueSK = dueAttrs(sweepMerge, m.From, m.StartedAt)
	return it
}

func normMerger(m merger.Merger) merger.Merger {
	m.Programs = omitted(m.Programs)
	m.StartedAt, m.FinishedAt = ts(m.StartedAt), ts(m.FinishedAt)
	return m
}

// GetMerger implements merger.Store.
func (s *Store) GetMerger(ctx context.Context, from string) (merger.Merger, error) {
	m, ok := getVal[merger.Merger](s, mergerPK(from), metaSK)
	if !ok {
		return merger.Merger{}, apperr.NotFound("no merger of member %s", from)
	}
	return normMerger(m), nil
}

var errMergerStopped = apperr.Conflict("the merger is no longer running")

// notMerging is the condition that a member exists and is neither merging
// nor merged.
func notMerging(cur *item) bool {
	m, ok := valOf[member.Member](cur)
	return ok && m.MergedInto == ""
}

// StartMerger implements merger.Store: the merger (in the sweep), From
// marked as merging into Into, and both members' timelines — only if
// neither member is merging or merged.
func (s *Store) StartMerger(ctx context.Context, m merger.Merger, ev audit.Event) error {
	intoEv := ev
	intoEv.ID = ""
	return s.transact("start merger",
		putNew(newMergerItem(m), apperr.Conflict("member %s is already being merged", m.From)),
		update(memberPK(m.From), metaSK, notMerging, func(cur *item) *item {
			x := cur.v.(member.Member)
			x.MergedInto, x.Merge, x.UpdatedAt, x.UpdatedBy, x.Version = m.Into, member.MergeRunning, ts(m.StartedAt), m.Actor, x.Version+1
			cur.v = x
			return cur
		}, apperr.Conflict("member %s is already merging or merged", m.From)),
		check(memberPK(m.Into), metaSK, notMerging, apperr.Conflict("member %s is itself merging or merged", m.Into)),
		memberEvent(m.From, "", ev),
		memberEvent(m.Into, "", intoEv),
	)
}

// FinishMerger implements merger.Store: the merger done (out of the
// sweep), From merged, From's domain Into's, both timelines told.
func (s *Store) FinishMerger(ctx context.Context, m merger.Merger, ev audit.Event) error {
	intoEv := ev
	intoEv.ID = ""
	ws := []write{
		update(mergerPK(m.From), metaSK, mergerRunning, func(cur *item) *item {
			x := cur.v.(merger.Merger)
			x.Status, x.FinishedAt = merger.Done, ts(m.FinishedAt)
			cur.DuePK, cur.DueSK = "", ""
			cur.v = x
			return cur
		}, errMergerStopped),
		update(memberPK(m.From), metaSK, func(cur *item) bool {
			x, ok := valOf[member.Member](cur)
			return ok && x.MergedInto == m.Into
		}, func(cur *item) *item {
			x := cur.v.(member.Member)
			x.Merge, x.UpdatedAt, x.Version = member.MergeDone, ts(m.FinishedAt), x.Version+1
			cur.v = x
			return cur
		}, errMergerStopped),
		memberEvent(m.From, "", ev),
		memberEvent(m.Into, "", intoEv),
	}
	if m.FromDomain != "" {
		// A domain without its item (never claimed) is claimed for Into.
		ws = append(ws, update(domainPK(m.FromDomain), metaSK, func(cur *item) bool {
			if cur == nil {
				return true
			}
			d, ok := valOf[domainRec](cur)
			return ok && (d.MemberID == m.From || d.MemberID == m.Into)
		}, func(*item) *item { return &item{v: domainRec{MemberID: m.Into}} },
			apperr.Conflict("domain %s belongs to neither member", m.FromDomain)))
	}
	return s.transact("finish merger", ws...)
}

func mergerRunning(cur *item) bool {
	m, ok := valOf[merger.Merger](cur)
	return ok && m.Status == merger.Running
}
