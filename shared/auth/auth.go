// Package auth holds who is calling (a Principal), the roles Tandem knows, and
// the API tokens: random, shown once, stored only as a SHA-256 hash.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"slices"
	"strings"
)

// Roles a user can hold.
const (
	RoleAdmin    = "admin"
	RoleEngineer = "engineer"
	RoleCritical = "critical"
)

// KnownRole reports whether r is a role users can be given.
func KnownRole(r string) bool {
	return r == RoleAdmin || r == RoleEngineer || r == RoleCritical
}

// Principal is the caller of an authenticated request.
type Principal struct {
	// Operator is platform staff: may do anything, belongs to no member.
	Operator bool
	MemberID string
	UserID   string
	Roles    []string
}

// Anonymous reports whether no one is authenticated.
func (p Principal) Anonymous() bool { return !p.Operator && p.UserID == "" }

// Has reports whether the principal holds role (operators hold every role).
func (p Principal) Has(role string) bool {
	return p.Operator || slices.Contains(p.Roles, role)
}

// AdminOf reports whether the principal may administer member memberID.
func (p Principal) AdminOf(memberID string) bool {
	return p.Operator || (p.MemberID == memberID && slices.Contains(p.Roles, RoleAdmin))
}

// In reports whether the principal acts for member memberID (or is an operator).
func (p Principal) In(memberID string) bool {
	return p.Operator || (memberID != "" && p.MemberID == memberID)
}

// Actor names the principal in audit trails.
func (p Principal) Actor() string {
	switch {
	case p.Operator:
		if p.UserID != "" {
			return "operator:" + p.UserID
		}
		return "operator"
	case p.UserID != "":
		return p.UserID
	default:
		return "anonymous"
	}
}

// TokenPrefix starts every API token, so leaked tokens are recognisable.
const TokenPrefix = "tdm_"

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewToken returns a fresh random secret with the given prefix and its hash.
func NewToken(prefix string) (plain, hash string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("auth: crypto/rand failed: " + err.Error())
	}
	plain = prefix + strings.ToLower(b32.EncodeToString(b[:]))
	return plain, Hash(plain)
}

// Hash is the stored form of a secret: hex SHA-256. Secrets carry 256 random
// bits, so an unsalted fast hash is enough to make a leaked table useless.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// BearerToken extracts the token from an Authorization header value.
func BearerToken(header string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != "" && len(tok) <= 200
}
