package keyring

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const (
	k1 = "first-key-0123456789abcdef0123456789"
	k2 = "second-key-0123456789abcdef012345678"
)

// A signature names its key; only the same purpose and payload verify.
func TestSignAndVerify(t *testing.T) {
	r := Fixed("1", []byte(k1))
	sig := r.Sign("link", []byte("payload"))
	if !strings.HasPrefix(sig, "1.") {
		t.Fatalf("signature %q does not name its key", sig)
	}
	for _, tc := range []struct {
		name, purpose, payload, sig string
		want                        bool
	}{
		{"as signed", "link", "payload", sig, true},
		{"another purpose", "cursor", "payload", sig, false},
		{"another payload", "link", "payload2", sig, false},
		{"no key id", "link", "payload", strings.TrimPrefix(sig, "1."), false},
		{"unknown key id", "link", "payload", "9" + strings.TrimPrefix(sig, "1"), false},
		{"bad key id", "link", "payload", "a b." + strings.TrimPrefix(sig, "1."), false},
		{"truncated", "link", "payload", sig[:len(sig)-1], false},
		{"empty", "link", "payload", "", false},
	} {
		if got := r.Verify(tc.purpose, []byte(tc.payload), tc.sig); got != tc.want {
			t.Errorf("%s: Verify = %v, want %v", tc.name, got, tc.want)
		}
	}
	if Fixed("1", []byte(k2)).Verify("link", []byte("payload"), sig) {
		t.Error("a signature verified under another key with the same id")
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, secret string
		wantID       string
		wantPrev     int
		bad          bool
	}{
		{"current only", `{"kid":"1","key":"` + k1 + `"}`, "1", 0, false},
		{"with previous", `{"kid":"2","key":"` + k2 + `","previous":[{"kid":"1","key":"` + k1 + `"}]}`, "2", 1, false},
		{"legacy plain string", k1, LegacyID, 0, false},
		{"short key", `{"kid":"1","key":"short"}`, "", 0, true},
		{"short legacy", "short", "", 0, true},
		{"kid used twice", `{"kid":"1","key":"` + k2 + `","previous":[{"kid":"1","key":"` + k1 + `"}]}`, "", 0, true},
		{"kid with a dot", `{"kid":"1.2","key":"` + k1 + `"}`, "", 0, true},
		{"unknown field", `{"kid":"1","key":"` + k1 + `","rotate":true}`, "", 0, true},
		{"not JSON", `{"kid":`, "", 0, true},
	} {
		s, err := Parse(tc.secret)
		if (err != nil) != tc.bad {
			t.Errorf("%s: err %v, want bad %v", tc.name, err, tc.bad)
			continue
		}
		if !tc.bad && (s.ID != tc.wantID || len(s.Previous) != tc.wantPrev) {
			t.Errorf("%s: got %s with %d previous, want %s with %d", tc.name, s.ID, len(s.Previous), tc.wantID, tc.wantPrev)
		}
	}
}

// fakeSecret is a secret whose value a test changes, counting its reads.
type fakeSecret struct {
	value atomic.Value
	reads atomic.Int32
	fail  atomic.Bool
}

func (f *fakeSecret) load(context.Context) (Set, error) {
	f.reads.Add(1)
	if f.fail.Load() {
		return Set{}, errors.New("secrets manager is down")
	}
	return Parse(f.value.Load().(string))
}

// Rotation reaches a running function without a deploy: a signature by a
// key it does not know makes it read the secret again (at most once a
// minute), and after MaxAge it signs with the new current key; signatures
// by the previous key still verify.
func TestRotationReachesARunningRing(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	sec := &fakeSecret{}
	sec.value.Store(`{"kid":"1","key":"` + k1 + `"}`)
	old, err := Load(context.Background(), sec.load, clock)
	if err != nil {
		t.Fatal(err)
	}
	oldSig := old.Sign("link", []byte("p"))

	// The key is rotated; a fresh function signs with the new key.
	sec.value.Store(`{"kid":"2","key":"` + k2 + `","previous":[{"kid":"1","key":"` + k1 + `"}]}`)
	fresh, err := Load(context.Background(), sec.load, clock)
	if err != nil {
		t.Fatal(err)
	}
	newSig := fresh.Sign("link", []byte("p"))
	if !strings.HasPrefix(newSig, "2.") || !fresh.Verify("link", []byte("p"), oldSig) {
		t.Fatalf("the fresh ring signs %q and verifies the old signature: %v", newSig, fresh.Verify("link", []byte("p"), oldSig))
	}
	// The running one meets the new key id: it reads the secret once.
	now = now.Add(2 * time.Minute)
	before := sec.reads.Load()
	if !old.Verify("link", []byte("p"), newSig) {
		t.Fatal("the running ring does not verify a signature by the new key")
	}
	if got := sec.reads.Load() - before; got != 1 {
		t.Errorf("%d secret reads for the new key, want 1", got)
	}
	// Forged ids do not turn into a stream of secret reads.
	for i := 0; i < 50; i++ {
		old.Verify("link", []byte("p"), "zz."+strings.TrimPrefix(newSig, "2."))
	}
	if got := sec.reads.Load() - before; got != 1 {
		t.Errorf("%d secret reads after 50 forged key ids within a minute, want still 1", got)
	}
	// After MaxAge the running ring signs with the current key too.
	now = now.Add(MaxAge + time.Minute)
	if sig := old.Sign("link", []byte("p")); !strings.HasPrefix(sig, "2.") {
		t.Errorf("after MaxAge the running ring signs %q, want key 2", sig)
	}
	// A failed read keeps the keys it had.
	sec.fail.Store(true)
	now = now.Add(MaxAge + time.Minute)
	if !old.Verify("link", []byte("p"), newSig) || !strings.HasPrefix(old.Sign("link", []byte("p")), "2.") {
		t.Error("a failed read lost the keys")
	}
}

// A function without the keys fails loudly when it signs, and verifies
// nothing.
func TestNoRing(t *testing.T) {
	var r *Ring
	if r.Verify("x", []byte("p"), "1.abc") {
		t.Error("a nil ring verified a signature")
	}
	defer func() {
		if v := recover(); !errors.Is(v.(error), ErrNoKeys) {
			t.Errorf("Sign on a nil ring: %v, want a panic with ErrNoKeys", v)
		}
	}()
	r.Sign("x", []byte("p"))
}
