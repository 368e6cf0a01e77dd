package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/program"
)

type caseItem struct {
	keyAttrs
	ID                    string   `dynamodbav:"id"`
	Ref                   string   `dynamodbav:"ref,omitempty"`
	ProgramID             string   `dynamodbav:"programId,omitempty"`
	ProgramName           string   `dynamodbav:"programName"`
	ProgramType           string   `dynamodbav:"programType"`
	SubmitterMemberID     string   `dynamodbav:"submitterMemberId"`
	SubmitterName         string   `dynamodbav:"submitterName"`
	SubmitterUserID       string   `dynamodbav:"submitterUserId"`
	SubmitterEmail        string   `dynamodbav:"submitterEmail"`
	ReceiverMemberID      string   `dynamodbav:"receiverMemberId"`
	ReceiverName          string   `dynamodbav:"receiverName"`
	DepartmentID          string   `dynamodbav:"departmentId"`
	DepartmentName        string   `dynamodbav:"departmentName"`
	Priority              string   `dynamodbav:"priority"`
	Summary               string   `dynamodbav:"summary"`
	Description           string   `dynamodbav:"description"`
	Customer              string   `dynamodbav:"customer,omitempty"`
	SubmitterCaseNumber   string   `dynamodbav:"submitterCaseNumber,omitempty"`
	ReceiverCaseNumber    string   `dynamodbav:"receiverCaseNumber,omitempty"`
	Fields                string   `dynamodbav:"fields,omitempty"`
	BusinessImpact        string   `dynamodbav:"businessImpact,omitempty"`
	NoteToManager         string   `dynamodbav:"noteToManager,omitempty"`
	Engineer              string   `dynamodbav:"engineer,omitempty"`
	SubmitterAssigneeID   string   `dynamodbav:"submitterAssigneeId,omitempty"`
	SubmitterAssigneeName string   `dynamodbav:"submitterAssigneeName,omitempty"`
	ReceiverAssigneeID    string   `dynamodbav:"receiverAssigneeId,omitempty"`
	ReceiverAssigneeName  string   `dynamodbav:"receiverAssigneeName,omitempty"`
	Status                string   `dynamodbav:"status"`
	SLASeconds            int64    `dynamodbav:"slaSeconds"`
	ResponseDueAt         string   `dynamodbav:"responseDueAt"`
	Level2DueAt           string   `dynamodbav:"level2DueAt"`
	RemindAt              string   `dynamodbav:"remindAt,omitempty"`
	Reminded              bool     `dynamodbav:"reminded,omitempty"`
	LastActivityAt        string   `dynamodbav:"lastActivityAt,omitempty"`
	Bcc                   []string `dynamodbav:"bcc,omitempty,stringset"`
	IdleWarned            bool     `dynamodbav:"idleWarned,omitempty"`
	RespondedAt           string   `dynamodbav:"respondedAt,omitempty"`
	EscalationLevel       int      `dynamodbav:"escalationLevel"`
	Resolution            string   `dynamodbav:"resolution,omitempty"`
	CreatedAt             string   `dynamodbav:"createdAt"`
	UpdatedAt             string   `dynamodbav:"updatedAt"`
	Version               int      `dynamodbav:"version"`
}

// refItem claims a case reference: one item per reference, naming its
// case, written with the case so no two cases share one.
type refItem struct {
	keyAttrs
	CaseID string `dynamodbav:"caseId"`
}

func toRefItem(c collab.Case) refItem {
	return refItem{keyAttrs: keyAttrs{PK: refPK(c.Ref), SK: metaSK, Type: "caseref"}, CaseID: c.ID}
}

// CaseByRef returns the id of the case whose reference is ref.
func (s *Store) CaseByRef(ctx context.Context, ref string) (string, error) {
	var it refItem
	if err := s.getItem(ctx, "case by reference", key(refPK(ref), metaSK), &it, apperr.NotFound("case %s not found", ref)); err != nil {
		return "", err
	}
	return it.CaseID, nil
}

