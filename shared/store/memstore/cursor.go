package memstore

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/keyring"
)

// cursorCodec is shared/store's: a page's last evaluated key as JSON,
// base64url, signed with the keyring for the list it came from (its scope).
// With the same keys, the same list and the same items, the two stores hand
// out the same cursor; a forged, edited or transplanted one is a 400.
type cursorCodec struct{ keys *keyring.Ring }

const maxCursorLen = 2048

func (c cursorCodec) encode(scope string, lek map[string]string) (string, error) {
	if len(lek) == 0 {
		return "", nil
	}
	body, err := json.Marshal(lek)
	if err != nil {
		return "", fmt.Errorf("cursor: %w", err)
	}
	if c.keys == nil {
		return "", keyring.ErrNoKeys
	}
	b := base64.RawURLEncoding.EncodeToString(body)
	return b + "." + c.keys.Sign("cursor\x00"+scope, []byte(b)), nil
}

func (c cursorCodec) decode(scope, cursor string) (map[string]string, error) {
	if cursor == "" {
		return nil, nil
	}
	bad := apperr.Malformed("the cursor is not valid for this list; start again without it")
	if len(cursor) > maxCursorLen {
		return nil, bad
	}
	b, sig, ok := strings.Cut(cursor, ".")
	if !ok || c.keys == nil || !c.keys.Verify("cursor\x00"+scope, []byte(b), sig) {
		return nil, bad
	}
	body, err := base64.RawURLEncoding.DecodeString(b)
	if err != nil {
		return nil, bad
	}
	var plain map[string]string
	if err := json.Unmarshal(body, &plain); err != nil || len(plain) == 0 {
		return nil, bad
	}
	return plain, nil
}
