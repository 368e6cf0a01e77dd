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
	// Owner is the member the identity was created for (SES keeps it as
	// a tag), "" for one created otherwise: the account's identities are
	// shared by every member, so an existing one may be another's.
	Owner string
}

// OwnerTag is the SES tag that names the member an identity was created for.
const OwnerTag = "tandem:member"

// Identities is SES's identity API (package sesidentity; Fake in tests and
// the local stack).
type Identities interface {
	// Create registers domain with Easy DKIM for member owner, or returns
	// it as it is (its Owner unchanged) when it exists already.
	Create(ctx context.Context, domain, owner string) (Identity, error)
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
	// owners holds each known domain's owner ("" for one Tandem did not create).
	owners map[string]string
}

// Create implements Identities.
func (f *Fake) Create(_ context.Context, domain, owner string) (Identity, error) {
	f.mu.Lock()
	f.init()
	if _, ok := f.owners[strings.ToLower(domain)]; !ok {
		f.owners[strings.ToLower(domain)] = owner
	}
	f.mu.Unlock()
	return f.identity(domain)
}

// Add makes domain an identity that exists already, created for owner
// ("" as if by hand in the SES console, not by Tandem).
func (f *Fake) Add(domain, owner string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.init()
	f.owners[strings.ToLower(domain)] = owner
}

func (f *Fake) init() {
	if f.owners == nil {
		f.owners, f.verified = map[string]string{}, map[string]bool{}
	}
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
	owner, ok := f.owners[d]
	if !ok {
		return Identity{}, ErrUnknown
	}
	id := Identity{Domain: d, Status: "PENDING", Records: Records(d, []string{"tandemlocal1", "tandemlocal2", "tandemlocal3"}), Owner: owner}
	if f.verified[d] {
		id.Verified, id.Status = true, "SUCCESS"
	}
	return id, nil
}

// Verify marks domain verified, as SES does once the records resolve.
func (f *Fake) Verify(domain string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.init()
	f.verified[strings.ToLower(domain)] = true
}