func toCaseItem(c collab.Case) caseItem {
	it := caseItem{
		keyAttrs: keyAttrs{
			PK: casePK(c.ID), SK: metaSK, Type: "case",
			GSI1PK: inboxPK(c.ReceiverMemberID), GSI1SK: iso(c.CreatedAt) + "#" + c.ID,
			GSI2PK: sentPK(c.SubmitterMemberID), GSI2SK: iso(c.CreatedAt) + "#" + c.ID,
		},
		ID: c.ID, Ref: c.Ref, ProgramID: c.ProgramID, ProgramName: c.ProgramName, ProgramType: string(c.ProgramType),
		SubmitterMemberID: c.SubmitterMemberID, SubmitterName: c.SubmitterName, SubmitterUserID: c.SubmitterUserID, SubmitterEmail: c.SubmitterEmail,
		ReceiverMemberID: c.ReceiverMemberID, ReceiverName: c.ReceiverName, DepartmentID: c.DepartmentID, DepartmentName: c.DepartmentName,
		Priority: string(c.Priority), Summary: c.Summary, Description: c.Description, SubmitterCaseNumber: c.SubmitterCaseNumber,
		ReceiverCaseNumber: c.ReceiverCaseNumber, BusinessImpact: c.BusinessImpact, NoteToManager: c.NoteToManager,
		Status: string(c.Status), SLASeconds: int64(c.SLA / time.Second), ResponseDueAt: iso(c.ResponseDueAt), Level2DueAt: iso(c.Level2DueAt), Reminded: c.Reminded, IdleWarned: c.IdleWarned, Bcc: c.Bcc,
		EscalationLevel: c.EscalationLevel, Resolution: c.Resolution, CreatedAt: iso(c.CreatedAt), UpdatedAt: iso(c.UpdatedAt), Version: c.Version,
	}
	if c.Customer != nil {
		it.Customer = jsonAttr(toCustomerRec(*c.Customer))
	}
	if len(c.Fields) > 0 {
		it.Fields = jsonAttr(c.Fields)
	}
	if c.Engineer != nil {
		it.Engineer = jsonAttr(toContactRec(*c.Engineer))
	}
	if a := c.SubmitterAssignee; a != nil {
		it.SubmitterAssigneeID, it.SubmitterAssigneeName = a.UserID, a.Name
	}
	if a := c.ReceiverAssignee; a != nil {
		it.ReceiverAssigneeID, it.ReceiverAssigneeName = a.UserID, a.Name
	}
	if !c.RespondedAt.IsZero() {
		it.RespondedAt = iso(c.RespondedAt)
	}
	if !c.RemindAt.IsZero() {
		it.RemindAt = iso(c.RemindAt)
	}
	if !c.LastActivityAt.IsZero() {
		it.LastActivityAt = iso(c.LastActivityAt)
	}
	// In the sweep's index exactly while an escalation is still to come.
	if at, ok := c.NextEscalation(); ok {
		it.DuePK, it.DueSK = dueAttrs(sweepCase, c.ID, at)
	}
	// In the operators' index while the receiver has yet to respond (past
	// the last escalation too): stale once the response is overdue.
	if c.ClockRunning() {
		it.OpsPK, it.OpsSK = opsAttrs(opsCase, c.ID, c.ResponseDueAt)
	}
	return it
}

func (it caseItem) domain() (collab.Case, error) {
	c := collab.Case{
		ID: it.ID, Ref: it.Ref, ProgramID: it.ProgramID, ProgramName: it.ProgramName, ProgramType: program.Type(it.ProgramType),
		SubmitterMemberID: it.SubmitterMemberID, SubmitterName: it.SubmitterName, SubmitterUserID: it.SubmitterUserID, SubmitterEmail: it.SubmitterEmail,
		ReceiverMemberID: it.ReceiverMemberID, ReceiverName: it.ReceiverName, DepartmentID: it.DepartmentID, DepartmentName: it.DepartmentName,
		Priority: program.Priority(it.Priority), Summary: it.Summary, Description: it.Description, SubmitterCaseNumber: it.SubmitterCaseNumber,
		ReceiverCaseNumber: it.ReceiverCaseNumber, BusinessImpact: it.BusinessImpact, NoteToManager: it.NoteToManager,
		Status: collab.Status(it.Status), SLA: time.Duration(it.SLASeconds) * time.Second, ResponseDueAt: parseISO(it.ResponseDueAt),
		Level2DueAt: parseISO(it.Level2DueAt), RemindAt: parseISO(it.RemindAt), Reminded: it.Reminded, LastActivityAt: parseISO(it.LastActivityAt), IdleWarned: it.IdleWarned, Bcc: it.Bcc, RespondedAt: parseISO(it.RespondedAt), EscalationLevel: it.EscalationLevel,
		Resolution: it.Resolution, CreatedAt: parseISO(it.CreatedAt), UpdatedAt: parseISO(it.UpdatedAt), Version: it.Version,
	}
	if it.SubmitterAssigneeID != "" {
		c.SubmitterAssignee = &collab.Assignee{UserID: it.SubmitterAssigneeID, Name: it.SubmitterAssigneeName}
	}
	if it.ReceiverAssigneeID != "" {
		c.ReceiverAssignee = &collab.Assignee{UserID: it.ReceiverAssigneeID, Name: it.ReceiverAssigneeName}
	}
	if it.Customer != "" {
		var r customerRec
		if err := fromJSON(it.Customer, &r); err != nil {
			return c, fmt.Errorf("case %s customer: %w", it.ID, err)
		}
		cu := r.domain()
		c.Customer = &cu
	}
	if it.Engineer != "" {
		var r contactRec
		if err := fromJSON(it.Engineer, &r); err != nil {
			return c, fmt.Errorf("case %s engineer: %w", it.ID, err)
		}
		en := r.domain()
		c.Engineer = &en
	}
	if err := fromJSON(it.Fields, &c.Fields); err != nil {
		return c, fmt.Errorf("case %s fields: %w", it.ID, err)
	}
	return c, nil
}

