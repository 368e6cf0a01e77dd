package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/router"
)

type departmentView struct {
	ID              string             `json:"id"`
	MemberID        string             `json:"memberId"`
	Name            string             `json:"name"`
	ProgramIDs      []string           `json:"programIds"`
	Inbound         department.Inbound `json:"inbound"`
	Form            form.Form          `json:"form"`
	WebhookDisabled bool               `json:"webhookDisabled,omitempty"`
	Unreachable     *unreachableView   `json:"unreachable,omitempty"`
	// InboundConfirmed and EscalationConfirmed: the addresses' owners
	// confirmed they take the department's mail; until then Tandem mails
	// them nothing (cases still arrive in the console, API and webhook).
	InboundConfirmed    bool   `json:"inboundConfirmed"`
	EscalationConfirmed bool   `json:"escalationConfirmed"`
	CreatedAt           string `json:"createdAt"`
	UpdatedAt           string `json:"updatedAt"`
	Version             int    `json:"version"`
}

func viewDepartment(d department.Department) departmentView {
	ids := d.ProgramIDs
	if ids == nil {
		ids = []string{}
	}
	if d.Form.Fields == nil {
		d.Form.Fields = []form.Field{}
	}
	return departmentView{ID: d.ID, MemberID: d.MemberID, Name: d.Name, ProgramIDs: ids, Inbound: d.Inbound, Form: d.Form,
		WebhookDisabled: d.WebhookDisabled, Unreachable: viewUnreachable(d.Unreachable),
		InboundConfirmed: d.InboundConfirmed(), EscalationConfirmed: d.EscalationConfirmed(),
		CreatedAt: ts(d.CreatedAt), UpdatedAt: ts(d.UpdatedAt), Version: d.Version}
}

// unreachableView says the department's mailbox bounced or complained.
type unreachableView struct {
	Address string `json:"address"`
	Reason  string `json:"reason"`
	Since   string `json:"since"`
}

func viewUnreachable(u *department.Unreachable) *unreachableView {
	if u == nil {
		return nil
	}
	return &unreachableView{Address: u.Address, Reason: u.Reason, Since: ts(u.Since)}
}

func (s *Server) createDepartment(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in department.Input
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	d, err := s.Departments.Create(ctx, r.Principal, r.Param("id"), in, r.Claim)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusCreated, viewDepartment(d)), nil
}

func (s *Server) listDepartments(ctx context.Context, r *router.Request) (*router.Response, error) {
	ds, err := s.Departments.List(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	out := make([]departmentView, 0, len(ds))
	for _, d := range ds {
		out = append(out, viewDepartment(d))
	}
	return router.JSON(http.StatusOK, listOf(out, "")), nil
}

func (s *Server) getDepartment(ctx context.Context, r *router.Request) (*router.Response, error) {
	d, err := s.Departments.Get(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewDepartment(d)), nil
}

func (s *Server) patchDepartment(ctx context.Context, r *router.Request) (*router.Response, error) {
	var pt department.Patch
	if err := router.Decode(r, &pt); err != nil {
		return nil, err
	}
	d, err := s.Departments.Update(ctx, r.Principal, r.Param("id"), pt)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewDepartment(d)), nil
}

// importHolidays serves POST /v1/departments/{id}/holidays: an iCalendar's
// all-day events become the department's holidays.
func (s *Server) importHolidays(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in struct {
		ICal    string `json:"ical"`
		Version *int   `json:"version,omitempty"`
	}
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	d, err := s.Departments.ImportHolidays(ctx, r.Principal, r.Param("id"), in.ICal, in.Version)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewDepartment(d)), nil
}

func (s *Server) patchUser(ctx context.Context, r *router.Request) (*router.Response, error) {
	var pt member.UserPatch
	if err := router.Decode(r, &pt); err != nil {
		return nil, err
	}
	u, err := s.Members.UpdateUser(ctx, r.Principal, r.Param("id"), r.Param("userId"), pt)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewUser(u)), nil
}

