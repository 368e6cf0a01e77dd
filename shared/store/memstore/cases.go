package memstore

import (
	"reflect"
	"slices"

	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
)

// caseItem is c as stored: in its receiver's inbox (GSI1) and submitter's
// outbox (GSI2), in the escalation sweep while an escalation is to come,
// and in the operators' index while the receiver has yet to respond.
func caseItem(c collab.Case) *item {
	it := &item{
		PK: casePK(c.ID), SK: metaSK,
		GSI1PK: inboxPK(c.ReceiverMemberID), GSI1SK: iso(c.CreatedAt) + "#" + c.ID,
		GSI2PK: sentPK(c.SubmitterMemberID), GSI2SK: iso(c.CreatedAt) + "#" + c.ID,
		v: normCase(c),
	}
	if at, ok := c.NextEscalation(); ok {
		it.DuePK, it.DueSK = dueAttrs(sweepCase, c.ID, at)
	}
	if c.ClockRunning() {
		it.OpsPK, it.OpsSK = opsAttrs(opsCase, c.ID, c.ResponseDueAt)
	}
	return it
}

func caseEventWrite(caseID string, version int, ev collab.Event) write {
	return putNew(&item{PK: casePK(caseID), SK: eventSK(version, ev.ID), v: normCaseEvent(ev)},
		apperr.Conflict("event %s already recorded", ev.ID))
}

// GetCase implements collab.Store.
func (s *Store) GetCase(ctx context.Context, id string) (collab.Case, error) {
	c, ok := getVal[collab.Case](s, casePK(id), metaSK)
	if !ok {
		return collab.Case{}, apperr.NotFound("case %s not found", id)
	}
	return normCase(c), nil
}

// idleRec is a case's entry in the housekeeping sweep (an item of its own).
type idleRec struct{}

// idleMarker places c in the housekeeping sweep, or takes it out once final.
func idleMarker(c collab.Case) write {
	at, ok := c.NextHousekeeping()
	if !ok {
		return remove(casePK(c.ID), idleSK, nil, nil)
	}
	it := &item{PK: casePK(c.ID), SK: idleSK, v: idleRec{}}
	it.DuePK, it.DueSK = dueAttrs(sweepIdle, c.ID, at)
	return put(it)
}

// idleMarkerMoved is the marker's write when after's housekeeping time
// differs from before's.
func idleMarkerMoved(before, after collab.Case) (write, bool) {
	a, aok := before.NextHousekeeping()
	b, bok := after.NextHousekeeping()
	if aok == bok && a.Equal(b) {
		return write{}, false
	}
	return idleMarker(after), true
}

// CaseByRef returns the id of the case whose reference is ref.
func (s *Store) CaseByRef(_ context.Context, ref string) (string, error) {
	id, ok := getVal[string](s, refPK(ref), metaSK)
	if !ok {
		return "", apperr.NotFound("case %s not found", ref)
	}
	return id, nil
}

// queueRec is a case's entry in a queue list or the search index, with
// the row it carries (collab.Case.Row).
type queueRec struct {
	CaseID string
	Side   collab.Side
	Row    collab.Case
}

func caseQueueItems(c collab.Case) []*item {
	var out []*item
	for _, e := range collab.QueueEntries(c) {
		out = append(out, &item{PK: queuePK(e.MemberID, e.List), SK: queueSK(iso(e.At), e.CaseID, e.Side), v: queueRec{e.CaseID, e.Side, normCase(e.Row)}})
	}
	for _, e := range collab.SearchEntries(c) {
		out = append(out, &item{PK: searchPK(e.MemberID), SK: queueSK(e.Token, e.CaseID, e.Side), v: queueRec{e.CaseID, e.Side, normCase(e.Row)}})
	}
	return out
}

// queueWrites move a case's queue and search entries from where before
// (nil: a new case) had them to where after has them: the entries that
// differ in place or in their row.
func queueWrites(before *collab.Case, after collab.Case) []write {
	var old []*item
	if before != nil {
		old = caseQueueItems(*before)
	}
	now := caseQueueItems(after)
	find := func(its []*item, it *item) int {
		return slices.IndexFunc(its, func(o *item) bool { return o.PK == it.PK && o.SK == it.SK })
	}
	var out []write
	for _, it := range old {
		if find(now, it) < 0 {
			out = append(out, remove(it.PK, it.SK, nil, nil))
		}
	}
	for _, it := range now {
		if i := find(old, it); i < 0 || !reflect.DeepEqual(old[i].v, it.v) {
			out = append(out, put(it))
		}
	}
	return out
}
