// Package webhook is Tandem's Standard Webhooks support: signing and
// verifying (headers webhook-id, webhook-timestamp, webhook-signature), the
// member secrets, the rules of a receiver's address (Guard), and the
// outbound events: queued in the outbox, signed, recorded, and turned off
// after a day of failures. Sending one over HTTPS is package hookhttp's.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
)

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// Tolerance is how far a timestamp may be from now, either way.
const Tolerance = 5 * time.Minute

// NewSecret returns a fresh secret: whsec_ and 32 random bytes in base64.
func NewSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("webhook: crypto/rand failed: " + err.Error())
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b[:])
}

func key(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(k) == 0 {
		return nil, errors.New("webhook: a secret is whsec_ followed by base64")
	}
	return k, nil
}

// Sign returns the signature header value ("v1,<base64>") of a message.
func Sign(secret, id string, ts int64, body []byte) (string, error) {
	k, err := key(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(k, id, ts, body)), nil
}

func mac(k []byte, id string, ts int64, body []byte) []byte {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(id + "." + strconv.FormatInt(ts, 10) + "."))
	m.Write(body)
	return m.Sum(nil)
}

// Headers carries a signed request's three headers.
type Headers struct {
	ID        string
	Timestamp string
	Signature string
}

// Verify checks a request against any of the secrets: the timestamp within
// Tolerance of now, and any "v1," signature in the space-separated list
// matching in constant time. Any failure is ErrUnauthorized, with a reason.
func Verify(secrets []string, h Headers, body []byte, now time.Time) error {
	if h.ID == "" || h.Timestamp == "" || h.Signature == "" {
		return apperr.Unauthorized("missing webhook-id, webhook-timestamp or webhook-signature header")
	}
	if len(h.ID) > 255 {
		return apperr.Unauthorized("webhook-id is longer than 255 characters")
	}
	ts, err := strconv.ParseInt(h.Timestamp, 10, 64)
	if err != nil {
		return apperr.Unauthorized("webhook-timestamp must be Unix seconds")
	}
	at := time.Unix(ts, 0)
	if at.Before(now.Add(-Tolerance)) || at.After(now.Add(Tolerance)) {
		return apperr.Unauthorized("webhook-timestamp is more than 5 minutes from our clock (%s)", now.UTC().Format(time.RFC3339))
	}
	var sigs [][]byte
	for _, part := range strings.Fields(h.Signature) {
		v, s, ok := strings.Cut(part, ",")
		if !ok || v != "v1" {
			continue
		}
		// Strict: only the one canonical spelling of a MAC verifies (the
		// lenient decoder ignores the last character's unused bits, so
		// several strings would decode to the same MAC).
		b, err := base64.StdEncoding.Strict().DecodeString(s)
		if err == nil {
			sigs = append(sigs, b)
		}
	}
	if len(sigs) == 0 {
		return apperr.Unauthorized("webhook-signature holds no v1 signature")
	}
	for _, secret := range secrets {
		k, err := key(secret)
		if err != nil {
			continue
		}
		want := mac(k, h.ID, ts, body)
		for _, got := range sigs {
			if hmac.Equal(got, want) {
				return nil
			}
		}
	}
	return apperr.Unauthorized("the webhook signature does not match any of the member's secrets")
}

// SecretSet is a member's signing secrets: the current one and, for a day
// after a rotation, the previous one.
type SecretSet struct {
	MemberID      string
	Current       string
	Previous      string
	PreviousUntil time.Time
	// UserID is the integration user inbound events act as.
	UserID    string
	RotatedAt time.Time
	Version   int
}

// RotationGrace is how long the previous secret keeps verifying.
const RotationGrace = 24 * time.Hour

// Valid returns the secrets that verify at now.
func (s SecretSet) Valid(now time.Time) []string {
	out := []string{}
	if s.Current != "" {
		out = append(out, s.Current)
	}
	if s.Previous != "" && now.Before(s.PreviousUntil) {
		out = append(out, s.Previous)
	}
	return out
}

// ErrNoSecret means the member has no webhook secret yet.
var ErrNoSecret = fmt.Errorf("no webhook secret: %w", apperr.ErrNotFound)