type directoryDepartment struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Programs []string  `json:"programs"`
	Form     form.Form `json:"form"`
	Hours    any       `json:"hours"`
	// Unreachable: mail to the department bounced; cases still open, but
	// reach it by phone or webhook.
	Unreachable *unreachableView `json:"unreachable,omitempty"`
	// InboundConfirmed: the department's address takes mail; until its
	// owner confirms it, the case reaches the department in Tandem only.
	InboundConfirmed bool `json:"inboundConfirmed"`
}

type directoryEntry struct {
	MemberID    string                `json:"memberId"`
	Name        string                `json:"name"`
	Kind        string                `json:"kind"`
	Programs    []map[string]string   `json:"programs"`
	ViaFull     bool                  `json:"viaFullMembership"`
	Departments []directoryDepartment `json:"departments"`
}

func (s *Server) directory(ctx context.Context, r *router.Request) (*router.Response, error) {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return nil, err
	}
	entries, next, err := s.Cases.Directory(ctx, r.Principal, r.Query.Get("q"), limit, cursor)
	if err != nil {
		return nil, err
	}
	out := make([]directoryEntry, 0, len(entries))
	for _, e := range entries {
		de := directoryEntry{MemberID: e.MemberID, Name: e.Name, Kind: string(e.Kind), ViaFull: e.ViaFull,
			Programs: []map[string]string{}, Departments: []directoryDepartment{}}
		for _, v := range e.Programs {
			de.Programs = append(de.Programs, map[string]string{"id": v.ProgramID, "name": v.ProgramName, "type": string(v.Type)})
		}
		for _, d := range e.Departments {
			progs := d.ProgramIDs
			if progs == nil {
				progs = []string{}
			}
			de.Departments = append(de.Departments, directoryDepartment{ID: d.ID, Name: d.Name, Programs: progs, Form: d.Form, Hours: d.Inbound.Hours,
				Unreachable: viewUnreachable(d.Unreachable), InboundConfirmed: d.InboundConfirmed()})
		}
		out = append(out, de)
	}
	return router.JSON(http.StatusOK, listOf(out, next)), nil
}

type caseView struct {
	ID                  string           `json:"id"`
	Ref                 string           `json:"ref,omitempty"`
	ProgramID           string           `json:"programId,omitempty"`
	ProgramName         string           `json:"programName"`
	SubmitterMemberID   string           `json:"submitterMemberId"`
	SubmitterName       string           `json:"submitterName"`
	SubmitterUserID     string           `json:"submitterUserId"`
	ReceiverMemberID    string           `json:"receiverMemberId"`
	ReceiverName        string           `json:"receiverName"`
	DepartmentID        string           `json:"departmentId"`
	Priority            string           `json:"priority"`
	Summary             string           `json:"summary"`
	Description         string           `json:"description"`
	Customer            *collab.Customer `json:"customer,omitempty"`
	SubmitterCaseNumber string           `json:"submitterCaseNumber,omitempty"`
	ReceiverCaseNumber  string           `json:"receiverCaseNumber,omitempty"`
	Fields              map[string]any   `json:"fields"`
	BusinessImpact      string           `json:"businessImpact,omitempty"`
	NoteToManager       string           `json:"noteToManager,omitempty"`
	Engineer            *member.Contact  `json:"engineer,omitempty"`
	Status              collab.Status    `json:"status"`
	ResponseDueAt       string           `json:"responseDueAt"`
	RespondedAt         *string          `json:"respondedAt,omitempty"`
	EscalationLevel     int              `json:"escalationLevel"`
	Resolution          string           `json:"resolution,omitempty"`
	CreatedAt           string           `json:"createdAt"`
	UpdatedAt           string           `json:"updatedAt"`
	Version             int              `json:"version"`
	// Assignee is who works on the case on the caller's side.
	Assignee *assigneeView `json:"assignee,omitempty"`
}

type assigneeView struct {
	UserID string `json:"userId"`
	Name   string `json:"name"`
}

// viewCaseFor is c as p sees it: with the assignee of p's side.
func viewCaseFor(p auth.Principal, c collab.Case) caseView {
	v := viewCase(c)
	if a := c.AssigneeOf(collab.SideOf(p, c)); a != nil {
		v.Assignee = &assigneeView{UserID: a.UserID, Name: a.Name}
	}
	return v
}

