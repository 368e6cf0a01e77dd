package enrollment

import "time"

// TokenKind says what a one-time token in a mail unlocks.
type TokenKind string

// Token kinds.
const (
	// ValidationToken acknowledges the validation test case (/v/{token}).
	ValidationToken TokenKind = "validation"
	// CredentialToken claims the partner's first API token (/c/{token}).
	CredentialToken TokenKind = "credential"
)

// Token lifetimes.
const (
	ValidationTTL = 14 * 24 * time.Hour
	CredentialTTL = 14 * 24 * time.Hour
)

// Token is a one-time secret sent by mail, stored only as its hash.
type Token struct {
	Hash         string
	Kind         TokenKind
	EnrollmentID string
	MemberID     string
	// Name and Email are the person a credential is for.
	Name      string
	Email     string
	ExpiresAt time.Time
	Used      bool
}
