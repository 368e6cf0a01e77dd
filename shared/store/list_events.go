package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/table"
)

// listAudit reads a timeline, oldest first.
func (s *Store) listAudit(ctx context.Context, op, pk string, limit int, cursor string) ([]audit.Event, string, error) {
	items, next, err := s.queryPage(ctx, pageQuery{
		op: op, pkAttr: table.PK, pk: pk, skAttr: table.SK, skPrefix: eventPrefix, limit: limit, cursor: cursor, consistent: true,
	})
	if err != nil {
		return nil, "", err
	}
	out, err := convert(items, eventItem.audit)
	return out, next, err
}

// ListCaseEvents returns a case's timeline, oldest first.
func (s *Store) ListCaseEvents(ctx context.Context, id string, limit int, cursor string) ([]collab.Event, string, error) {
	items, next, err := s.queryPage(ctx, pageQuery{
		op: "list case events", pkAttr: table.PK, pk: casePK(id), skAttr: table.SK, skPrefix: eventPrefix, limit: limit, cursor: cursor, consistent: true,
	})
	if err != nil {
		return nil, "", err
	}
	out, err := convert(items, func(it caseEventItem) (collab.Event, error) {
		return collab.Event{
			ID: it.ID, At: parseISO(it.At), Actor: it.Actor, MemberID: it.MemberID, Side: collab.Side(it.Side),
			Action: collab.Action(it.Action), From: collab.Status(it.From), To: collab.Status(it.To), Text: it.Text, Level: it.Level,
		}, nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// ListMemberEvents implements member.Store.
func (s *Store) ListMemberEvents(ctx context.Context, memberID, userID string, limit int, cursor string) ([]audit.Event, string, error) {
	q := pageQuery{op: "list member events", pkAttr: table.PK, pk: memberPK(memberID), skAttr: table.SK, skPrefix: eventPrefix,
		limit: limit, cursor: cursor, consistent: true}
	if userID != "" {
		q.filter, q.filterNames, q.filterValues, q.scope = "#u = :u", map[string]string{"#u": "userId"}, map[string]types.AttributeValue{":u": av(userID)}, userID
	}
	items, next, err := s.queryPage(ctx, q)
	if err != nil {
		return nil, "", err
	}
	out, err := convert(items, eventItem.audit)
	return out, next, err
}

// ListProgramEvents implements program.Store.
func (s *Store) ListProgramEvents(ctx context.Context, id string, limit int, cursor string) ([]audit.Event, string, error) {
	return s.listAudit(ctx, "list program events", programPK(id), limit, cursor)
}

// ListEnrollmentEvents returns an enrollment's audit trail, oldest first.
func (s *Store) ListEnrollmentEvents(ctx context.Context, id string, limit int, cursor string) ([]enrollment.Event, string, error) {
	items, next, err := s.queryPage(ctx, pageQuery{
		op: "list enrollment events", pkAttr: table.PK, pk: enrollmentPK(id), skAttr: table.SK, skPrefix: eventPrefix,
		limit: limit, cursor: cursor, consistent: true,
	})
	if err != nil {
		return nil, "", err
	}
	out, err := convert(items, func(it eventItem) (enrollment.Event, error) {
		return enrollment.Event{
			ID: it.ID, At: parseISO(it.At), Actor: it.Actor, Action: enrollment.Action(it.Action),
			From: enrollment.Status(it.From), To: enrollment.Status(it.To), Reason: it.Reason,
		}, nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// ListDepartmentEvents implements department.Store.
func (s *Store) ListDepartmentEvents(ctx context.Context, id string, limit int, cursor string) ([]audit.Event, string, error) {
	return s.listAudit(ctx, "list department events", departmentPK(id), limit, cursor)
}

// ListInvoiceEvents implements billing.Store.
func (s *Store) ListInvoiceEvents(ctx context.Context, id string, limit int, cursor string) ([]audit.Event, string, error) {
	return s.listAudit(ctx, "list invoice events", invoicePK(id), limit, cursor)
}

// ListConfigurationEvents implements marketplace.Store: oldest first.
func (s *Store) ListConfigurationEvents(ctx context.Context, id string, limit int, cursor string) ([]audit.Event, string, error) {
	return s.listAudit(ctx, "list configuration events", configurationPK(id), limit, cursor)
}
