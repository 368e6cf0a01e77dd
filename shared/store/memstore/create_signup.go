package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/registration"
)

// CreateSignup implements registration.Store: one transaction for the whole
// sign-up, each condition mapped to what a person would be told.
func (s *Store) CreateSignup(ctx context.Context, su registration.Signup) error {
	e := su.Enrollment
	now := iso(su.Now)
	ws := []write{
		update(signupTokenPK(su.TokenHash), metaSK, func(cur *item) bool {
			t, ok := valOf[registration.SignupToken](cur)
			return ok && !t.Used && iso(t.ExpiresAt) > now
		}, func(cur *item) *item {
			t := cur.v.(registration.SignupToken)
			t.Used = true
			cur.v = t
			return cur
		}, apperr.Conflict("this sign-up link was already used or has expired; register again for a new one")),
		check(programPK(su.ProgramID), metaSK, func(cur *item) bool {
			p, ok := valOf[program.Program](cur)
			return ok && p.Addendum.Version == su.AddendumVersion
		}, apperr.Conflict("the program's addendum changed while you were signing up; review and accept the new version")),
		putNew(enrollmentItem(e), apperr.Conflict("enrollment %s already exists", e.ID)),
		enrollmentEventWrite(e.ID, e.Version, su.Event),
	}
	if m := su.NewMember; m != nil {
		ws = append(ws, putNew(memberItem(*m), apperr.Conflict("member %s already exists", m.ID)), enrollPair(e),
			memberEvent(m.ID, "", audit.Event{At: m.CreatedAt, Actor: "sign-up by " + e.Email, Action: "create"}))
		if m.Domain != "" {
			ws = append(ws, putNew(domainItem(*m), registration.ErrDomainTaken))
		}
	} else {
		ws = append(ws,
			check(memberPK(e.MemberID), metaSK, exists, apperr.NotFound("member %s not found", e.MemberID)),
			pairFree(e))
	}
	if su.Department != nil {
		ws = append(ws, newDepartment(*su.Department)...)
	}
	if su.Invoice != nil {
		ws = append(ws, invoiceWrite(*su.Invoice, "sign-up by "+e.Email)...)
	}
	if su.Validation != nil {
		ws = append(ws, mailTokenWrite(*su.Validation))
	}
	ws = append(ws, outboxWrites(su.Messages)...)
	ws = append(ws, commitClaim(su.Claim, e.ID)...)
	return s.transact("create signup", ws...)
}
