package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/web"
)

func message(status int, title, msg string, bad bool, b *web.Brand) *Response {
	return Page(status, "message", web.Page{Title: title, Brand: b, Data: map[string]any{"Message": msg, "Bad": bad}})
}

// decisionPage serves GET /h/{token}: a host's one-click link shows what it
// would do and asks for confirmation; opening it changes nothing.
func (s *Server) decisionPage(ctx context.Context, r *Request) (*Response, error) {
	d, err := s.Enrollments.LookupDecision(ctx, r.Param("token"))
	if err != nil {
		return nil, err
	}
	return s.renderDecision(d, r.Param("token")), nil
}

func (s *Server) renderDecision(d enrollment.Decision, token string) *Response {
	e := d.Enrollment
	title := "Confirm your decision"
	if d.Done != "" {
		title = "Already decided"
	}
	return Page(http.StatusOK, "decision", web.Page{Title: title, Brand: brand(d.Program), Data: map[string]string{
		"Done": d.Done, "Action": string(d.Action), "Token": token, "ProgramName": d.Program.Name,
		"Company": e.Company.Name, "Website": e.Company.Website, "Country": e.Company.Country, "Email": e.Email,
		"Primary": e.Contacts.Primary.Name + " <" + e.Contacts.Primary.Email + ">", "Created": e.CreatedAt.UTC().Format("2 January 2006"),
	}})
}

// decisionForm serves POST /h/{token}: the confirmation acts.
func (s *Server) decisionForm(ctx context.Context, r *Request) (*Response, error) {
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
func (s *Server) consentPage(ctx context.Context, r *Request) (*Response, error) {
	c, err := s.Enrollments.LookupConsent(ctx, r.Param("token"))
	if err != nil {
		return nil, err
	}
	return s.renderConsent(c, r.Param("token")), nil
}

func (s *Server) renderConsent(c enrollment.Decision, token string) *Response {
	e := c.Enrollment
	title := "Does this sign-up speak for " + e.MemberName + "?"
	if c.Done != "" {
		title = "Already decided"
	}
	data := map[string]string{
		"Done": c.Done, "Action": string(c.Action), "Token": token, "ProgramName": c.Program.Name, "HostName": c.Program.HostName,
		"MemberName": e.MemberName, "Company": e.Company.Name, "Website": e.Company.Website, "Email": e.Email,
		"Primary": enrollment.ContactLine(e.Contacts.Primary), "Billing": enrollment.ContactLine(e.Contacts.Billing),
		"Created": e.CreatedAt.UTC().Format("2 January 2006"),
	}
	if p := e.Proposal; p != nil {
		data["Inbound"] = p.Inbound.Email + ", " + p.Inbound.Phone + "; hours " + enrollment.HoursLine(p.Inbound.Hours)
		data["WebhookURL"] = p.Inbound.WebhookURL
	}
	return Page(http.StatusOK, "consent", web.Page{Title: title, Brand: brand(c.Program), Data: data})
}

// consentForm serves POST /m/{token}: the confirmation acts, once.
func (s *Server) consentForm(ctx context.Context, r *Request) (*Response, error) {
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

func (s *Server) validationData(v enrollment.ValidationLink, token string) map[string]string {
	return map[string]string{"Done": v.Done, "Token": token, "Company": v.Enrollment.Company.Name, "ProgramName": v.Program.Name}
}

// validationPage serves GET /v/{token}: the test case's acknowledgement page.
func (s *Server) validationPage(ctx context.Context, r *Request) (*Response, error) {
	v, err := s.Enrollments.LookupValidation(ctx, r.Param("token"))
	if err != nil {
		return nil, err
	}
	return Page(http.StatusOK, "validation", web.Page{Title: "Test case", Brand: brand(v.Program), Data: s.validationData(v, r.Param("token"))}), nil
}

// validationForm serves POST /v/{token}.
func (s *Server) validationForm(ctx context.Context, r *Request) (*Response, error) {
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

func (s *Server) credentialData(c enrollment.CredentialLink, link string) map[string]string {
	return map[string]string{"Done": c.Done, "Link": link, "Company": c.Enrollment.Company.Name, "ProgramName": c.Program.Name, "Name": c.Name}
}

// credentialPage serves GET /c/{token}: the claim page (claiming is a POST,
// so a mail scanner opening the link claims nothing).
func (s *Server) credentialPage(ctx context.Context, r *Request) (*Response, error) {
	c, err := s.Enrollments.LookupCredential(ctx, r.Param("token"))
	if err != nil {
		return nil, err
	}
	return Page(http.StatusOK, "credential", web.Page{Title: "Your API credentials", Brand: brand(c.Program), Data: s.credentialData(c, r.Param("token"))}), nil
}

// credentialForm serves POST /c/{token}: shows the token once.
func (s *Server) credentialForm(ctx context.Context, r *Request) (*Response, error) {
	claimed, err := s.Enrollments.ClaimCredential(ctx, r.Param("token"))
	if errors.Is(err, apperr.ErrConflict) {
		return s.credentialPage(ctx, r)
	}
	if err != nil {
		return nil, err
	}
	return Page(http.StatusOK, "credential", web.Page{Title: "Your API credentials", Data: map[string]string{
		"Token": "yes", "APIToken": claimed.Token, "UserID": claimed.UserID, "MemberID": claimed.MemberID,
	}}), nil
}
