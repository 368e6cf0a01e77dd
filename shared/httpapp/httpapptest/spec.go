package httpapptest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/tandemhq/tandem/shared/api"
)

// The spec is loaded once per test binary.
var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

func loadSpec() {
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err == nil {
		err = doc.Validate(context.Background())
	}
	if err != nil {
		specErr = err
		return
	}
	doc.Servers = nil // match any host
	specRouter, specErr = gorillamux.NewRouter(doc)
}

// LoadSpec parses and validates openapi.yaml, once per test binary.
func LoadSpec() error {
	specOnce.Do(loadSpec)
	return specErr
}

// Reporter is what CheckExchange reports breaches to (a *testing.T).
type Reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

// CheckExchange holds one /v1/ exchange to openapi.yaml, in process or over
// HTTP: the route must be described (unless it answered 404), a request the
// server accepted (2xx) must match its description, and the response must
// match its. req is the request as sent, any host; its body is replaced by
// reqBody. It reports whether the spec describes the route.
func CheckExchange(t Reporter, req *http.Request, reqBody []byte, status int, header http.Header, body []byte) bool {
	t.Helper()
	if err := LoadSpec(); err != nil {
		t.Errorf("openapi.yaml: %v", err)
		return false
	}
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := specRouter.FindRoute(req)
	if err != nil {
		if status != http.StatusNotFound {
			t.Errorf("openapi.yaml does not describe %s %s (answered %d): %v", req.Method, req.URL.Path, status, err)
		}
		return false
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if status/100 == 2 {
		if verr := openapi3filter.ValidateRequest(context.Background(), in); verr != nil {
			t.Errorf("%s %s was accepted (%d) but breaks openapi.yaml: %v", req.Method, req.URL.Path, status, verr)
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header, Body: io.NopCloser(bytes.NewReader(body)), Options: opts,
	}
	if verr := openapi3filter.ValidateResponse(context.Background(), out); verr != nil {
		t.Errorf("%s %s answered %d, which breaks openapi.yaml: %v\nbody: %.500s", req.Method, req.URL.Path, status, verr, body)
	}
	return true
}

// checkSpec holds one in-process /v1/ exchange to openapi.yaml
// (CheckExchange) and counts it.
func (e *Env) checkSpec(method, path, query string, headers map[string]string, body []byte, res *Response) {
	e.T.Helper()
	if err := LoadSpec(); err != nil {
		e.T.Fatalf("openapi.yaml: %v", err)
	}
	target := "http://tandem.test" + path
	if query != "" {
		target += "?" + query
	}
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		e.T.Errorf("%s %s: %v", method, path, err)
		return
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	h := http.Header{}
	for k, v := range res.Headers {
		h.Set(k, v)
	}
	if !CheckExchange(e.T, req, body, res.Status, h, res.Body) {
		return
	}
	e.mu.Lock()
	e.Checked++
	e.mu.Unlock()
}
