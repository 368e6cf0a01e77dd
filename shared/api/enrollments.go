package api

import (
	"context"
	"net/http"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/router"
)

type enrollmentView struct {
	ID           string                `json:"id"`
	ProgramID    string                `json:"programId"`
	MemberID     string                `json:"memberId"`
	HostMemberID string                `json:"hostMemberId"`
	Status       enrollment.Status     `json:"status"`
	Email        string                `json:"email"`
	Company      enrollment.Company    `json:"company"`
	Contacts     enrollment.Contacts   `json:"contacts"`
	DepartmentID string                `json:"departmentId"`
	Addendum     enrollment.Acceptance `json:"addendum"`
	// AddendumAsked is the newer addendum version the partner was mailed
	// to accept, and when (absent until the program's addendum changes).
	AddendumAsked       string               `json:"addendumAsked,omitempty"`
	AddendumAskedAt     *string              `json:"addendumAskedAt,omitempty"`
	Payment             string               `json:"payment"`
	Paid                bool                 `json:"paid"`
	ExistingMember      bool                 `json:"existingMember"`
	Proposal            *enrollment.Proposal `json:"proposal,omitempty"`
	MembershipInvoiceID string               `json:"membershipInvoiceId,omitempty"`
	Reason              string               `json:"reason,omitempty"`
	GoLiveAt            *string              `json:"goLiveAt,omitempty"`
	RenewalDate         *string              `json:"renewalDate,omitempty"`
	CreatedAt           string               `json:"createdAt"`
	UpdatedAt           string               `json:"updatedAt"`
	Version             int                  `json:"version"`
}

func viewEnrollment(e enrollment.Enrollment) enrollmentView {
	pay := "member"
	if e.HostPaid {
		pay = "host"
	}
	return enrollmentView{
		ID: e.ID, ProgramID: e.ProgramID, MemberID: e.MemberID, HostMemberID: e.HostMemberID, Status: e.Status, Email: e.Email,
		Company: e.Company, Contacts: e.Contacts, DepartmentID: e.DepartmentID, Addendum: e.Addendum, Payment: pay,
		AddendumAsked: e.AddendumAsked, AddendumAskedAt: tsPtr(e.AddendumAskedAt),
		Paid: e.Paid, ExistingMember: e.ExistingMember, Proposal: e.Proposal, MembershipInvoiceID: e.MembershipInvoiceID, Reason: e.Reason, GoLiveAt: tsPtr(e.GoLiveAt),
		RenewalDate: tsPtr(e.RenewalDate), CreatedAt: ts(e.CreatedAt), UpdatedAt: ts(e.UpdatedAt), Version: e.Version,
	}
}

func (s *Server) listEnrollments(ctx context.Context, r *router.Request) (*router.Response, error) {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return nil, err
	}
	var items []enrollment.Enrollment
	var next string
	switch r.Query.Get("addendum") {
	case "":
		items, next, err = s.Enrollments.List(ctx, r.Principal, r.Param("id"), enrollment.Status(r.Query.Get("status")), limit, cursor)
	case "outstanding": // every partner yet to accept the current version, in one answer
		items, _, err = s.Enrollments.Outstanding(ctx, r.Principal, r.Param("id"))
	default:
		err = apperr.InvalidField("addendum", "must be outstanding (the partners yet to accept the current version)")
	}
	if err != nil {
		return nil, err
	}
	out := make([]enrollmentView, 0, len(items))
	for _, e := range items {
		out = append(out, viewEnrollment(e))
	}
	return router.JSON(http.StatusOK, listOf(out, next)), nil
}

func (s *Server) getEnrollment(ctx context.Context, r *router.Request) (*router.Response, error) {
	e, err := s.Enrollments.Get(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewEnrollment(e)), nil
}

func (s *Server) enrollmentEvents(ctx context.Context, r *router.Request) (*router.Response, error) {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return nil, err
	}
	items, next, err := s.Enrollments.Events(ctx, r.Principal, r.Param("id"), limit, cursor)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []enrollment.Event{}
	}
	type eventView struct {
		ID     string `json:"id"`
		At     string `json:"at"`
		Actor  string `json:"actor"`
		Action string `json:"action"`
		From   string `json:"from,omitempty"`
		To     string `json:"to"`
		Reason string `json:"reason,omitempty"`
	}
	out := make([]eventView, 0, len(items))
	for _, ev := range items {
		out = append(out, eventView{ID: ev.ID, At: ts(ev.At), Actor: ev.Actor, Action: string(ev.Action), From: string(ev.From), To: string(ev.To), Reason: ev.Reason})
	}
	return router.JSON(http.StatusOK, listOf(out, next)), nil
}

type versionBody struct {
	Version *int `json:"version,omitempty"`
}

type reasonBody struct {
	Reason  string `json:"reason"`
	Version *int   `json:"version,omitempty"`
}

