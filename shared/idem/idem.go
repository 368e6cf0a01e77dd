// Package idem is the contract's Idempotency-Key: the same key and body within
// 24 h replays the first response; the same key with another body is a 422;
// while the first request is still running, a 409.
//
// A request claims its key before doing anything. The write that creates the
// object also marks the claim committed in the same transaction (the claim is
// handed down to the store as an argument), so a create happens at most once
// per key even if the process dies between the write and storing the
// response.
package idem

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Retention is how long a key is remembered.
const Retention = 24 * time.Hour

// Lock is how long a claim blocks other requests with the same key before a
// retry may take it over (the first request is presumed dead by then).
const Lock = 30 * time.Second

// MaxKeyLen bounds the header's length.
const MaxKeyLen = 255

// State of a key.
type State string

// States.
const (
	InProgress State = "in_progress"
	// Committed: the create was written (ResultID) but the response not yet stored.
	Committed State = "committed"
	Completed State = "completed"
)

// Record is a remembered key.
type Record struct {
	// Key is the storage key: scope, route and the client's key.
	Key         string
	Owner       string
	BodyHash    string
	State       State
	ResultID    string
	Status      int
	Body        []byte
	LockedUntil time.Time
	ExpiresAt   time.Time
}

// Claim is a request's hold on a key, handed to the write that creates the
// object so the store commits it in the same transaction. The zero Claim (no
// Idempotency-Key) commits nothing.
type Claim struct {
	Key   string
	Owner string
}

// None is the absent claim.
var None Claim

// Held reports whether c holds a key.
func (c Claim) Held() bool { return c.Key != "" }

// Fingerprint hashes what must match for a replay: method, path and body.
func Fingerprint(method, path string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method + " " + path + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}