type caseEventItem struct {
	keyAttrs
	ID       string `dynamodbav:"id"`
	At       string `dynamodbav:"at"`
	Actor    string `dynamodbav:"actor"`
	MemberID string `dynamodbav:"memberId,omitempty"`
	Side     string `dynamodbav:"side,omitempty"`
	Action   string `dynamodbav:"action"`
	From     string `dynamodbav:"from,omitempty"`
	To       string `dynamodbav:"to"`
	Text     string `dynamodbav:"text,omitempty"`
	Level    int    `dynamodbav:"level,omitempty"`
}

func (s *Store) caseEventWrite(caseID string, version int, ev collab.Event) txItem {
	return s.putNew(marshal(caseEventItem{
		keyAttrs: keyAttrs{
			PK: casePK(caseID), SK: eventSK(version, ev.ID), Type: "case_event",
		},
		ID: ev.ID, At: iso(ev.At), Actor: ev.Actor,
		MemberID: ev.MemberID, Side: string(ev.Side), Action: string(ev.Action), From: string(ev.From), To: string(ev.To),
		Text: ev.Text, Level: ev.Level,
	}), apperr.Conflict("event %s already recorded", ev.ID))
}

// GetCase implements collab.Store.
func (s *Store) GetCase(ctx context.Context, id string) (collab.Case, error) {
	var it caseItem
	if err := s.getItem(ctx, "get case", caseKey(id), &it, apperr.NotFound("case %s not found", id)); err != nil {
		return collab.Case{}, err
	}
	return it.domain()
}

// caseIdleItem is a case's entry in the housekeeping sweep's due index: a
// small item of its own (the case's own due slot is the escalation's),
// written with the case whenever its next housekeeping time moves.
type caseIdleItem struct {
	keyAttrs
}

// idleMarker places c in the housekeeping sweep, or takes it out once final.
func (s *Store) idleMarker(c collab.Case) txItem {
	at, ok := c.NextHousekeeping()
	if !ok {
		return s.remove(idleKey(c.ID), "", nil, nil)
	}
	pk, sk := dueAttrs(sweepIdle, c.ID, at)
	return s.put(marshal(caseIdleItem{keyAttrs: keyAttrs{PK: casePK(c.ID), SK: idleSK, Type: "case_idle", DuePK: pk, DueSK: sk}}), "", nil, nil, nil)
}

// idleMarkerMoved is the marker's write when after's housekeeping time
// differs from before's (escalations and reminders leave it alone).
func (s *Store) idleMarkerMoved(before, after collab.Case) (txItem, bool) {
	a, aok := before.NextHousekeeping()
	b, bok := after.NextHousekeeping()
	if aok == bok && a.Equal(b) {
		return txItem{}, false
	}
	return s.idleMarker(after), true
}

// queueItem is a case's entry in one of a member's queue lists or in its
// search index (collab.QueueEntries, collab.SearchEntries), written in the
// case's own transactions: it names the case and carries its row (Row,
// collab.Case.Row), so a page is one Query. Entries written before rows
// have none; reading them falls back to the case (rowsOfEntries) until
// the backfill gives them one.
type queueItem struct {
	keyAttrs
	CaseID string `dynamodbav:"caseId"`
	Side   string `dynamodbav:"side"`
	Row    string `dynamodbav:"row,omitempty"`
}

func queueEntryItem(e collab.QueueEntry) queueItem {
	return queueItem{keyAttrs: keyAttrs{PK: queuePK(e.MemberID, e.List), SK: queueSK(iso(e.At), e.CaseID, e.Side), Type: "case_queue"},
		CaseID: e.CaseID, Side: string(e.Side), Row: jsonAttr(toRowRec(e.Row))}
}

func searchEntryItem(e collab.SearchEntry) queueItem {
	return queueItem{keyAttrs: keyAttrs{PK: searchPK(e.MemberID), SK: queueSK(e.Token, e.CaseID, e.Side), Type: "case_search"},
		CaseID: e.CaseID, Side: string(e.Side), Row: jsonAttr(toRowRec(e.Row))}
}

