package router

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/shared/apperr"
)

// Response is what a handler answers.
type Response struct {
	Status  int
	Headers map[string]string
	Body    []byte
	// Replay, when set, is stored for Idempotency-Key replays instead of
	// Body: responses that carry a secret shown once store it without.
	Replay []byte
	// Cookies are Set-Cookie values.
	Cookies []string
}

// Redirect answers 303 See Other to location.
func Redirect(location string) *Response {
	return &Response{Status: http.StatusSeeOther, Headers: map[string]string{"location": location}}
}

// JSON answers v as JSON.
func JSON(status int, v any) *Response {
	b, err := marshalJSON(v)
	if err != nil {
		return errorResponse(err, false)
	}
	return &Response{Status: status, Headers: map[string]string{"content-type": "application/json"}, Body: b}
}

// marshalJSON encodes v without escaping <, > and & as \u003c…: an API
// answer is never HTML, and escaping would make a text of 100,000 "<" six
// times longer in the answer and in its stored Idempotency-Key replay.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// NoContent answers 204.
func NoContent() *Response { return &Response{Status: http.StatusNoContent} }

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// ErrorJSON renders err as the contract's error body with its status.
func ErrorJSON(err error) *Response { return errorResponse(err, false) }

func errorResponse(err error, page bool) *Response {
	status, code := Status(err)
	msg, fields, retry := apperr.Public(err)
	var resp *Response
	if page {
		resp = errorPage(status, msg, fields)
	} else {
		b, _ := json.Marshal(errorBody{Error: errorDetail{Code: code, Message: msg, Fields: fields}})
		resp = &Response{Status: status, Headers: map[string]string{"content-type": "application/json"}, Body: b}
	}
	if retry > 0 {
		resp.Headers["retry-after"] = strconv.Itoa(int((retry + time.Second - 1) / time.Second))
	}
	return resp
}

// toEvent finishes a response: security headers on everything, the page
// policy on HTML.
func (r *Response) toEvent() events.APIGatewayV2HTTPResponse {
	h := map[string]string{}
	for k, v := range r.Headers {
		h[k] = v
	}
	h["x-content-type-options"] = "nosniff"
	if _, ok := h["cache-control"]; !ok {
		h["cache-control"] = "no-store"
	}
	if ct := h["content-type"]; len(ct) >= 9 && ct[:9] == "text/html" {
		for k, v := range PageSecurityHeaders() {
			if _, set := h[k]; !set {
				h[k] = v
			}
		}
	}
	if _, ok := h["referrer-policy"]; !ok {
		h["referrer-policy"] = "no-referrer"
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: r.Status, Headers: h, Body: string(r.Body), Cookies: r.Cookies}
}

// ToEvent finishes r as an API Gateway response (the local gateway uses it
// for the answers API Gateway itself gives).
func ToEvent(r *Response) events.APIGatewayV2HTTPResponse { return r.toEvent() }

// Download answers body as a file to save: its content type, named
// filename.
func Download(contentType, filename string, body []byte) *Response {
	return &Response{Status: http.StatusOK, Body: body, Headers: map[string]string{
		"content-type":        contentType,
		"content-disposition": `attachment; filename="` + filename + `"`,
	}}
}
