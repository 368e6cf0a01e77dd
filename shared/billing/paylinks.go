package billing

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
)

// PayLinkGrace is how long after its due date an invoice's pay link
// works: past the 90 days after which an unpaid renewal terminates.
const PayLinkGrace = 120 * 24 * time.Hour

// payLinkPurpose keeps a pay link's signature from passing as another
// kind of token's.
const payLinkPurpose = "pay-link"

// PayLinks signs and checks the "Pay now" links of invoice mail
// (/pay/{token}): a link names the invoice and its expiry, signed with the
// installation's key (its id in the signature, so a new key can sign while
// the previous one still verifies). It needs no sign-in — a new partner has
// no user before it goes live — and can do nothing but pay that invoice,
// which it does once because a paid invoice cannot be paid again.
type PayLinks struct{ Keys *keyring.Ring }

// Sign returns the token paying invoice id until exp.
func (l PayLinks) Sign(id string, exp time.Time) string {
	b := base64.RawURLEncoding.EncodeToString([]byte(id + "." + strconv.FormatInt(exp.Unix(), 10)))
	return b + "." + l.Keys.Sign(payLinkPurpose, []byte(b))
}

// URL is the pay link of inv under baseURL, valid until PayLinkGrace after
// the invoice is due.
func (l PayLinks) URL(baseURL string, inv Invoice) string {
	return strings.TrimRight(baseURL, "/") + "/pay/" + l.Sign(inv.ID, inv.DueAt.Add(PayLinkGrace))
}

// Verify checks a token and returns the invoice it pays. A bad token is
// not found; an expired one says when it expired.
func (l PayLinks) Verify(token string, now time.Time) (string, error) {
	bad := apperr.NotFound("this payment link is not valid; use the link in the latest invoice mail, or pay from the invoice page in Tandem")
	b, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 300 || l.Keys == nil || !l.Keys.Verify(payLinkPurpose, []byte(b), sig) {
		return "", bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(b)
	if err != nil {
		return "", bad
	}
	id, unix, ok := strings.Cut(string(raw), ".")
	exp, err := strconv.ParseInt(unix, 10, 64)
	if !ok || err != nil || !ident.Valid(ident.Invoice, id) {
		return "", bad
	}
	if now.Unix() > exp {
		return id, &apperr.Error{Kind: apperr.ErrNotFound, Message: fmt.Sprintf("this payment link expired on %s; sign in to Tandem to pay from the invoice page, or pay by bank transfer", time.Unix(exp, 0).UTC().Format("2 January 2006"))}
	}
	return id, nil
}
