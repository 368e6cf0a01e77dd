package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
)

// cursorCodec turns a query's LastEvaluatedKey into an opaque cursor and
// back. The cursor is bound to the list it came from (its scope) and signed,
// so a forged, edited or transplanted cursor is a 400, never a query at a key
// the caller chose.
type cursorCodec struct{ key []byte }

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
	b := base64.RawURLEncoding.EncodeToString(body)
	return b + "." + c.sign(scope, b), nil
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
	if !ok || !hmac.Equal([]byte(sig), []byte(c.sign(scope, b))) {
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

func (c cursorCodec) sign(scope, body string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte("cursor\x00" + scope + "\x00" + body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}
