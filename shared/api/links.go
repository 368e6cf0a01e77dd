package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/web"
)

func message(status int, title, msg string, bad bool, b *web.Brand) *router.Response {
	return router.Page(status, web.MessagePage(title, b, msg, bad))
}

// decisionPage serves GET /h/{token}: a host's one-click link shows what it
// would do and asks for confirmation; opening it changes nothing.
func (s *Server) decisionPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	d, err := s.Enrollments.LookupDecision(ctx, r.Param("token"))
	if err != nil {
		return nil, err
	}
	return s.renderDecision(d, r.Param("token")), nil
}

// decisionData is what a one-click link's confirmation page shows.
func decisionData(d enrollment.Decision, token string) web.DecisionData {
	e := d.Enrollment
	out := web.DecisionData{
		Done: d.Done, Token: token, ProgramName: d.Program.Name, HostName: d.Program.HostName, MemberName: e.MemberName,
		Company: e.Company.Name, Website: e.Company.Website, Country: e.Company.Country, Email: e.Email,
		Primary: enrollment.ContactLine(e.Contacts.Primary), Billing: enrollment.ContactLine(e.Contacts.Billing),
		Created: e.CreatedAt.UTC().Format("2 January 2006"),
		Approve: d.Action == enrollment.Approve || d.Action == enrollment.ConfirmConsent,
	}
	if p := e.Proposal; p != nil {
		out.Inbound = p.Inbound.Email + ", " + p.Inbound.Phone + "; hours " + enrollment.HoursLine(p.Inbound.Hours)
		out.WebhookURL = p.Inbound.WebhookURL
	}
	return out
}

func (s *Server) renderDecision(d enrollment.Decision, token string) *router.Response {
	return router.Page(http.StatusOK, web.HostDecisionPage(web.BrandOf(d.Program), decisionData(d, token)))
}

// decisionForm serves POST /h/{token}: the confirmation acts.
func (s *Server) decisionForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	form, err := url.ParseQuery(string(r.Body))
	if err != nil {
		return nil, apperr.Malformed("the form could not be read")
	}
	e, err := s.Enrollments.Decide(ctx, r.Param("token"), form.Get("reason"))
	if errors.Is(err, apperr.ErrConflict) {
		d, lerr := s.Enrollments.LookupDecision(ctx, r.Param("token"))
		if lerr != nil {
			return nil, err
		}
		return s.renderDecision(d, r.Param("token")), nil
	}
	if err != nil {
		return nil, err
	}
	msg := "Rejected. The partner was told why."
	if e.Status == enrollment.Validating {
		msg = "Approved. The validation test case is on its way to the partner's support process."
	}
	return message(http.StatusOK, "Done", msg, false, nil), nil
}

// consentPage serves GET /m/{token}: an existing member's admin sees the
// sign-up made in its name and confirms or declines it; opening the link
// changes nothing.
func (s *Server) consentPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	c, err := s.Enrollments.LookupConsent(ctx, r.Param("token"))
	if err != nil {
		return nil, err
	}
	return s.renderConsent(c, r.Param("token")), nil
}

func (s *Server) renderConsent(c enrollment.Decision, token string) *router.Response {
	return router.Page(http.StatusOK, web.ConsentPage(web.BrandOf(c.Program), decisionData(c, token)))
}

// consentForm serves POST /m/{token}: the confirmation acts, once.
func (s *Server) consentForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	e, err := s.Enrollments.DecideConsent(ctx, r.Param("token"))
	if errors.Is(err, apperr.ErrConflict) {
		c, lerr := s.Enrollments.LookupConsent(ctx, r.Param("token"))
		if lerr != nil {
			return nil, err
		}
		return s.renderConsent(c, r.Param("token")), nil
	}
	if err != nil {
		return nil, err
	}
	msg := "Declined. Nothing was set up in " + e.MemberName + ", and the person who signed up was told."
	if e.Status != enrollment.Rejected {
		msg = "Confirmed. The sign-up joins " + e.MemberName + " and goes on to the program's host for approval."
		if e.Status == enrollment.Validating {
			msg = "Confirmed. The sign-up joins " + e.MemberName + "; the validation test case is on its way to its support process."
		}
	}
	return message(http.StatusOK, "Done", msg, false, nil), nil
}

// validationPage serves GET /v/{token}: the test case's acknowledgement page.
func (s *Server) validationPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	v, err := s.Enrollments.LookupValidation(ctx, r.Param("token"))
	if err != nil {
		return nil, err
	}
	return router.Page(http.StatusOK, web.ValidationPage(web.BrandOf(v.Program), v.Done, r.Param("token"), v.Enrollment.Company.Name, v.Program.Name)), nil
}

// validationForm serves POST /v/{token}.
func (s *Server) validationForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	e, err := s.Enrollments.Acknowledge(ctx, r.Param("token"))
	if errors.Is(err, apperr.ErrConflict) {
		return s.validationPage(ctx, r)
	}
	if err != nil {
		return nil, err
	}
	msg := "Thank you: your support process is validated. You are live; your primary contact receives the API credentials by mail."
	if e.Status == enrollment.AwaitingPayment {
		msg = "Thank you: your support process is validated. You go live as soon as the membership invoice is paid."
	}
	return message(http.StatusOK, "Test case acknowledged", msg, false, nil), nil
}

// credentialPage serves GET /c/{token}: the claim page (claiming is a POST,
// so a mail scanner opening the link claims nothing).
func (s *Server) credentialPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	c, err := s.Enrollments.LookupCredential(ctx, r.Param("token"))
	if err != nil {
		return nil, err
	}
	return router.Page(http.StatusOK, web.CredentialPage(web.BrandOf(c.Program), web.CredentialData{
		Done: c.Done, Link: r.Param("token"), Company: c.Enrollment.Company.Name, ProgramName: c.Program.Name, Name: c.Name,
	})), nil
}

// credentialForm serves POST /c/{token}: shows the token once.
func (s *Server) credentialForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	claimed, err := s.Enrollments.ClaimCredential(ctx, r.Param("token"))
	if errors.Is(err, apperr.ErrConflict) {
		return s.credentialPage(ctx, r)
	}
	if err != nil {
		return nil, err
	}
	return router.Page(http.StatusOK, web.CredentialPage(nil, web.CredentialData{APIToken: claimed.Token, UserID: claimed.UserID, MemberID: claimed.MemberID})), nil
}
