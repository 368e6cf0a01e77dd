package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/web"
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

// pendingConfirmation reads what a confirmation link asks.
func (s *Server) pendingConfirmation(ctx context.Context, token string) (confirmation.Token, confirmation.Pending, error) {
	t, err := s.Confirmations.Verify(token, s.Now())
	if err != nil {
		return t, confirmation.Pending{}, err
	}
	var p confirmation.Pending
	if t.Owner == confirmation.Department {
		p, err = s.Departments.Confirmation(ctx, t.OwnerID, t.AddressTag)
	} else {
		p, err = s.Members.Confirmation(ctx, t.OwnerID, t.AddressTag)
	}
	return t, p, err
}

// addressConfirmPage serves GET /e/{token}: what the link confirms, and a
// button (opening the link confirms nothing: mail scanners open links).
func (s *Server) addressConfirmPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	token := r.Param("token")
	_, p, err := s.pendingConfirmation(ctx, token)
	if err != nil {
		return confirmProblem(err)
	}
	d := web.AddressConfirmData{Token: token, Address: p.Address, MemberName: p.MemberName, What: p.What}
	if p.Confirmed {
		d.Done = p.Address + " is confirmed: it receives " + p.What + "."
	}
	return router.Page(http.StatusOK, web.AddressConfirmPage(d)), nil
}

// addressConfirmForm serves POST /e/{token}: the address is confirmed.
func (s *Server) addressConfirmForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	token := r.Param("token")
	t, p, err := s.pendingConfirmation(ctx, token)
	if err != nil {
		return confirmProblem(err)
	}
	if t.Owner == confirmation.Department {
		_, _, err = s.Departments.ConfirmAddress(ctx, t.OwnerID, t.AddressTag)
	} else {
		_, _, err = s.Members.ConfirmAddress(ctx, t.OwnerID, t.AddressTag)
	}
	if err != nil {
		return confirmProblem(err)
	}
	return router.Page(http.StatusOK, web.AddressConfirmPage(web.AddressConfirmData{
		Address: p.Address, MemberName: p.MemberName, What: p.What,
		Done: "Thank you: " + p.Address + " is confirmed. It receives " + p.What + ".",
	})), nil
}

// confirmProblem shows an expired or outdated link on the link's own page;
// anything else is the error page.
func confirmProblem(err error) (*router.Response, error) {
	if errors.Is(err, apperr.ErrConflict) {
		msg, _, _ := apperr.Public(err)
		return router.Page(http.StatusConflict, web.AddressConfirmPage(web.AddressConfirmData{Done: msg, Bad: true})), nil
	}
	return nil, err
}
