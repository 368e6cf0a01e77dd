package memstore

import (
	"context"
	"errors"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/program"
)

// programItem is p as stored, with how many host-billing years were
// invoiced (the store keeps that, whatever p says), in its host's list
// (GSI1) and, when host-paid, in the billing sweep at its next anniversary.
func programItem(p program.Program, billedYears int) *item {
	it := &item{PK: programPK(p.ID), SK: metaSK, GSI1PK: hostProgramsPK(p.HostMemberID), GSI1SK: p.ID, v: normProgram(p, billedYears)}
	if p.Payment == program.HostPaid {
		it.DuePK, it.DueSK = dueAttrs(sweepBilling, p.ID, anniversary(p.StartDate, billedYears+1))
	}
	return it
}

// anniversary is the n-th anniversary of a program's start date.
func anniversary(startDate string, n int) time.Time {
	t, err := time.Parse("2006-01-02", startDate)
	if err != nil {
		return time.Time{}
	}
	return billing.AddYears(t, n)
}

// slugRec is a program's claim of its slug: one program per address.
type slugRec struct{ ProgramID string }

// GetProgram implements program.Store.
func (s *Store) GetProgram(ctx context.Context, id string) (program.Program, error) {
	p, ok := getVal[program.Program](s, programPK(id), metaSK)
	if !ok {
		return program.Program{}, apperr.NotFound("program %s not found", id)
	}
	return normProgram(p, p.BilledYears), nil
}

// ProgramIDBySlug implements program.Store. The slug a program was created
// with stays its address (an update does not move the claim).
func (s *Store) ProgramIDBySlug(ctx context.Context, slug string) (string, error) {
	r, ok := getVal[slugRec](s, slugPK(slug), metaSK)
	if !ok {
		return "", apperr.NotFound("there is no program at this address")
	}
	return r.ProgramID, nil
}

// addendumRec keeps a program in the addendum sweep while partners are
// still to be asked to accept its addendum version.
type addendumRec struct{ Version string }

func addendumMarker(p program.Program) *item {
	it := &item{PK: programPK(p.ID), SK: addendumSK, v: addendumRec{Version: p.Addendum.Version}}
	it.DuePK, it.DueSK = dueAttrs(sweepAddendum, p.ID, p.UpdatedAt)
	return it
}

var errAddendumMoved = apperr.Conflict("the program's addendum changed again")

// AddendumAsked takes program id out of the addendum sweep once every
// partner was asked to accept version — unless a newer version came since.
func (s *Store) AddendumAsked(ctx context.Context, id, version string) error {
	err := s.transact("addendum asked", remove(programPK(id), addendumSK, func(cur *item) bool {
		r, ok := valOf[addendumRec](cur)
		return ok && r.Version == version
	}, errAddendumMoved))
	if errors.Is(err, errAddendumMoved) {
		return nil
	}
	return err
}
