package e2etest

import (
	"testing"

	"github.com/tandemhq/tandem/scripts/localtest"
)

// Answer is what a step gets back: an API response or a page.
type Answer interface {
	localtest.Response | PageResult
}

// Expect fails the test unless res answered status, and returns res; what
// names the step. The failure shows the body (a page's main content, cut
// to 2,000 bytes).
func Expect[A Answer](t *testing.T, res A, status int, what string) A {
	t.Helper()
	var got int
	var body string
	switch r := any(res).(type) {
	case localtest.Response:
		got, body = r.Status, string(r.Body)
	case PageResult:
		got, body = r.Status, mainOf(r.Body)
		if len(body) > 2000 {
			body = body[:2000] + "…"
		}
	}
	if got != status {
		t.Fatalf("%s: got %d %s, want %d", what, got, body, status)
	}
	return res
}
