package api

import (
	"context"
	"net/http"

	"github.com/tandemhq/tandem/shared/router"
)

// confirmationsView answers a resend: the addresses mailed again.
type confirmationsView struct {
	Sent []string `json:"sent"`
}

// resendDepartmentConfirmations serves POST /v1/departments/{id}/confirmations.
func (s *Server) resendDepartmentConfirmations(ctx context.Context, r *router.Request) (*router.Response, error) {
	if err := decodeEmpty(r); err != nil {
		return nil, err
	}
	sent, err := s.Departments.Resend(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusAccepted, confirmationsView{Sent: sent}), nil
}

// resendMemberConfirmations serves POST /v1/members/{id}/confirmations.
func (s *Server) resendMemberConfirmations(ctx context.Context, r *router.Request) (*router.Response, error) {
	if err := decodeEmpty(r); err != nil {
		return nil, err
	}
	sent, err := s.Members.ResendConfirmations(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusAccepted, confirmationsView{Sent: sent}), nil
}

// decodeEmpty accepts an empty body or an empty JSON object.
func decodeEmpty(r *router.Request) error {
	var none struct{}
	return router.Decode(r, &none)
}
