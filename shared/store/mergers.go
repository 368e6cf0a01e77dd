package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/due"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/merger"
	"github.com/tandemhq/tandem/shared/notify"
)

// mergerItem is a member's merger into another: its progress, counted in
// the transaction of each move, and its place in the merge sweep while it
// runs (so the scheduled run finishes one that stopped half-way).
type mergerItem struct {
	keyAttrs
	From           string   `dynamodbav:"from"`
	Into           string   `dynamodbav:"into"`
	FromName       string   `dynamodbav:"fromName"`
	IntoName       string   `dynamodbav:"intoName"`
	FromDomain     string   `dynamodbav:"fromDomain,omitempty"`
	Status         string   `dynamodbav:"status"`
	Actor          string   `dynamodbav:"actor"`
	StartedAt      string   `dynamodbav:"startedAt"`
	FinishedAt     string   `dynamodbav:"finishedAt,omitempty"`
	Users          int      `dynamodbav:"users"`
	UsersFolded    int      `dynamodbav:"usersFolded"`
	Departments    int      `dynamodbav:"departments"`
	Enrollments    int      `dynamodbav:"enrollments"`
	Cases          int      `dynamodbav:"cases"`
	Invoices       int      `dynamodbav:"invoices"`
	Configurations int      `dynamodbav:"configurations"`
	HostsTold      int      `dynamodbav:"hostsTold"`
	Programs       []string `dynamodbav:"programs,stringset,omitempty"`
}

func mergerPK(from string) string                           { return "MERGER#" + from }
func mergerKey(from string) map[string]types.AttributeValue { return key(mergerPK(from), metaSK) }

func (it mergerItem) domain() merger.Merger {
	return merger.Merger{
		From: it.From, Into: it.Into, FromName: it.FromName, IntoName: it.IntoName, FromDomain: it.FromDomain,
		Status: merger.Status(it.Status), Actor: it.Actor, StartedAt: parseISO(it.StartedAt), FinishedAt: parseISO(it.FinishedAt),
		Moved: merger.Counts{Users: it.Users, UsersFolded: it.UsersFolded, Departments: it.Departments, Enrollments: it.Enrollments,
			Cases: it.Cases, Invoices: it.Invoices, Configurations: it.Configurations, HostsTold: it.HostsTold},
		Programs: it.Programs,
	}
}

// newMergerItem is m as it starts: running, nothing moved yet, in the
// merge sweep.
func newMergerItem(m merger.Merger) mergerItem {
	it := mergerItem{
		keyAttrs: keyAttrs{
			PK: mergerPK(m.From), SK: metaSK, Type: "merger",
		},
		From: m.From, Into: m.Into, FromName: m.FromName, IntoName: m.IntoName,
		FromDomain: m.FromDomain, Status: string(merger.Running), Actor: m.Actor, StartedAt: iso(m.StartedAt),
	}
	it.DuePK, it.DueSK = dueAttrs(sweepMerge, m.From, m.StartedAt)
	return it
}

// GetMerger implements merger.Store.
func (s *Store) GetMerger(ctx context.Context, from string) (merger.Merger, error) {
	var it mergerItem
	if err := s.getItem(ctx, "get merger", mergerKey(from), &it, apperr.NotFound("no merger of member %s", from)); err != nil {
		return merger.Merger{}, err
	}
	return it.domain(), nil
}

// DueMergers returns the members whose merger is still running.
func (s *Store) DueMergers(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error) {
	return s.dueAt(ctx, sweepMerge, now, limit)
}

// StartMerger implements merger.Store: the merger (in the sweep), From
// marked as merging into Into, and both members' timelines — only if
// neither member is merging or merged.
func (s *Store) StartMerger(ctx context.Context, m merger.Merger, ev audit.Event) error {
	intoEv := ev
	intoEv.ID = "" // its own id, given by memberEvent
	return s.transact(ctx, "start merger",
		s.putNew(marshal(newMergerItem(m)), apperr.Conflict("member %s is already being merged", m.From)),
		s.update(memberKey(m.From), "SET mergedInto = :into, mergeState = :st, updatedAt = :now, updatedBy = :by, version = version + :one",
			"attribute_exists(PK) AND attribute_not_exists(mergedInto)", nil, map[string]types.AttributeValue{
				":into": av(m.Into), ":st": av(string(member.MergeRunning)), ":now": av(iso(m.StartedAt)), ":by": av(m.Actor), ":one": avN(1),
			}, apperr.Conflict("member %s is already merging or merged", m.From)),
		s.check(memberKey(m.Into), "attribute_exists(PK) AND attribute_not_exists(mergedInto)", nil, nil,
			apperr.Conflict("member %s is itself merging or merged", m.Into)),
		s.memberEvent(m.From, "", ev),
		s.memberEvent(m.Into, "", intoEv),
	)
}

// FinishMerger implements merger.Store: the merger done (out of the
// sweep), From merged, From's domain Into's, both timelines told.
func (s *Store) FinishMerger(ctx context.Context, m merger.Merger, ev audit.Event) error {
	intoEv := ev
	intoEv.ID = "" // its own id, given by memberEvent
	items := []txItem{
		s.update(mergerKey(m.From), "SET #st = :done, finishedAt = :now REMOVE DuePK, DueSK", "#st = :run", map[string]string{"#st": "status"},
			map[string]types.AttributeValue{":done": av(string(merger.Done)), ":now": av(iso(m.FinishedAt)), ":run": av(string(merger.Running))},
			errMergerStopped),
		s.update(memberKey(m.From), "SET mergeState = :st, updatedAt = :now, version = version + :one", "mergedInto = :into", nil,
			map[string]types.AttributeValue{":st": av(string(member.MergeDone)), ":now": av(iso(m.FinishedAt)), ":one": avN(1), ":into": av(m.Into)},
			errMergerStopped),
		s.memberEvent(m.From, "", ev),
		s.memberEvent(m.Into, "", intoEv),
	}
	if m.FromDomain != "" {
		// A domain without its item (never claimed) is claimed for Into.
		items = append(items, s.update(domainKey(m.FromDomain), "SET memberId = :into, #t = :domain",
			"attribute_not_exists(PK) OR memberId = :from OR memberId = :into", map[string]string{"#t": "type"},
			map[string]types.AttributeValue{":into": av(m.Into), ":from": av(m.From), ":domain": av("domain")},
			apperr.Conflict("domain %s belongs to neither member", m.FromDomain)))
	}
	return s.transact(ctx, "finish merger", items...)
}

var errMergerStopped = apperr.Conflict("the merger is no longer running")

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
