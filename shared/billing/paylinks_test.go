package billing_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/keyring"
)

// A pay link names its invoice until it expires; a changed, foreign or
// expired one is not found, the expired one saying when it expired.
func TestPayLinks(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	l := billing.PayLinks{Keys: keyring.Fixed("1", []byte("pay-links-test-key-0123456789abcdef"))}
	other := billing.PayLinks{Keys: keyring.Fixed("1", []byte("another-installation-key-0123456789"))}
	const id = "inv_01JZZZZZZZZZZZZZZZZZZZZZZZ"
	tok := l.Sign(id, now.Add(time.Hour))
	if got, err := l.Verify(tok, now); err != nil || got != id {
		t.Fatalf("a fresh link: got %q, %v; want %s", got, err, id)
	}
	for _, tc := range []struct {
		name, token string
		at          time.Time
		says        string
	}{
		{"expired", tok, now.Add(2 * time.Hour), "expired on 23 November 2026"},
		{"another installation's", other.Sign(id, now.Add(time.Hour)), now, "not valid"},
		{"changed", strings.Replace(tok, tok[:4], "AAAA", 1), now, "not valid"},
		{"no signature", tok[:strings.Index(tok, ".")], now, "not valid"},
		{"empty", "", now, "not valid"},
	} {
		_, err := l.Verify(tc.token, tc.at)
		if !errors.Is(err, apperr.ErrNotFound) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: got %v, want not found saying %q", tc.name, err, tc.says)
		}
	}
	if u := l.URL("https://tandem.example/", billing.Invoice{ID: id, DueAt: now}); !strings.HasPrefix(u, "https://tandem.example/pay/") {
		t.Errorf("URL: got %s", u)
	} else if got, err := l.Verify(u[strings.LastIndex(u, "/")+1:], now.Add(billing.PayLinkGrace-time.Minute)); err != nil || got != id {
		t.Errorf("a mailed link just before its grace ends: got %q, %v", got, err)
	}
}
