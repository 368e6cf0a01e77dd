package localtest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/tandemhq/tandem/shared/api"
	"github.com/tandemhq/tandem/shared/store/storetest"
)

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

func loadSpec() {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPI)
	if err != nil {
		specErr = err
		return
	}
	if err := doc.Validate(context.Background()); err != nil {
		specErr = err
		return
	}
	doc.Servers = nil // match any host
	specRouter, specErr = gorillamux.NewRouter(doc)
}

// contractChecker holds every API exchange to openapi.yaml: each /v1 route
// must be described, every response must match its description, and every
// request the server accepted (2xx) must match too.
type contractChecker struct {
	t    storetest.T
	next http.RoundTripper
}

func newContractChecker(t storetest.T, next http.RoundTripper) http.RoundTripper {
	specOnce.Do(loadSpec)
	if specErr != nil {
		t.Fatalf("openapi.yaml: %v", specErr)
	}
	return &contractChecker{t: t, next: next}
}

func (c *contractChecker) RoundTrip(req *http.Request) (*http.Response, error) {
	checked := strings.HasPrefix(req.URL.Path, "/v1/")
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	res, err := c.next.RoundTrip(req)
	if err != nil || !checked {
		return res, err
	}
	resBody, _ := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(resBody))

	// Routes are found on a copy without a host, as the spec has no servers.
	probe := req.Clone(context.Background())
	probe.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, ferr := specRouter.FindRoute(probe)
	if ferr != nil {
		if res.StatusCode != http.StatusNotFound {
			c.t.Errorf("openapi.yaml does not describe %s %s (answered %d): %v", req.Method, req.URL.Path, res.StatusCode, ferr)
		}
		return res, nil
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route, Options: opts}
	if res.StatusCode/100 == 2 {
		if verr := openapi3filter.ValidateRequest(context.Background(), in); verr != nil {
			c.t.Errorf("%s %s was accepted (%d) but breaks openapi.yaml: %v", req.Method, req.URL.Path, res.StatusCode, verr)
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Body: io.NopCloser(bytes.NewReader(resBody)), Options: opts,
	}
	if verr := openapi3filter.ValidateResponse(context.Background(), out); verr != nil {
		c.t.Errorf("%s %s answered %d, which breaks openapi.yaml: %v\nbody: %.500s", req.Method, req.URL.Path, res.StatusCode, verr, resBody)
	}
	return res, nil
}
