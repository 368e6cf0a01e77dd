package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/program"
)

// UpdateProgram implements program.Store: a full replace conditioned on the
// version read. How far billing has got is kept, and the next billing due
// time follows from it; a new addendum version puts the program in the
// addendum sweep.
func (s *Store) UpdateProgram(ctx context.Context, p program.Program, prev int) error {
	old, ok := getVal[program.Program](s, programPK(p.ID), metaSK)
	if !ok {
		return apperr.NotFound("program %s not found", p.ID)
	}
	next := p
	next.BilledYears = old.BilledYears
	ws := []write{
		putIf(programItem(p, old.BilledYears), atVersion[program.Program](prev, func(p program.Program) int { return p.Version }), errVersion),
		auditWrite(programPK(p.ID), p.Version, audit.Event{At: p.UpdatedAt, Actor: p.UpdatedBy, Action: "update",
			Reason: audit.ChangedText(changedFields(programAttrs(old), programAttrs(next)))}),
	}
	if p.Addendum.Version != old.Addendum.Version {
		ws = append(ws, put(addendumMarker(p)))
	}
	return s.transact("update program", ws...)
}