func viewCase(c collab.Case) caseView {
	fields := c.Fields
	if fields == nil {
		fields = map[string]any{}
	}
	return caseView{
		ID: c.ID, Ref: c.Ref, ProgramID: c.ProgramID, ProgramName: c.ProgramName, SubmitterMemberID: c.SubmitterMemberID, SubmitterName: c.SubmitterName,
		SubmitterUserID: c.SubmitterUserID, ReceiverMemberID: c.ReceiverMemberID, ReceiverName: c.ReceiverName, DepartmentID: c.DepartmentID,
		Priority: string(c.Priority), Summary: c.Summary, Description: c.Description, Customer: c.Customer,
		SubmitterCaseNumber: c.SubmitterCaseNumber, ReceiverCaseNumber: c.ReceiverCaseNumber, Fields: fields,
		BusinessImpact: c.BusinessImpact, NoteToManager: c.NoteToManager, Engineer: c.Engineer, Status: c.Status,
		ResponseDueAt: ts(c.ResponseDueAt), RespondedAt: tsPtr(c.RespondedAt), EscalationLevel: c.EscalationLevel,
		Resolution: c.Resolution, CreatedAt: ts(c.CreatedAt), UpdatedAt: ts(c.UpdatedAt), Version: c.Version,
	}
}

// decodeCase reads a new case keeping numbers exact for form validation.
func decodeCase(r *router.Request) (collab.NewCase, error) {
	var in collab.NewCase
	if err := router.Decode(r, &in); err != nil {
		return in, err
	}
	return in, nil
}

func (s *Server) openCase(ctx context.Context, r *router.Request) (*router.Response, error) {
	in, err := decodeCase(r)
	if err != nil {
		return nil, err
	}
	c, err := s.Cases.Open(ctx, r.Principal, in, r.Claim)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusCreated, viewCase(c)), nil
}

// listCases is the caller's inbox or outbox (box, status), or with a view
// or a search (view, q) its queue, and the count of each view when asked
// (counts=true).
func (s *Server) listCases(ctx context.Context, r *router.Request) (*router.Response, error) {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return nil, err
	}
	box, view, q, status := collab.Box(r.Query.Get("box")), collab.View(r.Query.Get("view")), r.Query.Get("q"), collab.Status(r.Query.Get("status"))
	withCounts := false
	switch v := r.Query.Get("counts"); v {
	case "", "false":
	case "true":
		withCounts = true
	default:
		return nil, apperr.InvalidField("counts", "is true or false")
	}
	// The counts are read beside the page, not after it.
	var counts map[collab.View]int
	var countErr error
	counted := make(chan struct{})
	go func() {
		defer close(counted)
		if withCounts {
			counts, countErr = s.Cases.QueueCounts(ctx, r.Principal, box)
		}
	}()
	defer func() { <-counted }()
	var items []collab.Case
	var next string
	switch {
	case (view != "" || q != "") && status != "":
		return nil, apperr.InvalidField("status", "narrows the inbox or outbox; with a view or q, leave it out (view=closed, view=open…)")
	case view != "" || q != "":
		items, next, err = s.Cases.Queue(ctx, r.Principal, collab.QueueRequest{Box: box, View: view, Q: q, Limit: limit, Cursor: cursor})
	default:
		items, next, err = s.Cases.List(ctx, r.Principal, box, status, limit, cursor)
	}
	if err != nil {
		return nil, err
	}
	out := queueView{List: listOf(make([]caseView, 0, len(items)), next)}
	for _, c := range items {
		out.Items = append(out.Items, viewCaseFor(r.Principal, c))
	}
	if withCounts {
		<-counted
		if countErr != nil {
			return nil, countErr
		}
		out.Counts = map[string]int{}
		for v, n := range counts {
			out.Counts[string(v)] = n
		}
	}
	return router.JSON(http.StatusOK, out), nil
}

// queueView is a page of cases with, when asked, the count of each view.
type queueView struct {
	List[caseView]
	Counts map[string]int `json:"counts,omitempty"`
}

