// Package keyring signs and verifies Tandem's own tokens — one-click links
// in mail, list cursors, form tokens — with the installation's signing
// keys. The current key signs; the keys before it still verify, so links
// already mailed keep working while a new key takes over. Every signature
// names the key that made it ("<key id>.<mac>"), so a verifier knows which
// key to use, and one that meets a key id it does not know loads the keys
// again (at most once a minute): a key added to the secret reaches every
// running function the first time one of its signatures arrives, not at
// the next deploy.
package keyring

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Key is one signing key.
type Key struct {
	// ID names the key in every signature it makes.
	ID string `json:"kid"`
	// Secret is the key material as stored: at least 32 characters.
	Secret string `json:"key"`
}

// Set is the keys of an installation, as the secret holds them: the
// current key, which signs, and the previous ones, which only verify.
type Set struct {
	Key
	Previous []Key `json:"previous,omitempty"`
}

// Loader reads the current set of keys (Secrets Manager on AWS).
type Loader func(ctx context.Context) (Set, error)

// Timing of reloads.
const (
	// MaxAge is how long a ring uses its keys before it reads them again
	// when it next signs, so a new current key reaches warm functions.
	MaxAge = time.Hour
	// RetryAfter spaces reloads caused by unknown key ids, so a stream of
	// forged tokens cannot turn into a stream of secret reads.
	RetryAfter = time.Minute
	// loadTimeout bounds a reload made on the request path.
	loadTimeout = 2 * time.Second
	// macBytes is how much of the HMAC-SHA256 a signature keeps.
	macBytes = 24
)

var idRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// Check reports what is wrong with a set of keys, if anything.
func (s Set) Check() error {
	seen := map[string]bool{}
	for i, k := range append([]Key{s.Key}, s.Previous...) {
		what := "the current key"
		if i > 0 {
			what = fmt.Sprintf("previous key %d", i)
		}
		if !idRE.MatchString(k.ID) {
			return fmt.Errorf("keyring: %s needs a kid of 1 to 32 letters, digits, _ or -", what)
		}
		if len(k.Secret) < 32 {
			return fmt.Errorf("keyring: %s (%s) must be at least 32 characters", what, k.ID)
		}
		if seen[k.ID] {
			return fmt.Errorf("keyring: kid %s is used twice", k.ID)
		}
		seen[k.ID] = true
	}
	return nil
}

// LegacyID names the key of a secret written before key ids: a plain
// string of random characters, which signs as this one key.
const LegacyID = "0"

// Parse reads a set of keys from the secret's JSON:
// {"kid": "2", "key": "…", "previous": [{"kid": "1", "key": "…"}]}; a
// secret that is a plain string is one key, LegacyID.
func Parse(secret string) (Set, error) {
	if t := strings.TrimSpace(secret); t != "" && !strings.HasPrefix(t, "{") {
		s := Set{Key: Key{ID: LegacyID, Secret: t}}
		return s, s.Check()
	}
	var s Set
	d := json.NewDecoder(strings.NewReader(secret))
	d.DisallowUnknownFields()
	if err := d.Decode(&s); err != nil {
		return Set{}, fmt.Errorf("keyring: the secret is not a key set (%v)", err)
	}
	return s, s.Check()
}

// Ring signs with the current key and verifies with any known one.
type Ring struct {
	mu       sync.RWMutex
	current  string
	keys     map[string][]byte
	load     Loader
	now      func() time.Time
	loadedAt time.Time
	tried    time.Time
}

// Fixed is a ring of one key that never reloads (local runs and tests).
func Fixed(id string, secret []byte) *Ring {
	r := &Ring{now: time.Now}
	r.use(Set{Key: Key{ID: id, Secret: string(secret)}})
	return r
}

// Load reads the keys once and returns a ring that reads them again when
// they are older than MaxAge or a signature names a key it does not know.
func Load(ctx context.Context, load Loader, now func() time.Time) (*Ring, error) {
	if now == nil {
		now = time.Now
	}
	s, err := load(ctx)
	if err == nil {
		err = s.Check()
	}
	if err != nil {
		return nil, fmt.Errorf("keyring: load the signing keys: %w", err)
	}
	r := &Ring{load: load, now: now}
	r.use(s)
	r.loadedAt, r.tried = now(), now()
	return r, nil
}

func (r *Ring) use(s Set) {
	keys := make(map[string][]byte, 1+len(s.Previous))
	for _, k := range append([]Key{s.Key}, s.Previous...) {
		sum := sha256.Sum256([]byte(k.Secret))
		keys[k.ID] = sum[:]
	}
	r.mu.Lock()
	r.current, r.keys = s.ID, keys
	r.mu.Unlock()
}

// reload reads the keys again unless it did so less than RetryAfter ago;
// on failure the ring keeps the keys it has.
func (r *Ring) reload() {
	if r.load == nil {
		return
	}
	r.mu.Lock()
	now := r.now()
	if now.Sub(r.tried) < RetryAfter {
		r.mu.Unlock()
		return
	}
	r.tried = now
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	s, err := r.load(ctx)
	if err != nil || s.Check() != nil {
		return
	}
	r.use(s)
	r.mu.Lock()
	r.loadedAt = now
	r.mu.Unlock()
}

// CurrentID is the id of the key that signs ("" for no ring).
func (r *Ring) CurrentID() string {
	if r == nil {
		return ""
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.current
}

// Sign returns the signature of payload for purpose: "<key id>.<mac>".
// purpose keeps a signature made for one kind of token from passing as
// another's.
func (r *Ring) Sign(purpose string, payload []byte) string {
	if r == nil {
		// A function without the keys signing is a wiring mistake (see
		// routes.Function.Signs): fail loudly, never sign with nothing.
		panic(ErrNoKeys)
	}
	r.mu.RLock()
	stale := r.load != nil && r.now().Sub(r.loadedAt) > MaxAge
	r.mu.RUnlock()
	if stale {
		r.reload()
	}
	r.mu.RLock()
	id, key := r.current, r.keys[r.current]
	r.mu.RUnlock()
	return id + "." + mac(key, purpose, payload)
}

// Verify reports whether sig is a signature of payload for purpose by one
// of the ring's keys.
func (r *Ring) Verify(purpose string, payload []byte, sig string) bool {
	id, m, ok := strings.Cut(sig, ".")
	if r == nil || !ok || !idRE.MatchString(id) {
		return false
	}
	r.mu.RLock()
	key, known := r.keys[id]
	r.mu.RUnlock()
	if !known {
		r.reload()
		r.mu.RLock()
		key, known = r.keys[id]
		r.mu.RUnlock()
		if !known {
			return false
		}
	}
	return hmac.Equal([]byte(m), []byte(mac(key, purpose, payload)))
}

// ErrNoKeys is returned where a ring is needed and none was configured.
var ErrNoKeys = errors.New("keyring: no signing key configured")

func mac(key []byte, purpose string, payload []byte) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write(payload)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:macBytes])
}
