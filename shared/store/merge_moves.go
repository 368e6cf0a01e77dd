package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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
func (s *Store) moved(m merger.Merger, kind merger.Kind) txItem {
	return s.movedEnrollment(m, kind, "", 0)
}

// movedEnrollment counts one object of kind, adds programID to the
// merger's programs and told to the hosts told.
func (s *Store) movedEnrollment(m merger.Merger, kind merger.Kind, programID string, told int) txItem {
	expr := "ADD #k :one"
	values := map[string]types.AttributeValue{":one": avN(1), ":run": av(string(merger.Running))}
	if programID != "" {
		expr += ", programs :p"
		values[":p"] = &types.AttributeValueMemberSS{Value: []string{programID}}
	}
	if told > 0 {
		expr += ", " + string(merger.HostsTold) + " :told"
		values[":told"] = avN(told)
	}
	return s.update(mergerKey(m.From), expr, "#st = :run", map[string]string{"#k": string(kind), "#st": "status"}, values, errMergerStopped)
}

// moveGuard is the condition that the object is still From's at the
// version read.
func moveGuard(version int, from string) (string, map[string]types.AttributeValue) {
	return "version = :v AND memberId = :from", map[string]types.AttributeValue{":v": avN(version), ":from": av(from)}
}

func errMovedAlready(what, id string) error {
	return apperr.Conflict("%s %s changed while it was being merged; the next run takes it up again", what, id)
}

// MoveUser implements merger.Store.
func (s *Store) MoveUser(ctx context.Context, m merger.Merger, before, after member.User, ev audit.Event) error {
	return s.transact(ctx, "merge user",
		s.remove(userKey(before.MemberID, before.ID), "version = :v", map[string]types.AttributeValue{":v": avN(before.Version)},
			errMovedAlready("user", before.ID)),
		s.putNew(marshal(toUserItem(after)), apperr.Conflict("user %s is already a user of %s", after.ID, after.MemberID)),
		s.update(tokenKey(before.TokenHash), "SET memberId = :into, #r = :roles", "attribute_exists(PK)", map[string]string{"#r": "roles"},
			map[string]types.AttributeValue{":into": av(after.MemberID), ":roles": &types.AttributeValueMemberSS{Value: after.Roles}}, nil),
		s.memberEvent(after.MemberID, after.ID, ev),
		s.moved(m, merger.Users),
	)
}

// FoldUser implements merger.Store.
func (s *Store) FoldUser(ctx context.Context, m merger.Merger, u member.User, kept member.User, ev audit.Event) error {
	return s.transact(ctx, "merge user",
		s.remove(userKey(u.MemberID, u.ID), "version = :v", map[string]types.AttributeValue{":v": avN(u.Version)}, errMovedAlready("user", u.ID)),
		s.update(tokenKey(u.TokenHash), "SET revoked = :t", "attribute_exists(PK)", nil,
			map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}}, nil),
		s.memberEvent(kept.MemberID, kept.ID, ev),
		s.moved(m, merger.UsersFolded),
	)
}

// MoveDepartment implements merger.Store: the inbound address's entry
// follows.
func (s *Store) MoveDepartment(ctx context.Context, m merger.Merger, before, after department.Department, ev audit.Event) error {
	cond, values := moveGuard(before.Version, m.From)
	items := []txItem{
		s.put(marshal(toDepartmentItem(after)), cond, nil, values, errMovedAlready("department", before.ID)),
		s.auditWrite(departmentPK(after.ID), after.Version, "department", ev),
		s.moved(m, merger.Departments),
	}
	return s.transact(ctx, "merge department", append(items, s.inboundWrite(after)...)...)
}

// MoveEnrollment implements merger.Store: B's place in the program is
// given back and, where A takes it, taken as A's (failing if A gained one
// meanwhile: the next run decides again).
func (s *Store) MoveEnrollment(ctx context.Context, m merger.Merger, before, after enrollment.Enrollment, place merger.Place, ev enrollment.Event, msgs []notify.Message) error {
	cond, values := moveGuard(before.Version, m.From)
	items := []txItem{
		s.put(marshal(toEnrollmentItem(after)), cond, nil, values, errMovedAlready("enrollment", before.ID)),
		s.enrollmentEventWrite(after.ID, after.Version, ev),
		s.movedEnrollment(m, merger.Enrollments, after.ProgramID, len(msgs)),
	}
	if place != merger.NoPlace {
		items = append(items, s.releasePair(before))
	}
	if place == merger.TakePlace {
		items = append(items, s.enrollPair(after))
	}
	items = append(items, s.outboxWrites(msgs)...)
	return s.transact(ctx, "merge enrollment", items...)
}

// MoveCase implements merger.Store: the case's report record follows its
// receiver.
func (s *Store) MoveCase(ctx context.Context, m merger.Merger, before, after collab.Case, ev collab.Event) error {
	items := []txItem{
		s.put(marshal(toCaseItem(after)), "version = :v AND (receiverMemberId = :from OR submitterMemberId = :from)", nil,
			map[string]types.AttributeValue{":v": avN(before.Version), ":from": av(m.From)}, errMovedAlready("case", before.ID)),
		s.caseEventWrite(after.ID, after.Version, ev),
		s.moved(m, merger.Cases),
	}
	if r, ok := slaRecordOf(after); ok && before.ReceiverMemberID != after.ReceiverMemberID {
		items = append(items, s.slaRecordWrite(r))
	}
	items = append(items, s.queueWrites(&before, after)...)
	return s.transact(ctx, "merge case", items...)
}

// MoveInvoice implements merger.Store.
func (s *Store) MoveInvoice(ctx context.Context, m merger.Merger, before, after billing.Invoice, ev audit.Event) error {
	cond, values := moveGuard(before.Version, m.From)
	return s.transact(ctx, "merge invoice",
		s.put(marshal(toInvoiceItem(after)), cond, nil, values, errMovedAlready("invoice", before.ID)),
		s.auditWrite(invoicePK(after.ID), after.Version, "invoice", ev),
		s.moved(m, merger.Invoices),
	)
}

// MoveConfiguration implements merger.Store.
func (s *Store) MoveConfiguration(ctx context.Context, m merger.Merger, before, after marketplace.Configuration, ev audit.Event) error {
	cond, values := moveGuard(before.Version, m.From)
	return s.transact(ctx, "merge configuration",
		s.put(marshal(toConfigurationItem(after)), cond, nil, values, errMovedAlready("configuration", before.ID)),
		s.configurationEventWrite(after.ID, after.Version, ev),
		s.moved(m, merger.Configurations),
	)
}