// rowRec is a case's row (collab.Case.Row) as its entries carry it.
type rowRec struct {
	ID                  string       `json:"id"`
	Ref                 string       `json:"ref,omitempty"`
	Priority            string       `json:"priority"`
	Summary             string       `json:"summary"`
	Status              string       `json:"status"`
	SubmitterMemberID   string       `json:"submitterMemberId"`
	SubmitterName       string       `json:"submitterName"`
	ReceiverMemberID    string       `json:"receiverMemberId"`
	ReceiverName        string       `json:"receiverName"`
	SubmitterCaseNumber string       `json:"submitterCaseNumber,omitempty"`
	ReceiverCaseNumber  string       `json:"receiverCaseNumber,omitempty"`
	Company             string       `json:"company,omitempty"`
	CustomerCaseNumber  string       `json:"customerCaseNumber,omitempty"`
	Customer            bool         `json:"customer,omitempty"`
	ResponseDueAt       string       `json:"responseDueAt"`
	RespondedAt         string       `json:"respondedAt,omitempty"`
	CreatedAt           string       `json:"createdAt"`
	SubmitterAssignee   *assigneeRec `json:"submitterAssignee,omitempty"`
	ReceiverAssignee    *assigneeRec `json:"receiverAssignee,omitempty"`
}

type assigneeRec struct {
	UserID string `json:"userId"`
	Name   string `json:"name"`
}

func toRowRec(c collab.Case) rowRec {
	r := rowRec{ID: c.ID, Ref: c.Ref, Priority: string(c.Priority), Summary: c.Summary, Status: string(c.Status),
		SubmitterMemberID: c.SubmitterMemberID, SubmitterName: c.SubmitterName, ReceiverMemberID: c.ReceiverMemberID, ReceiverName: c.ReceiverName,
		SubmitterCaseNumber: c.SubmitterCaseNumber, ReceiverCaseNumber: c.ReceiverCaseNumber,
		ResponseDueAt: iso(c.ResponseDueAt), CreatedAt: iso(c.CreatedAt)}
	if c.Customer != nil {
		r.Customer, r.Company, r.CustomerCaseNumber = true, c.Customer.Company, c.Customer.CaseNumber
	}
	if !c.RespondedAt.IsZero() {
		r.RespondedAt = iso(c.RespondedAt)
	}
	if a := c.SubmitterAssignee; a != nil {
		r.SubmitterAssignee = &assigneeRec{a.UserID, a.Name}
	}
	if a := c.ReceiverAssignee; a != nil {
		r.ReceiverAssignee = &assigneeRec{a.UserID, a.Name}
	}
	return r
}

func (r rowRec) domain() collab.Case {
	c := collab.Case{ID: r.ID, Ref: r.Ref, Priority: program.Priority(r.Priority), Summary: r.Summary, Status: collab.Status(r.Status),
		SubmitterMemberID: r.SubmitterMemberID, SubmitterName: r.SubmitterName, ReceiverMemberID: r.ReceiverMemberID, ReceiverName: r.ReceiverName,
		SubmitterCaseNumber: r.SubmitterCaseNumber, ReceiverCaseNumber: r.ReceiverCaseNumber,
		ResponseDueAt: parseISO(r.ResponseDueAt), RespondedAt: parseISO(r.RespondedAt), CreatedAt: parseISO(r.CreatedAt)}
	if r.Customer {
		c.Customer = &collab.Customer{Company: r.Company, CaseNumber: r.CustomerCaseNumber}
	}
	if a := r.SubmitterAssignee; a != nil {
		c.SubmitterAssignee = &collab.Assignee{UserID: a.UserID, Name: a.Name}
	}
	if a := r.ReceiverAssignee; a != nil {
		c.ReceiverAssignee = &collab.Assignee{UserID: a.UserID, Name: a.Name}
	}
	return c
}

// queueWrites move a case's queue and search entries from where before
// (nil: a new case) had them to where after has them: only the entries
// that differ — in place or in the row they carry — are written or
// deleted, so a note (which leaves the row alone) writes none — and the
// lists' counters moved by as much.
func (s *Store) queueWrites(before *collab.Case, after collab.Case) []txItem {
	var old []queueItem
	if before != nil {
		old = caseQueueItems(*before)
	}
	now := caseQueueItems(after)
	find := func(its []queueItem, it queueItem) int {
		return slices.IndexFunc(its, func(o queueItem) bool { return o.PK == it.PK && o.SK == it.SK })
	}
	var out []txItem
	for _, it := range old {
		if find(now, it) < 0 {
			out = append(out, s.remove(key(it.PK, it.SK), "", nil, nil))
		}
	}
	for _, it := range now {
		if i := find(old, it); i < 0 || old[i].Row != it.Row {
			out = append(out, s.put(marshal(it), "", nil, nil, nil))
		}
	}
	return append(out, s.countWrites(countDeltas(old, now))...)
}
func caseQueueItems(c collab.Case) []queueItem {
	var out []queueItem
	for _, e := range collab.QueueEntries(c) {
		out = append(out, queueEntryItem(e))
	}
	for _, e := range collab.SearchEntries(c) {
		out = append(out, searchEntryItem(e))
	}
	return out
}
