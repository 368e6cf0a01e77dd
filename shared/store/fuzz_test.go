package store

import (
	"errors"
	"testing"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/keyring"
)

// FuzzCursorDecode: any cursor decodes to a key the codec signed, or is a
// malformed request (400); nothing panics.
func FuzzCursorDecode(f *testing.F) {
	c := cursorCodec{keys: keyring.Fixed("fuzz", []byte("fuzz-key"))}
	good, _ := c.encode("scope", key("CASE#cas_1", "#"))
	f.Add(good)
	f.Add("")
	f.Add("not.a.cursor")
	f.Add(good[:len(good)-3] + "AAA")
	f.Fuzz(func(t *testing.T, cursor string) {
		k, err := c.decode("scope", cursor)
		if err != nil {
			if !errors.Is(err, apperr.ErrMalformed) {
				t.Fatalf("cursor %q: %v, want malformed", cursor, err)
			}
			return
		}
		if cursor != "" && cursor != good {
			again, _ := c.encode("scope", k)
			if _, err := c.decode("scope", again); err != nil {
				t.Fatalf("a decoded cursor does not round-trip: %q", cursor)
			}
		}
	})
}
