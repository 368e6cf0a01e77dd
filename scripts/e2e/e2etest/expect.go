package e2etest

import (
	"testing"

	"github.com/tandemhq/tandem/scripts/localtest"
)

// Expect fails the test unless res answered status; what names the step.
func Expect(t *testing.T, res localtest.Response, status int, what string) localtest.Response {
	t.Helper()
	if res.Status != status {
		t.Fatalf("%s: got %d %s, want %d", what, res.Status, res.Body, status)
	}
	return res
}
