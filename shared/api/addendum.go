package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/web"
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

// addendumPage serves GET /a/{token}: the program's current addendum with
// the form to accept it, from the link in the mail.
func (s *Server) addendumPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	e, prg, err := s.Enrollments.AddendumByLink(ctx, r.Param("token"))
	if err != nil {
		return nil, err
	}
	return router.Page(http.StatusOK, web.AddendumPage(web.BrandOf(prg), addendumData(e, prg, r.Param("token")))), nil
}

func addendumData(e enrollment.Enrollment, prg program.Program, token string) web.AddendumData {
	d := web.AddendumData{
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
		return router.Page(http.StatusOK, web.AddendumPage(web.BrandOf(prg), addendumData(after, prg, token))), nil
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
	return router.Page(f.Status, web.AddendumPage(web.BrandOf(prg), d)), nil
}
