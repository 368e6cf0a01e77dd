// Package router is Tandem's HTTP transport: API Gateway (payload 2.0)
// events in, responses out. It decodes strictly, resolves the bearer
// token's principal or a console page's session (and checks its form
// token), holds one Idempotency-Key guard, bounds each request's work, and
// turns every error into a status in one place (Status, status.go). The
// handlers themselves live in package api (JSON) and console (pages).
package router

import (
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/routes"
	"github.com/tandemhq/tandem/shared/session"
)

// MaxBody is the largest request body accepted (the contract's 256 KiB).
const MaxBody = 256 << 10

// Request is one API request after the gateway-level checks.
type Request struct {
	Route     routes.Route
	Method    string
	Path      string
	Params    map[string]string
	Query     url.Values
	Headers   map[string]string
	Body      []byte
	Principal auth.Principal
	// Claim is the request's Idempotency-Key claim on a create route (zero
	// without one); the create's write commits it.
	Claim idem.Claim
	// Cookies are the request's cookies as name=value strings.
	Cookies []string
	// Session is the console session of a Session route, and FormToken the
	// token its forms carry.
	Session   session.Session
	FormToken string
	RequestID string
	SourceIP  string
}

// Cookie returns the value of cookie name, or "".
func (r *Request) Cookie(name string) string {
	for _, c := range r.Cookies {
		for _, part := range strings.Split(c, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if ok && k == name {
				return v
			}
		}
	}
	if h := r.Header("cookie"); h != "" && len(r.Cookies) == 0 {
		r.Cookies = strings.Split(h, ";")
		return r.Cookie(name)
	}
	return ""
}

// Form parses an urlencoded form body.
func (r *Request) Form() (url.Values, error) {
	v, err := url.ParseQuery(string(r.Body))
	if err != nil {
		return nil, apperr.Malformed("the form could not be read")
	}
	return v, nil
}

// Param returns a path parameter.
func (r *Request) Param(name string) string { return r.Params[name] }

// Header returns a header by case-insensitive name.
func (r *Request) Header(name string) string { return r.Headers[strings.ToLower(name)] }

// newRequest validates the event's body and headers against the route.
func newRequest(route routes.Route, ev events.APIGatewayV2HTTPRequest) (*Request, error) {
	headers := make(map[string]string, len(ev.Headers))
	for k, v := range ev.Headers {
		headers[strings.ToLower(k)] = v
	}
	r := &Request{
		Route: route, Method: ev.RequestContext.HTTP.Method, Path: ev.RawPath, Params: ev.PathParameters, Cookies: ev.Cookies,
		Headers: headers, RequestID: ev.RequestContext.RequestID, SourceIP: ev.RequestContext.HTTP.SourceIP,
	}
	if r.Method == "" {
		r.Method = route.Method
	}
	if r.Params == nil {
		r.Params = map[string]string{}
	}
	q, err := url.ParseQuery(ev.RawQueryString)
	if err != nil {
		return r, apperr.Malformed("the query string is not valid: %v", err)
	}
	r.Query = q

	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		if base64.StdEncoding.DecodedLen(len(ev.Body)) > MaxBody+3 {
			return r, apperr.TooLarge("the request body is larger than 256 KiB")
		}
		if body, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
			return r, apperr.Malformed("the request body is not valid base64")
		}
	}
	if len(body) > MaxBody {
		return r, apperr.TooLarge("the request body is larger than 256 KiB")
	}
	r.Body = body
	ct := mediaType(headers["content-type"])
	if len(body) == 0 {
		// No body and no type is an empty request ({}). A body declared
		// as JSON must be JSON, and the empty string is not; a body of
		// another declared type is not JSON at all.
		if ct != "" && route.Body == routes.JSON {
			if isJSON(ct) {
				return r, apperr.Malformed("the body is empty: send a JSON object ({} when there is nothing to say)")
			}
			return r, apperr.UnsupportedMedia("send the body as JSON with Content-Type: application/json")
		}
		return r, nil
	}
	switch route.Body {
	case routes.NoBody:
		return r, apperr.UnsupportedMedia("this endpoint takes no request body")
	case routes.JSON:
		if !isJSON(ct) {
			return r, apperr.UnsupportedMedia("send the body as JSON with Content-Type: application/json")
		}
	case routes.Form:
		if ct != "application/x-www-form-urlencoded" {
			return r, apperr.UnsupportedMedia("send the form as application/x-www-form-urlencoded")
		}
	}
	return r, nil
}

func isJSON(ct string) bool { return ct == "application/json" || strings.HasSuffix(ct, "+json") }

func mediaType(ct string) string {
	ct, _, _ = strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(ct))
}

// principalFrom reads what the authorizer put in the request context.
func principalFrom(ev events.APIGatewayV2HTTPRequest) (auth.Principal, bool) {
	if ev.RequestContext.Authorizer == nil || ev.RequestContext.Authorizer.Lambda == nil {
		return auth.Principal{}, false
	}
	return PrincipalFromContext(ev.RequestContext.Authorizer.Lambda)
}
