// Package ident makes Tandem's object ids: a type prefix and a ULID, so ids
// are opaque, sortable by creation time and safe to put in URLs.
package ident

import (
	"crypto/rand"
	"encoding/binary"
	"strings"
	"time"
)

// Prefixes of the object types.
const (
	Member     = "mem"
	User       = "usr"
	Program    = "prg"
	Enrollment = "enr"
	Department = "dep"
	Case       = "cas"
	Invoice    = "inv"
	Outbox     = "obx"
	Event      = "evt"
	Delivery   = "dlv"
	// Configuration is a validated configuration (marketplace).
	Configuration = "cfg"
)

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// New returns prefix_ULID for the instant now.
func New(prefix string, now time.Time) string {
	return prefix + "_" + ULID(now)
}

// ULID returns a 26-character ULID: 48 bits of milliseconds, 80 random bits.
func ULID(now time.Time) string {
	var b [16]byte
	ms := uint64(now.UnixMilli())
	binary.BigEndian.PutUint64(b[:8], ms<<16)
	if _, err := rand.Read(b[6:]); err != nil {
		panic("ident: crypto/rand failed: " + err.Error())
	}
	return encode(b)
}

func encode(b [16]byte) string {
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	var out [26]byte
	// 128 bits as 26 base-32 digits, the first holding the top 3 bits.
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

// Valid reports whether s is an id with the given prefix and a well-formed
// ULID. Handlers use it to answer 404 for garbage without touching the table.
func Valid(prefix, s string) bool {
	rest, ok := strings.CutPrefix(s, prefix+"_")
	if !ok || len(rest) != 26 || rest[0] > '7' {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if strings.IndexByte(crockford, rest[i]) < 0 {
			return false
		}
	}
	return true
}
