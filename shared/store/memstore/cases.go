package memstore

import (
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
