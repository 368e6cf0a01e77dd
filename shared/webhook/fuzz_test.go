package webhook

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
)

// FuzzVerify: any headers and body either verify or are refused as
// unauthorized; nothing panics, and only the right secret verifies.
func FuzzVerify(f *testing.F) {
	f.Add(specID, strconv.Itoa(specTS), specSig, []byte(specBody))
	f.Add("", "", "", []byte(nil))
	f.Add("x", "99999999999999999999", "v1,!!!", []byte("{}"))
	f.Add("id", "1614265330", "v1,a v1,b v2,c", []byte("{}"))
	f.Fuzz(func(t *testing.T, id, ts, sig string, body []byte) {
		now := time.Unix(specTS, 0)
		err := Verify([]string{specSecret}, Headers{ID: id, Timestamp: ts, Signature: sig}, body, now)
		if err != nil && !errors.Is(err, apperr.ErrUnauthorized) {
			t.Fatalf("error of another kind: %v", err)
		}
		if err == nil {
			want, _ := Sign(specSecret, id, mustInt(ts), body)
			if !containsSig(sig, want) {
				t.Fatalf("verified a signature it did not make: %q", sig)
			}
		}
	})
}

func mustInt(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }

func containsSig(list, want string) bool {
	for i := 0; i+len(want) <= len(list); i++ {
		if list[i:i+len(want)] == want {
			return true
		}
	}
	return false
}
