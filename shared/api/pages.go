package api

import (
	"context"
	"net/http"
	"net/url"
	"sort"

	"github.com/a-h/templ"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/web"
)

// PageSecurityHeaders are the headers every HTML page carries.
func PageSecurityHeaders() map[string]string { return web.SecurityHeaders() }

// Page renders an HTML page component with status.
func Page(status int, c templ.Component) *Response {
	b, err := web.Render(context.Background(), c)
	if err != nil {
		return errorResponse(err, false)
	}
	return &Response{Status: status, Headers: map[string]string{"content-type": "text/html; charset=utf-8"}, Body: b}
}

var pageTitles = map[int]string{
	http.StatusBadRequest:            "That request could not be read",
	http.StatusUnauthorized:          "This link is not valid",
	http.StatusForbidden:             "You may not do this",
	http.StatusNotFound:              "Page not found",
	http.StatusConflict:              "This was already done",
	http.StatusRequestEntityTooLarge: "That was too much to send",
	http.StatusUnprocessableEntity:   "Please check your entries",
	http.StatusTooManyRequests:       "Too many attempts",
	http.StatusServiceUnavailable:    "We are briefly unavailable",
}

func errorPage(status int, msg string, fields map[string]string) *Response {
	title := pageTitles[status]
	if title == "" {
		title = "Something went wrong"
	}
	var fs []web.FieldError
	for k, v := range fields {
		fs = append(fs, web.FieldError{Field: k, Why: v})
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].Field < fs[j].Field })
	return Page(status, web.ErrorPage(title, msg, fs))
}

// refusal is a console form's step that was refused in a way its page shows
// again: invalid input (422, with the fields' errors) or a lost race or a
// step the object's state no longer allows (409, with what changed).
type refusal struct {
	Status  int
	Message string
	Fields  map[string]string
}

// Conflict reports a lost race or an out-of-state step.
func (f refusal) Conflict() bool { return f.Status == http.StatusConflict }

// refused sorts err: a refusal the page shows again (ok), or anything else,
// which is the error page.
func refused(err error) (refusal, bool) {
	status, _ := Status(err)
	if status != http.StatusUnprocessableEntity && status != http.StatusConflict {
		return refusal{}, false
	}
	msg, fields, _ := apperr.Public(err)
	return refusal{Status: status, Message: msg, Fields: fields}, true
}

// formValues are a posted form's values, the first of each name, to show
// again.
func formValues(v url.Values) map[string]string {
	out := make(map[string]string, len(v))
	for k := range v {
		out[k] = v.Get(k)
	}
	return out
}
