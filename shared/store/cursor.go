package store

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/keyring"
)

// cursorCodec turns a query's LastEvaluatedKey into an opaque cursor and
// back. The cursor is bound to the list it came from (its scope) and signed,
// so a forged, edited or transplanted cursor is a 400, never a query at a key
// the caller chose.
type cursorCodec struct{ keys *keyring.Ring }

const maxCursorLen = 2048

func (c cursorCodec) encode(scope string, lek map[string]types.AttributeValue) (string, error) {
	if len(lek) == 0 {
		return "", nil
	}
	plain := map[string]string{}
	for k, v := range lek {
		s, ok := v.(*types.AttributeValueMemberS)
		if !ok {
			return "", fmt.Errorf("cursor: key attribute %s is not a string", k)
		}
		plain[k] = s.Value
	}
	body, err := json.Marshal(plain)
	if err != nil {
		return "", fmt.Errorf("cursor: %w", err)
	}
	if c.keys == nil {
		return "", keyring.ErrNoKeys
	}
	b := base64.RawURLEncoding.EncodeToString(body)
	return b + "." + c.keys.Sign("cursor\x00"+scope, []byte(b)), nil
}

func (c cursorCodec) decode(scope, cursor string) (map[string]types.AttributeValue, error) {
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
	out := make(map[string]types.AttributeValue, len(plain))
	for k, v := range plain {
		out[k] = av(v)
	}
	return out, nil
}
