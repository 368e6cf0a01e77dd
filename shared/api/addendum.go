package api

import (
	"context"
	"net/http"

	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/router"
)

// acceptAddendum serves POST /v1/enrollments/{id}/addendum: a partner
// admin accepts the program's current addendum version.
func (s *Server) acceptAddendum(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in enrollment.AcceptInput
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	e, err := s.Enrollments.AcceptAddendum(ctx, r.Principal, r.Param("id"), in, false)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewEnrollment(e)), nil
}
