package enrollment

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
)

// LinkTTL is how long a host's one-click link works.
const LinkTTL = 7 * 24 * time.Hour

// Links signs and checks the one-click decision links in the host's sign-up
// mail and in an existing member's consent mail. A link names the enrollment, the decision and its expiry, signed
// with the installation's key; it acts once because a decided enrollment
// cannot be decided again.
type Links struct{ Keys *keyring.Ring }

// Sign returns the token for deciding action on enrollment id until exp.
func (l Links) Sign(id string, action Action, exp time.Time) string {
	payload := base64.RawURLEncoding.EncodeToString([]byte(id + "." + string(action) + "." + strconv.FormatInt(exp.Unix(), 10)))
	return payload + "." + l.Keys.Sign(decisionPurpose, []byte(payload))
}

// Verify checks a token and returns what it allows, which must be one of
// allowed (a host's link does not work as a member's and the other way
// round). A bad signature is unauthorized; an expired link says so.
func (l Links) Verify(token string, now time.Time, allowed ...Action) (string, Action, error) {
	bad := apperr.Unauthorized("this link is not valid; use the links in the latest mail, or decide in Tandem")
	b, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 300 || l.Keys == nil || !l.Keys.Verify(decisionPurpose, []byte(b), sig) {
		return "", "", bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(b)
	if err != nil {
		return "", "", bad
	}
	payload := string(raw)
	parts := strings.Split(payload, ".")
	if len(parts) != 3 || !ident.Valid(ident.Enrollment, parts[0]) {
		return "", "", bad
	}
	action := Action(parts[1])
	if !slices.Contains(allowed, action) {
		return "", "", bad
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", "", bad
	}
	if now.Unix() > exp {
		return parts[0], action, &apperr.Error{Kind: apperr.ErrUnauthorized, Message: fmt.Sprintf("this link expired on %s; decide in Tandem instead", time.Unix(exp, 0).UTC().Format("2 January 2006"))}
	}
	return parts[0], action, nil
}

// decisionPurpose keeps a decision link's signature from passing as
// another kind of token's.
const decisionPurpose = "decision-link"
