package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/enrollment"
)

// listAudit reads a timeline, oldest first.
func (s *Store) listAudit(op, pk string, limit int, cursor string) ([]audit.Event, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := s.queryPage(pageQuery{op: op, pk: pk, skPrefix: eventPrefix, limit: limit, cursor: cursor})
	if err != nil {
		return nil, "", err
	}
	return auditEvents(items), next, nil
}

// auditEvents reads timeline entries as the store's eventItem.audit does,
// whatever kind of object wrote them.
func auditEvents(items []*item) []audit.Event {
	out := make([]audit.Event, 0, len(items))
	for _, it := range items {
		switch v := it.v.(type) {
		case audit.Event:
			out = append(out, v)
		case memberEventRec:
			out = append(out, v.Event)
		case enrollment.Event:
			out = append(out, audit.Event{ID: v.ID, At: v.At, Actor: v.Actor, Action: string(v.Action), From: string(v.From), To: string(v.To), Reason: v.Reason})
		case collab.Event:
			out = append(out, audit.Event{ID: v.ID, At: v.At, Actor: v.Actor, Action: string(v.Action), From: string(v.From), To: string(v.To)})
		}
	}
	return out
}

// ListCaseEvents returns a case's timeline, oldest first.
func (s *Store) ListCaseEvents(ctx context.Context, id string, limit int, cursor string) ([]collab.Event, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := s.queryPage(pageQuery{op: "list case events", pk: casePK(id), skPrefix: eventPrefix, limit: limit, cursor: cursor})
	if err != nil {
		return nil, "", err
	}
	out := make([]collab.Event, 0, len(items))
	for _, it := range items {
		if ev, ok := it.v.(collab.Event); ok {
			out = append(out, ev)
		}
	}
	return out, next, nil
}

// ListMemberEvents implements member.Store: the member's timeline, its
// users' events with it, oldest first; a user id narrows it by filter.
func (s *Store) ListMemberEvents(ctx context.Context, memberID, userID string, limit int, cursor string) ([]audit.Event, string, error) {
	q := pageQuery{op: "list member events", pk: memberPK(memberID), skPrefix: eventPrefix, limit: limit, cursor: cursor}
	if userID != "" {
		q.filter, q.scope = "#u = :u", userID
		q.match = func(it *item) bool {
			r, ok := it.v.(memberEventRec)
			return ok && r.UserID == userID
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := s.queryPage(q)
	if err != nil {
		return nil, "", err
	}
	return auditEvents(items), next, nil
}

// ListProgramEvents implements program.Store.
func (s *Store) ListProgramEvents(ctx context.Context, id string, limit int, cursor string) ([]audit.Event, string, error) {
	return s.listAudit("list program events", programPK(id), limit, cursor)
}

// ListEnrollmentEvents returns an enrollment's audit trail, oldest first.
func (s *Store) ListEnrollmentEvents(ctx context.Context, id string, limit int, cursor string) ([]enrollment.Event, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items, next, err := s.queryPage(pageQuery{op: "list enrollment events", pk: enrollmentPK(id), skPrefix: eventPrefix, limit: limit, cursor: cursor})
	if err != nil {
		return nil, "", err
	}
	out := make([]enrollment.Event, 0, len(items))
	for _, it := range items {
		if ev, ok := it.v.(enrollment.Event); ok {
			out = append(out, ev)
		}
	}
	return out, next, nil
}

// ListDepartmentEvents implements department.Store.
func (s *Store) ListDepartmentEvents(ctx context.Context, id string, limit int, cursor string) ([]audit.Event, string, error) {
	return s.listAudit("list department events", departmentPK(id), limit, cursor)
}

// ListInvoiceEvents implements billing.Store.
func (s *Store) ListInvoiceEvents(ctx context.Context, id string, limit int, cursor string) ([]audit.Event, string, error) {
	return s.listAudit("list invoice events", invoicePK(id), limit, cursor)
}

// ListConfigurationEvents implements marketplace.Store: oldest first.
func (s *Store) ListConfigurationEvents(ctx context.Context, id string, limit int, cursor string) ([]audit.Event, string, error) {
	return s.listAudit("list configuration events", configurationPK(id), limit, cursor)
}