type consentBody struct {
	Decision string `json:"decision"`
	Version  *int   `json:"version,omitempty"`
}

// memberConsent serves POST /v1/enrollments/{id}/member-consent: an
// existing member's admins confirm or decline a sign-up made in its name.
func (s *Server) memberConsent(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in consentBody
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	e, err := s.Enrollments.Consent(ctx, r.Principal, r.Param("id"), in.Decision, in.Version)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewEnrollment(e)), nil
}

func (s *Server) approveEnrollment(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in versionBody
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	e, err := s.Enrollments.Approve(ctx, r.Principal, r.Param("id"), in.Version)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewEnrollment(e)), nil
}

func (s *Server) rejectEnrollment(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in reasonBody
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	e, err := s.Enrollments.Reject(ctx, r.Principal, r.Param("id"), in.Reason, in.Version)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewEnrollment(e)), nil
}

func (s *Server) recordValidation(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in struct {
		Outcome enrollment.Outcome `json:"outcome"`
		Note    string             `json:"note"`
		Version *int               `json:"version,omitempty"`
	}
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	e, err := s.Enrollments.RecordValidation(ctx, r.Principal, r.Param("id"), in.Outcome, in.Note, in.Version)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewEnrollment(e)), nil
}

func (s *Server) resendValidation(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in struct{}
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	e, err := s.Enrollments.Resend(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewEnrollment(e)), nil
}

func (s *Server) removeEnrollment(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in reasonBody
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	e, err := s.Enrollments.Remove(ctx, r.Principal, r.Param("id"), in.Reason, in.Version)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewEnrollment(e)), nil
}

func (s *Server) acknowledgeValidation(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in struct{}
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	e, err := s.Enrollments.Acknowledge(ctx, r.Param("token"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, map[string]string{"enrollmentId": e.ID, "status": string(e.Status)}), nil
}

func (s *Server) claimCredential(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in struct{}
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	c, err := s.Enrollments.ClaimCredential(ctx, r.Param("token"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusCreated, map[string]string{"userId": c.UserID, "memberId": c.MemberID, "token": c.Token}), nil
}

type invoiceView struct {
	ID           string         `json:"id"`
	MemberID     string         `json:"memberId"`
	ProgramID    string         `json:"programId"`
	EnrollmentID string         `json:"enrollmentId,omitempty"`
	Kind         billing.Kind   `json:"kind"`
	PeriodStart  string         `json:"periodStart"`
	PeriodEnd    string         `json:"periodEnd"`
	Lines        []billing.Line `json:"lines"`
	TotalCents   int64          `json:"totalCents"`
	Currency     string         `json:"currency"`
	Status       billing.Status `json:"status"`
	IssuedAt     string         `json:"issuedAt"`
	DueAt        string         `json:"dueAt"`
	PaidAt       *string        `json:"paidAt,omitempty"`
	PaymentRef   string         `json:"paymentReference,omitempty"`
	PaidCents    int64          `json:"paidCents,omitempty"`
	CreatedAt    string         `json:"createdAt"`
	UpdatedAt    string         `json:"updatedAt"`
	Version      int            `json:"version"`
}

func viewInvoice(i billing.Invoice) invoiceView {
	return invoiceView{
		ID: i.ID, MemberID: i.MemberID, ProgramID: i.ProgramID, EnrollmentID: i.EnrollmentID, Kind: i.Kind,
		PeriodStart: i.PeriodStart, PeriodEnd: i.PeriodEnd, Lines: i.Lines, TotalCents: i.TotalCents, Currency: i.Currency,
		Status: i.Status, IssuedAt: ts(i.IssuedAt), DueAt: ts(i.DueAt), PaidAt: tsPtr(i.PaidAt), PaymentRef: i.PaymentRef,
		PaidCents: i.PaidCents, CreatedAt: ts(i.CreatedAt), UpdatedAt: ts(i.UpdatedAt), Version: i.Version,
	}
}

func (s *Server) listInvoices(ctx context.Context, r *router.Request) (*router.Response, error) {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return nil, err
	}
	items, next, err := s.Invoices.List(ctx, r.Principal, r.Query.Get("memberId"), limit, cursor)
	if err != nil {
		return nil, err
	}
	out := make([]invoiceView, 0, len(items))
	for _, i := range items {
		out = append(out, viewInvoice(i))
	}
	return router.JSON(http.StatusOK, listOf(out, next)), nil
}

func (s *Server) getInvoice(ctx context.Context, r *router.Request) (*router.Response, error) {
	inv, err := s.Invoices.Get(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewInvoice(inv)), nil
}

func (s *Server) payInvoice(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in struct {
		Reference   string `json:"reference"`
		AmountCents int64  `json:"amountCents"`
	}
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	inv, err := s.Enrollments.PayInvoice(ctx, r.Principal, r.Param("id"), in.Reference, in.AmountCents)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewInvoice(inv)), nil
}
