package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/session"
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
func decisionData(d enrollment.Decision, token string) decisionView {
	e := d.Enrollment
	out := decisionView{
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
	return router.Page(http.StatusOK, hostDecisionPage(web.BrandOf(d.Program), decisionData(d, token)))
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
	return router.Page(http.StatusOK, consentPage(web.BrandOf(c.Program), decisionData(c, token)))
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
	return router.Page(http.StatusOK, validationPage(web.BrandOf(v.Program), v.Done, r.Param("token"), v.Enrollment.Company.Name, v.Program.Name)), nil
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
	msg := "Thank you: your support process is validated. You are live: your administrator receives a mail with a link that signs them in to Tandem."
	if e.Status == enrollment.AwaitingPayment {
		// The person acknowledging is the support team: say where the
		// invoice went and how it is paid, not only that it must be.
		msg = "Thank you: your support process is validated. You go live as soon as the membership invoice is paid."
		if e.MembershipInvoiceID != "" && e.Contacts.Billing.Email != "" {
			msg += " Invoice " + e.MembershipInvoiceID + " was mailed to your billing contact, " + e.Contacts.Billing.Email +
				": its Pay now link pays it by card, or pay by bank transfer quoting " + e.MembershipInvoiceID + "."
		}
	}
	return message(http.StatusOK, "Test case acknowledged", msg, false, nil), nil
}

// credentialPage serves GET /c/{token}: a credential link mailed at
// go-live before going live made the partner's admin. It now signs its
// person in to the console, once (signing in is a POST, so a mail scanner
// opening the link uses nothing); no API token is shown.
func (s *Server) credentialPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	c, err := s.Enrollments.LookupCredential(ctx, r.Param("token"))
	if err != nil {
		return nil, err
	}
	status := http.StatusOK
	if c.Done != "" {
		status = http.StatusConflict
	}
	return router.Page(status, credentialPage(web.BrandOf(c.Program), credentialData{
		Done: c.Done, Link: r.Param("token"), FormToken: s.Sessions.LinkFormToken(r.Param("token")),
		Company: c.Enrollment.Company.Name, ProgramName: c.Program.Name, Name: c.Name, Email: c.Email,
	})), nil
}

// credentialForm serves POST /c/{token}: makes the partner's admin if it
// does not exist yet and signs the browser in as it, like a sign-in link
// (only Tandem's own page may post it; a session of someone else this
// browser held ends).
func (s *Server) credentialForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	plain, _, err := s.signInForm(r)
	if err != nil {
		return nil, err
	}
	link, err := s.Enrollments.CredentialSignIn(ctx, plain)
	if errors.Is(err, apperr.ErrConflict) {
		return s.credentialPage(ctx, r)
	}
	if err != nil {
		return nil, err
	}
	secret, _, next, err := s.Sessions.SignIn(ctx, link)
	if err != nil {
		return nil, err
	}
	if old := r.Cookie(s.Sessions.Cookie()); old != "" {
		_ = s.Sessions.SignOut(ctx, old) // the browser holds the new session now
	}
	resp := router.Redirect(next)
	resp.Cookies = []string{s.cookie(s.Sessions.Cookie(), secret, "/", session.TTL)}
	return resp, nil
}

// addendumPage serves GET /a/{token}: the program's current addendum with
// the form to accept it, from the link in the mail.
func (s *Server) addendumPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	e, prg, err := s.Enrollments.AddendumByLink(ctx, r.Param("token"))
	if err != nil {
		return nil, err
	}
	return router.Page(http.StatusOK, addendumPage(web.BrandOf(prg), addendumData(e, prg, r.Param("token")))), nil
}

func addendumData(e enrollment.Enrollment, prg program.Program, token string) addendumView {
	d := addendumView{
		Token: token, ProgramName: prg.Name, HostName: prg.HostName, Company: e.Company.Name, Version: prg.Addendum.Version,
		Text: prg.Addendum.Text, Previous: e.Addendum.Version, Values: map[string]string{}, Errors: map[string]string{},
	}
	if e.Addendum.Version == prg.Addendum.Version {
		d.Done = "Accepted on " + e.Addendum.At.UTC().Format("2 January 2006") + " by " + e.Addendum.Name + " (" + e.Addendum.Title + ")."
	}
	return d
}

// addendumForm serves POST /a/{token}: the acceptance.
func (s *Server) addendumForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	form, err := url.ParseQuery(string(r.Body))
	if err != nil {
		return nil, apperr.Malformed("the form could not be read")
	}
	token := r.Param("token")
	e, prg, err := s.Enrollments.AddendumByLink(ctx, token)
	if err != nil {
		return nil, err
	}
	in := enrollment.AcceptInput{Version: form.Get("version"), Name: form.Get("name"), Title: form.Get("title")}
	after, err := s.Enrollments.AcceptAddendum(ctx, auth.Principal{}, e.ID, in, true)
	if err == nil {
		return router.Page(http.StatusOK, addendumPage(web.BrandOf(prg), addendumData(after, prg, token))), nil
	}
	f, ok := refused(err)
	if !ok {
		return nil, err
	}
	// Shown again: with what was typed and why (a newer version is shown
	// as it is now, to read before accepting).
	if errors.Is(err, apperr.ErrConflict) {
		if e, prg, err = s.Enrollments.AddendumByLink(ctx, token); err != nil {
			return nil, err
		}
	}
	d := addendumData(e, prg, token)
	d.Problem = f.Message
	if f.Status == http.StatusUnprocessableEntity {
		d.Problem = "Please fill in the highlighted fields."
	}
	d.Values = map[string]string{"name": in.Name, "title": in.Title}
	for k, why := range f.Fields {
		d.Errors[k] = why
	}
	return router.Page(f.Status, addendumPage(web.BrandOf(prg), d)), nil
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
	d := addressConfirmData{Token: token, Address: p.Address, MemberName: p.MemberName, What: p.What}
	if p.Confirmed {
		d.Done = p.Address + " is confirmed: it receives " + p.What + "."
	}
	return router.Page(http.StatusOK, addressConfirmPage(d)), nil
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
	return router.Page(http.StatusOK, addressConfirmPage(addressConfirmData{
		Address: p.Address, MemberName: p.MemberName, What: p.What,
		Done: "Thank you: " + p.Address + " is confirmed. It receives " + p.What + ".",
	})), nil
}

// confirmProblem shows an expired or outdated link on the link's own page;
// anything else is the error page.
func confirmProblem(err error) (*router.Response, error) {
	if errors.Is(err, apperr.ErrConflict) {
		msg, _, _ := apperr.Public(err)
		return router.Page(http.StatusConflict, addressConfirmPage(addressConfirmData{Done: msg, Bad: true})), nil
	}
	return nil, err
}
