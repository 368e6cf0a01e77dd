package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/program"
)

// UpdateProgram implements program.Store: a full replace conditioned on the
// version read. How far billing has got is kept, and the next billing due
// time follows from it and the (possibly new) start date and payment model.
func (s *Store) UpdateProgram(ctx context.Context, p program.Program, prev int) error {
	var old programItem
	if err := s.getItem(ctx, "get program", programKey(p.ID), &old, apperr.NotFound("program %s not found", p.ID)); err != nil {
		return err
	}
	next := marshal(toProgramItem(p, old.BilledYears))
	items := []txItem{
		s.put(next, "version = :v", nil, map[string]types.AttributeValue{":v": avN(prev)}, errVersion),
		s.auditWrite(programPK(p.ID), p.Version, "program", audit.Event{At: p.UpdatedAt, Actor: p.UpdatedBy, Action: "update",
			Reason: audit.ChangedText(changedFields(marshal(old), next))}),
	}
	// A new addendum version: the program waits in the addendum sweep until
	// every partner has been asked to accept it.
	if p.Addendum.Version != old.AddendumVersion {
		items = append(items, s.put(marshal(toAddendumMarkerItem(p)), "", nil, nil, nil))
	}
	return s.transact(ctx, "update program", items...)
}
