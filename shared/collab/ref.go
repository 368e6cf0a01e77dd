package collab

import (
	"crypto/rand"
	"errors"
	"strings"

	"github.com/tandemhq/tandem/shared/apperr"
)

// RefPrefix starts every case reference.
const RefPrefix = "TDM-"

// refAlphabet is the reference's characters: digits and capitals without
// the ones read as another (0/O, 1/I/L) or spelling words by accident (U).
const refAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// refLen is the characters after the prefix: 30^8 ≈ 6.6·10^11 references.
const refLen = 8

// ErrRefTaken is what CreateCase answers when the new case's reference is
// another case's already: Open draws another.
var ErrRefTaken = errors.New("case reference already taken")

// NewRef draws a case reference, "TDM-" and 8 characters, e.g.
// TDM-7K3Q9XW2, short enough to read over the phone and to search for.
func NewRef() string {
	out := make([]byte, 0, refLen)
	var b [refLen * 2]byte
	for len(out) < refLen {
		if _, err := rand.Read(b[:]); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		for _, v := range b {
			// 240 is 8 × 30: bytes above it would favour some characters.
			if v < 240 && len(out) < refLen {
				out = append(out, refAlphabet[int(v)%len(refAlphabet)])
			}
		}
	}
	return RefPrefix + string(out)
}

// NormalizeRef reads a reference as a person may type it: any case, with
// or without the prefix, spaces around; ok is false when it cannot be one.
func NormalizeRef(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, RefPrefix)
	if len(s) != refLen {
		return "", false
	}
	for _, r := range s {
		if !strings.ContainsRune(refAlphabet, r) {
			return "", false
		}
	}
	return RefPrefix + s, true
}

// RefTaken is the error a store answers when ref is another case's: a
// conflict that is also ErrRefTaken.
func RefTaken(ref string) error {
	return errors.Join(ErrRefTaken, apperr.Conflict("case reference %s already exists", ref))
}

// refOrID is how a person reads the case's name: its reference, or the
// id of a case opened before references.
func refOrID(c Case) string {
	if c.Ref != "" {
		return c.Ref
	}
	return c.ID
}
