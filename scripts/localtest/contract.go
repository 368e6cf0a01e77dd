package localtest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"

	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"
	"github.com/tandemhq/tandem/shared/store/storetest"
)

// contractChecker holds every API exchange to openapi.yaml: each /v1 route
// must be described, every response must match its description, and every
// request the server accepted (2xx) must match too.
type contractChecker struct {
	t    storetest.T
	next http.RoundTripper
}

func newContractChecker(t storetest.T, next http.RoundTripper) http.RoundTripper {
	if err := httpapptest.LoadSpec(); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
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

	// The spec is held against a copy: validation reads its body.
	httpapptest.CheckExchange(c.t, req.Clone(context.Background()), reqBody, res.StatusCode, res.Header, resBody)
	return res, nil
}
