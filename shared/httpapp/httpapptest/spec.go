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

// checkSpec holds one /v1/ exchange to openapi.yaml as
// scripts/localtest's contract checker does over HTTP: the route must be
// described, the response must match its description, and a request the
// server accepted (2xx) must match too.
func (e *Env) checkSpec(method, path, query string, headers map[string]string, body []byte, res *Response) {
	e.T.Helper()
	specOnce.Do(loadSpec)
	if specErr != nil {
		e.T.Fatalf("openapi.yaml: %v", specErr)
	}
	target := "http://tandem.test" + path
	if query != "" {
		target += "?" + query
	}
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		e.T.Errorf("%s %s: %v", method, path, err)
		return
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	route, params, err := specRouter.FindRoute(req)
	if err != nil {
		if res.Status != http.StatusNotFound {
			e.T.Errorf("openapi.yaml does not describe %s %s (answered %d): %v", method, path, res.Status, err)
		}
		return
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if res.Status/100 == 2 {
		if verr := openapi3filter.ValidateRequest(context.Background(), in); verr != nil {
			e.T.Errorf("%s %s was accepted (%d) but breaks openapi.yaml: %v", method, path, res.Status, verr)
		}
	}
	h := http.Header{}
	for k, v := range res.Headers {
		h.Set(k, v)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: res.Status, Header: h, Body: io.NopCloser(bytes.NewReader(res.Body)), Options: opts,
	}
	if verr := openapi3filter.ValidateResponse(context.Background(), out); verr != nil {
		e.T.Errorf("%s %s answered %d, which breaks openapi.yaml: %v\nbody: %.500s", method, path, res.Status, verr, res.Body)
	}
	e.mu.Lock()
	e.Checked++
	e.mu.Unlock()
}
