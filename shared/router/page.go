package router

import (
	"context"
	"net/http"
	"sort"

	"github.com/a-h/templ"

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

// pageTitles head the error page of each status.
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
