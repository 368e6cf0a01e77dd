package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/tandemhq/tandem/shared/sending"
)

// dataDir is where `make run` keeps what survives a restart: DynamoDB
// Local's database, the signing key (sessions and links stay valid), the
// operator token and the local sending domains. $TANDEM_DATA_DIR, else
// .cache/data.
func dataDir(cache string) (string, error) {
	if d := os.Getenv("TANDEM_DATA_DIR"); d != "" {
		return filepath.Abs(d)
	}
	return filepath.Join(cache, "data"), nil
}

// lockData takes dir for this run alone (made if missing), and with clean
// empties it first: two runs on one database would each see the other's
// writes half done. The lock holds while the returned file is open: the
// caller keeps it until it ends.
func lockData(dir string, clean bool) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("another `make run` is using %s: stop it first, or give this one a directory of its own with TANDEM_DATA_DIR", dir)
	}
	if !clean {
		return f, nil
	}
	// Only what make run keeps there goes: TANDEM_DATA_DIR may name a
	// directory that holds other things too.
	for _, name := range keptFiles {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			f.Close()
			return nil, fmt.Errorf("start clean: %w", err)
		}
	}
	return f, nil
}

// keptFiles are what make run keeps in its data directory (see main):
// the table, the signing key, the operator token and the local sending
// domains; make run-clean removes these and nothing else.
var keptFiles = []string{"dynamodb", "signing-key", "operator-token", "sending-domains.json"}

// kept is the value in dir/name, made by mk and written there the first
// time (readable by this user only: it is a local secret).
func kept(dir, name string, mk func() string) (string, error) {
	p := filepath.Join(dir, name)
	b, err := os.ReadFile(p)
	if err == nil && len(b) > 0 {
		return string(b), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	v := mk()
	if err := os.WriteFile(p, []byte(v), 0o600); err != nil {
		return "", err
	}
	return v, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// keptIdentities is the local stack's SES identity stand-in, its domains
// (and their owners) kept in a file: a registered sending domain is still
// known after a restart, not NOT_STARTED.
type keptIdentities struct {
	*sending.Fake
	path string
	mu   sync.Mutex
}

// loadIdentities is the stand-in with the domains kept at path.
func loadIdentities(path string, fake *sending.Fake) (*keptIdentities, error) {
	k := &keptIdentities{Fake: fake, path: path}
	owners, err := k.read()
	if err != nil {
		return nil, err
	}
	for d, o := range owners {
		fake.Add(d, o)
	}
	return k, nil
}

func (k *keptIdentities) read() (map[string]string, error) {
	owners := map[string]string{}
	b, err := os.ReadFile(k.path)
	if errors.Is(err, os.ErrNotExist) {
		return owners, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &owners); err != nil {
		return nil, fmt.Errorf("%s: %w", k.path, err)
	}
	return owners, nil
}

// Create implements sending.Identities, keeping the domain.
func (k *keptIdentities) Create(ctx context.Context, domain, owner string) (sending.Identity, error) {
	id, err := k.Fake.Create(ctx, domain, owner)
	if err != nil {
		return id, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	owners, err := k.read()
	if err != nil {
		return id, err
	}
	if o, ok := owners[id.Domain]; ok && o == id.Owner {
		return id, nil
	}
	owners[id.Domain] = id.Owner
	b, _ := json.Marshal(owners)
	return id, os.WriteFile(k.path, b, 0o644)
}
