package memstore

import (
	"context"
	"slices"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/merger"
	"github.com/tandemhq/tandem/shared/notify"
)

// moved counts one object of kind in m's merger, only while it runs.
func moved(m merger.Merger, kind merger.Kind) write {
	return movedEnrollment(m, kind, "", 0)
}

// movedEnrollment counts one object of kind, adds programID to the
// merger's programs (a set) and told to the hosts told.
func movedEnrollment(m merger.Merger, kind merger.Kind, programID string, told int) write {
	return update(mergerPK(m.From), metaSK, mergerRunning, func(cur *item) *item {
		x := cur.v.(merger.Merger)
		count(&x.Moved, kind, 1)
		if programID != "" && !slices.Contains(x.Programs, programID) {
			x.Programs = append(append([]string(nil), x.Programs...), programID)
		}
		if told > 0 {
			count(&x.Moved, merger.HostsTold, told)
		}
		cur.v = x
		return cur
	}, errMergerStopped)
}

// count adds n to the counter of kind (kinds are the stored counters'
// names).
func count(c *merger.Counts, kind merger.Kind, n int) {
	switch kind {
	case merger.Users:
		c.Users += n
	case merger.UsersFolded:
		c.UsersFolded += n
	case merger.Departments:
		c.Departments += n
	case merger.Enrollments:
		c.Enrollments += n
	case merger.Cases:
		c.Cases += n
	case merger.Invoices:
		c.Invoices += n
	case merger.Configurations:
		c.Configurations += n
	case merger.HostsTold:
		c.HostsTold += n
	}
}

// moveGuard is the condition that the object is still From's at the
// version read.
func moveGuard[T any](version int, from string, get func(T) (int, string)) func(*item) bool {
	return func(cur *item) bool {
		x, ok := valOf[T](cur)
		if !ok {
			return false
		}
		v, memberID := get(x)
		return v == version && memberID == from
	}
}

func errMovedAlready(what, id string) error {
	return apperr.Conflict("%s %s changed while it was being merged; the next run takes it up again", what, id)
}

// MoveUser implements merger.Store.
func (s *Store) MoveUser(ctx context.Context, m merger.Merger, before, after member.User, ev audit.Event) error {
	return s.transact("merge user",
		remove(memberPK(before.MemberID), userSK(before.ID), atVersion[member.User](before.Version, func(u member.User) int { return u.Version }),
			errMovedAlready("user", before.ID)),
		putNew(userItem(after), apperr.Conflict("user %s is already a user of %s", after.ID, after.MemberID)),
		credentialUpdate(before.TokenHash, func(c *member.Credential) { c.MemberID, c.Roles = after.MemberID, omitted(after.Roles) }),
		memberEvent(after.MemberID, after.ID, ev),
		moved(m, merger.Users),
	)
}

// FoldUser implements merger.Store.
func (s *Store) FoldUser(ctx context.Context, m merger.Merger, u member.User, kept member.User, ev audit.Event) error {
	return s.transact("merge user",
		remove(memberPK(u.MemberID), userSK(u.ID), atVersion[member.User](u.Version, func(u member.User) int { return u.Version }),
			errMovedAlready("user", u.ID)),
		credentialUpdate(u.TokenHash, func(c *member.Credential) { c.Revoked = true }),
		memberEvent(kept.MemberID, kept.ID, ev),
		moved(m, merger.UsersFolded),
	)
}

// MoveDepartment implements merger.Store: the inbound address's entry
// follows.
func (s *Store) MoveDepartment(ctx context.Context, m merger.Merger, before, after department.Department, ev audit.Event) error {
	ws := []write{
		putIf(departmentItem(after), moveGuard(before.Version, m.From, func(d department.Department) (int, string) { return d.Version, d.MemberID }),
			errMovedAlready("department", before.ID)),
		auditWrite(departmentPK(after.ID), after.Version, ev),
		moved(m, merger.Departments),
	}
	return s.transact("merge department", append(ws, inboundWrite(after)...)...)
}

// MoveEnrollment implements merger.Store: B's place in the program is given
// back and, where A takes it, taken as A's.
func (s *Store) MoveEnrollment(ctx context.Context, m merger.Merger, before, after enrollment.Enrollment, place merger.Place, ev enrollment.Event, msgs []notify.Message) error {
	ws := []write{
		putIf(enrollmentItem(after), moveGuard(before.Version, m.From, func(e enrollment.Enrollment) (int, string) { return e.Version, e.MemberID }),
			errMovedAlready("enrollment", before.ID)),
		enrollmentEventWrite(after.ID, after.Version, ev),
		movedEnrollment(m, merger.Enrollments, after.ProgramID, len(msgs)),
	}
	if place != merger.NoPlace {
		ws = append(ws, releasePair(before))
	}
	if place == merger.TakePlace {
		ws = append(ws, enrollPair(after))
	}
	ws = append(ws, outboxWrites(msgs)...)
	return s.transact("merge enrollment", ws...)
}

// MoveCase implements merger.Store: the case's report record follows its
// receiver.
func (s *Store) MoveCase(ctx context.Context, m merger.Merger, before, after collab.Case, ev collab.Event) error {
	ws := []write{
		putIf(caseItem(after), func(cur *item) bool {
			c, ok := valOf[collab.Case](cur)
			return ok && c.Version == before.Version && (c.ReceiverMemberID == m.From || c.SubmitterMemberID == m.From)
		}, errMovedAlready("case", before.ID)),
		caseEventWrite(after.ID, after.Version, ev),
		moved(m, merger.Cases),
	}
	if r, ok := slaRecordOf(after); ok && before.ReceiverMemberID != after.ReceiverMemberID {
		ws = append(ws, slaRecordWrite(r))
	}
	ws = append(ws, queueWrites(&before, after)...)
	return s.transact("merge case", ws...)
}

// MoveInvoice implements merger.Store.
func (s *Store) MoveInvoice(ctx context.Context, m merger.Merger, before, after billing.Invoice, ev audit.Event) error {
	return s.transact("merge invoice",
		putIf(invoiceItem(after), moveGuard(before.Version, m.From, func(i billing.Invoice) (int, string) { return i.Version, i.MemberID }),
			errMovedAlready("invoice", before.ID)),
		auditWrite(invoicePK(after.ID), after.Version, ev),
		moved(m, merger.Invoices),
	)
}

// MoveConfiguration implements merger.Store.
func (s *Store) MoveConfiguration(ctx context.Context, m merger.Merger, before, after marketplace.Configuration, ev audit.Event) error {
	return s.transact("merge configuration",
		putIf(configurationItem(after), moveGuard(before.Version, m.From, func(c marketplace.Configuration) (int, string) { return c.Version, c.MemberID }),
			errMovedAlready("configuration", before.ID)),
		auditWrite(configurationPK(after.ID), after.Version, ev),
		moved(m, merger.Configurations),
	)
}
