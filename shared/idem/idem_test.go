package idem_test

import (
	"testing"

	"github.com/tandemhq/tandem/shared/idem"
)

// A claim is held only when it names a key; the zero claim (no
// Idempotency-Key header) commits nothing.
func TestClaimHeld(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    idem.Claim
		want bool
	}{
		{"no key", idem.None, false},
		{"owner without a key", idem.Claim{Owner: "req1"}, false},
		{"a key", idem.Claim{Key: "mem#POST /v1/cases#k1", Owner: "req1"}, true},
	} {
		if got := tc.c.Held(); got != tc.want {
			t.Errorf("%s: Held() = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A replay must match method, path and body; any of them differing is
// another request (a 422 under the same key), the same three always the
// same fingerprint.
func TestFingerprint(t *testing.T) {
	base := idem.Fingerprint("POST", "/v1/cases", []byte(`{"a":1}`))
	for _, tc := range []struct {
		name         string
		method, path string
		body         string
		same         bool
	}{
		{"same request", "POST", "/v1/cases", `{"a":1}`, true},
		{"another body", "POST", "/v1/cases", `{"a":2}`, false},
		{"body with other whitespace", "POST", "/v1/cases", `{"a": 1}`, false},
		{"another path", "POST", "/v1/cases/x", `{"a":1}`, false},
		{"another method", "PUT", "/v1/cases", `{"a":1}`, false},
		{"path and body split elsewhere", "POST", "/v1/cases{", `"a":1}`, false},
		{"method and path split elsewhere", "POST /v1/cases", "", `{"a":1}`, false},
	} {
		got := idem.Fingerprint(tc.method, tc.path, []byte(tc.body))
		if (got == base) != tc.same {
			t.Errorf("%s: fingerprint equal %v, want %v", tc.name, got == base, tc.same)
		}
		if len(got) != 64 {
			t.Errorf("%s: fingerprint %q is not hex SHA-256", tc.name, got)
		}
	}
}

// The contract's numbers: keys are kept a day, a claim blocks others for
// 30 s, keys are at most 255 characters.
func TestLimits(t *testing.T) {
	if idem.Retention.Hours() != 24 || idem.Lock.Seconds() != 30 || idem.MaxKeyLen != 255 {
		t.Errorf("retention %v, lock %v, max key %d; the API contract says 24h, 30s, 255", idem.Retention, idem.Lock, idem.MaxKeyLen)
	}
}
