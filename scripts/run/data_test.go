package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/shared/sending"
)

// One `make run` at a time uses a data directory; -clean empties it but
// for the lock; what is kept there (the signing key) stays the same from
// one run to the next, readable by its owner only.
func TestDataDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, err := lockData(dir, false)
	if err != nil {
		t.Fatalf("the first run: %v", err)
	}
	if _, err := lockData(dir, false); err == nil || !strings.Contains(err.Error(), "another `make run` is using") {
		t.Fatalf("a second run on the same directory: %v, want it refused", err)
	}
	key, err := kept(dir, "signing-key", func() string { return "k1" })
	if err != nil || key != "k1" {
		t.Fatalf("the key made: %q, %v", key, err)
	}
	if again, _ := kept(dir, "signing-key", func() string { return "k2" }); again != "k1" {
		t.Errorf("the key read again: %q, want the kept k1", again)
	}
	if fi, err := os.Stat(filepath.Join(dir, "signing-key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the key's file: %v, %v; want mode 600", fi.Mode(), err)
	}
	first.Close()

	mine := filepath.Join(dir, "notes.txt") // not make run's: -clean leaves it
	if err := os.WriteFile(mine, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	second, err := lockData(dir, true)
	if err != nil {
		t.Fatalf("a clean run once the first ended: %v", err)
	}
	defer second.Close()
	if again, _ := kept(dir, "signing-key", func() string { return "k2" }); again != "k2" {
		t.Errorf("after -clean the key is %q, want a new one", again)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("-clean removed a file make run did not make: %v", err)
	}
}

// A sending domain registered on the local stand-in is known after a
// restart (with its owner), not NOT_STARTED.
func TestKeptIdentities(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sending-domains.json")
	ids, err := loadIdentities(path, &sending.Fake{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ids.Create(ctx, "Mail.Acme.example", "mem_a"); err != nil {
		t.Fatal(err)
	}
	if _, err := ids.Create(ctx, "mail.acme.example", "mem_b"); err != nil { // the first owner keeps it
		t.Fatal(err)
	}
	restarted, err := loadIdentities(path, &sending.Fake{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := restarted.Get(ctx, "mail.acme.example")
	if err != nil || got.Owner != "mem_a" || got.Status != "PENDING" {
		t.Errorf("after a restart: %+v, %v; want mem_a's, pending", got, err)
	}
	if _, err := restarted.Get(ctx, "other.example"); !errors.Is(err, sending.ErrUnknown) {
		t.Errorf("a domain never registered: %v, want unknown", err)
	}
}