// assignCase names who works on the case on the caller's side.
func (s *Server) assignCase(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in struct {
		UserID json.RawMessage `json:"userId"`
	}
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	// Absent and null differ: null unassigns.
	var userID *string
	if len(in.UserID) == 0 || (string(in.UserID) != "null" && json.Unmarshal(in.UserID, &userID) != nil) {
		return nil, apperr.InvalidField("userId", "is required: the id of a user of your company (usr_…), or null to unassign")
	}
	c, err := s.Cases.Assign(ctx, r.Principal, r.Param("id"), userID, r.Claim)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewCaseFor(r.Principal, c)), nil
}

func (s *Server) getCase(ctx context.Context, r *router.Request) (*router.Response, error) {
	c, err := s.Cases.Get(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewCaseFor(r.Principal, c)), nil
}

func (s *Server) caseEvents(ctx context.Context, r *router.Request) (*router.Response, error) {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return nil, err
	}
	items, next, err := s.Cases.Events(ctx, r.Principal, r.Param("id"), limit, cursor)
	if err != nil {
		return nil, err
	}
	type eventView struct {
		ID       string `json:"id"`
		At       string `json:"at"`
		Actor    string `json:"actor"`
		MemberID string `json:"memberId,omitempty"`
		Side     string `json:"side,omitempty"`
		Action   string `json:"action"`
		From     string `json:"from,omitempty"`
		To       string `json:"to"`
		Text     string `json:"text,omitempty"`
		Level    int    `json:"level,omitempty"`
	}
	out := make([]eventView, 0, len(items))
	for _, ev := range items {
		out = append(out, eventView{ID: ev.ID, At: ts(ev.At), Actor: ev.Actor, MemberID: ev.MemberID, Side: string(ev.Side),
			Action: string(ev.Action), From: string(ev.From), To: string(ev.To), Text: ev.Text, Level: ev.Level})
	}
	return router.JSON(http.StatusOK, listOf(out, next)), nil
}

// caseAction decodes an action's body into a collab.Act.
func (s *Server) caseAction(action collab.Action) router.Handler {
	return func(ctx context.Context, r *router.Request) (*router.Response, error) {
		act, err := DecodeAct(action, r.Body)
		if err != nil {
			return nil, err
		}
		c, err := s.Cases.Do(ctx, r.Principal, r.Param("id"), act, r.Claim)
		if err != nil {
			return nil, err
		}
		return router.JSON(http.StatusOK, viewCase(c)), nil
	}
}

// DecodeAct reads the body of a case action (the API and webhooks share it).
func DecodeAct(action collab.Action, body []byte) (collab.Act, error) {
	r := &router.Request{Body: body}
	act := collab.Act{Action: action}
	switch action {
	case collab.Accept:
		var in struct {
			ReceiverCaseNumber string          `json:"receiverCaseNumber"`
			Engineer           *member.Contact `json:"engineer"`
			Version            *int            `json:"version,omitempty"`
		}
		if err := router.Decode(r, &in); err != nil {
			return act, err
		}
		act.ReceiverCaseNumber, act.Engineer, act.Version = in.ReceiverCaseNumber, in.Engineer, in.Version
	case collab.RequestInfo:
		var in struct {
			Question string `json:"question"`
			Version  *int   `json:"version,omitempty"`
		}
		if err := router.Decode(r, &in); err != nil {
			return act, err
		}
		act.Text, act.Version = in.Question, in.Version
	case collab.Note:
		var in struct {
			Text    string `json:"text"`
			Version *int   `json:"version,omitempty"`
		}
		if err := router.Decode(r, &in); err != nil {
			return act, err
		}
		act.Text, act.Version = in.Text, in.Version
	case collab.Reject:
		var in struct {
			Reason  string `json:"reason"`
			Version *int   `json:"version,omitempty"`
		}
		if err := router.Decode(r, &in); err != nil {
			return act, err
		}
		act.Text, act.Version = in.Reason, in.Version
	case collab.Close:
		var in struct {
			Resolution string `json:"resolution"`
			Version    *int   `json:"version,omitempty"`
		}
		if err := router.Decode(r, &in); err != nil {
			return act, err
		}
		act.Text, act.Version = in.Resolution, in.Version
	}
	return act, nil
}
