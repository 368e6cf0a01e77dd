package api

import (
	"context"
	"net/http"

	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/router"
)

// configurationView is a validated configuration in the API.
type configurationView struct {
	ID             string             `json:"id"`
	ProgramID      string             `json:"programId"`
	MemberID       string             `json:"memberId"`
	MemberName     string             `json:"memberName"`
	PartnerProduct string             `json:"partnerProduct"`
	PartnerVersion string             `json:"partnerVersion"`
	HostProduct    string             `json:"hostProduct"`
	HostVersions   []string           `json:"hostVersions"`
	Notes          string             `json:"notes"`
	SupportURL     string             `json:"supportUrl"`
	Status         marketplace.Status `json:"status"`
	Reason         string             `json:"reason,omitempty"`
	SubmittedBy    string             `json:"submittedBy"`
	CreatedAt      string             `json:"createdAt"`
	UpdatedAt      string             `json:"updatedAt"`
	DecidedAt      *string            `json:"decidedAt,omitempty"`
	Version        int                `json:"version"`
}

func viewConfiguration(c marketplace.Configuration) configurationView {
	return configurationView{
		ID: c.ID, ProgramID: c.ProgramID, MemberID: c.MemberID, MemberName: c.MemberName, PartnerProduct: c.PartnerProduct,
		PartnerVersion: c.PartnerVersion, HostProduct: c.HostProduct, HostVersions: c.HostVersions, Notes: c.Notes, SupportURL: c.SupportURL,
		Status: c.Status, Reason: c.Reason, SubmittedBy: c.SubmittedBy, CreatedAt: ts(c.CreatedAt), UpdatedAt: ts(c.UpdatedAt),
		DecidedAt: tsPtr(c.DecidedAt), Version: c.Version,
	}
}

func (s *Server) submitConfiguration(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in marketplace.Input
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	c, err := s.Marketplace.Submit(ctx, r.Principal, r.Param("id"), in, r.Claim)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusCreated, viewConfiguration(c)), nil
}

func (s *Server) listConfigurations(ctx context.Context, r *router.Request) (*router.Response, error) {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return nil, err
	}
	cs, next, err := s.Marketplace.List(ctx, r.Principal, r.Param("id"), marketplace.Status(r.Query.Get("status")), limit, cursor)
	if err != nil {
		return nil, err
	}
	out := make([]configurationView, 0, len(cs))
	for _, c := range cs {
		out = append(out, viewConfiguration(c))
	}
	return router.JSON(http.StatusOK, listOf(out, next)), nil
}

func (s *Server) approveConfiguration(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in versionBody
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	return s.decideConfiguration(ctx, r, marketplace.Approve, "", in.Version)
}

func (s *Server) rejectConfiguration(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in reasonBody
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	return s.decideConfiguration(ctx, r, marketplace.Reject, in.Reason, in.Version)
}

func (s *Server) decideConfiguration(ctx context.Context, r *router.Request, a marketplace.Action, reason string, version *int) (*router.Response, error) {
	c, err := s.Marketplace.Decide(ctx, r.Principal, r.Param("id"), a, reason, version)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewConfiguration(c)), nil
}

func (s *Server) configurationEvents(ctx context.Context, r *router.Request) (*router.Response, error) {
	return timeline(r, func(limit int, cursor string) ([]audit.Event, string, error) {
		return s.Marketplace.Events(ctx, r.Principal, r.Param("id"), limit, cursor)
	})
}
