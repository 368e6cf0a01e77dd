package api

import (
	"context"
	"net/http"

	"github.com/tandemhq/tandem/shared/registration"
	"github.com/tandemhq/tandem/shared/router"
)

type registrationBody struct {
	Email string `json:"email"`
}

// register serves POST /v1/programs/{slug}/registrations.
func (s *Server) register(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in registrationBody
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	if err := s.Registration.Register(ctx, r.Param("id"), in.Email, r.SourceIP); err != nil {
		return nil, err
	}
	return router.JSON(http.StatusAccepted, map[string]string{"status": "verification_sent"}), nil
}

type signupResult struct {
	EnrollmentID string `json:"enrollmentId"`
	MemberID     string `json:"memberId"`
	Status       string `json:"status"`
}

// signup serves POST /v1/signups.
func (s *Server) signup(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in registration.SignupInput
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	res, err := s.Registration.SignUp(ctx, in, s.CheckWebhookURL, r.Claim)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusCreated, signupResult{EnrollmentID: res.EnrollmentID, MemberID: res.MemberID, Status: string(res.Status)}), nil
}
