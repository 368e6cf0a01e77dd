package enrollment

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
)

func TestLinks(t *testing.T) {
	l := Links{Keys: keyring.Fixed("1", []byte("k1"))}
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	id := ident.New(ident.Enrollment, now)
	tok := l.Sign(id, Approve, now.Add(LinkTTL))

	gotID, action, err := l.Verify(tok, now.Add(6*24*time.Hour), Approve, Reject)
	if err != nil || gotID != id || action != Approve {
		t.Fatalf("valid link: %s %s %v", gotID, action, err)
	}
	if _, _, err := l.Verify(tok, now.Add(LinkTTL+time.Minute), Approve, Reject); !errors.Is(err, apperr.ErrUnauthorized) || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired link: %v", err)
	}
	if _, _, err := (Links{Keys: keyring.Fixed("1", []byte("k2"))}).Verify(tok, now, Approve, Reject); !errors.Is(err, apperr.ErrUnauthorized) {
		t.Errorf("link under another key: %v", err)
	}
	// Turning an approve link into a reject link breaks the signature.
	body, sig, _ := strings.Cut(tok, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(body)
	forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), ".approve.", ".reject.", 1))) + "." + sig
	for _, bad := range []string{forged, tok[:len(tok)-2], "x", "", tok + "." + sig} {
		if _, _, err := l.Verify(bad, now, Approve, Reject); !errors.Is(err, apperr.ErrUnauthorized) {
			t.Errorf("Verify(%q) = %v, want unauthorized", bad, err)
		}
	}
	// A host's link is no member's consent link, and the other way round.
	if _, _, err := l.Verify(tok, now, ConfirmConsent, DeclineConsent); !errors.Is(err, apperr.ErrUnauthorized) {
		t.Errorf("an approve link used as a consent link: %v", err)
	}
	consent := l.Sign(id, ConfirmConsent, now.Add(ConsentTTL))
	if _, _, err := l.Verify(consent, now, Approve, Reject); !errors.Is(err, apperr.ErrUnauthorized) {
		t.Errorf("a consent link used as a host's link: %v", err)
	}
	if _, a, err := l.Verify(consent, now, ConfirmConsent, DeclineConsent); err != nil || a != ConfirmConsent {
		t.Errorf("consent link: %s %v", a, err)
	}
}
