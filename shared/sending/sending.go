// Package sending is a host's own sending domain: the SES identity that
// lets a program's mail come from the host's address. Until SES has
// verified the domain (its DKIM records published), programs that send as
// the host send from the platform address in the host's name, with
// Reply-To the host.
package sending

import (
	"context"
	"errors"
	"strings"
	"sync"
)

// Record is one DNS record the host publishes.
type Record struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Identity is a sending domain as SES sees it.
type Identity struct {
	Domain   string
	Verified bool
	// Status is SES's DKIM status: PENDING, SUCCESS, FAILED,
	// TEMPORARY_FAILURE, NOT_STARTED.
	Status  string
	Records []Record
}

// Identities is SES's identity API (package sesidentity; Fake in tests and
// the local stack).
type Identities interface {
	// Create registers domain with Easy DKIM (or returns it as it is when
	// it exists already).
	Create(ctx context.Context, domain string) (Identity, error)
	Get(ctx context.Context, domain string) (Identity, error)
}

// ErrUnknown is an identity SES does not have.
var ErrUnknown = errors.New("sending: no such identity")

// Records are Easy DKIM's three CNAME records for domain's tokens.
func Records(domain string, tokens []string) []Record {
	out := make([]Record, 0, len(tokens))
	for _, t := range tokens {
		out = append(out, Record{Name: t + "._domainkey." + domain, Type: "CNAME", Value: t + ".dkim.amazonses.com"})
	}
	return out
}

// Fake is an in-memory identity API: the local stack's (SES's stand-in has
// none) and the tests'. Domains stay pending until Verify.
type Fake struct {
	// AutoVerify verifies a domain the first time its status is read after
	// registering (the local stack: as if its records were published).
	AutoVerify bool
	mu         sync.Mutex
	verified   map[string]bool
	known      map[string]bool
}

// Create implements Identities.
func (f *Fake) Create(_ context.Context, domain string) (Identity, error) {
	f.mu.Lock()
	if f.known == nil {
		f.known, f.verified = map[string]bool{}, map[string]bool{}
	}
	f.known[strings.ToLower(domain)] = true
	f.mu.Unlock()
	return f.identity(domain)
}

// Get implements Identities.
func (f *Fake) Get(_ context.Context, domain string) (Identity, error) {
	if f.AutoVerify {
		f.Verify(domain)
	}
	return f.identity(domain)
}

func (f *Fake) identity(domain string) (Identity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := strings.ToLower(domain)
	if !f.known[d] {
		return Identity{}, ErrUnknown
	}
	id := Identity{Domain: d, Status: "PENDING", Records: Records(d, []string{"tandemlocal1", "tandemlocal2", "tandemlocal3"})}
	if f.verified[d] {
		id.Verified, id.Status = true, "SUCCESS"
	}
	return id, nil
}

// Verify marks domain verified, as SES does once the records resolve.
func (f *Fake) Verify(domain string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.verified == nil {
		f.known, f.verified = map[string]bool{}, map[string]bool{}
	}
	f.verified[strings.ToLower(domain)] = true
}
