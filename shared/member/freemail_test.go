package member

import (
	"slices"
	"strings"
	"testing"
)

func TestSharedDomain(t *testing.T) {
	for _, tc := range []struct {
		domain string
		want   bool
	}{
		{"gmail.com", true},
		{"GMail.com", true},
		{"outlook.com", true},
		{"proton.me", true},
		{"icloud.com", true},
		{"gmail.com.", true},
		{"acme.example", false},
		{"mail.acme.example", false},
		{"", false},
	} {
		if got := SharedDomain(tc.domain); got != tc.want {
			t.Errorf("SharedDomain(%q) = %v, want %v", tc.domain, got, tc.want)
		}
	}
}

// The binary search needs the embedded list sorted and lower-case; the
// generator writes it so, and a hand edit must not break that.
func TestFreemailListIsSortedAndFromTheNpmPackage(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(freemail), "\n")
	if !strings.HasPrefix(lines[0], "# npm free-email-domains ") {
		t.Fatalf("first line %q does not name the package it came from", lines[0])
	}
	list := lines[1:]
	if len(list) < 1000 {
		t.Fatalf("only %d domains", len(list))
	}
	if !slices.IsSorted(list) {
		t.Fatal("freemail.txt is not sorted: regenerate it with make freemail")
	}
	for _, d := range list {
		if d != strings.ToLower(strings.TrimSpace(d)) || d == "" {
			t.Fatalf("entry %q is not a lower-case domain", d)
		}
	}
}

func TestSendsFromOnlyTheVerifiedDomain(t *testing.T) {
	m := Member{Sending: SendingDomain{Domain: "mail.acme.example", Verified: true}}
	for addr, want := range map[string]bool{"a@mail.acme.example": true, "a@eu.mail.acme.example": true, "a@acme.example": false, "a@evilmail.acme.example": false} {
		if m.SendsFrom(addr) != want {
			t.Errorf("SendsFrom(%s) = %v, want %v", addr, !want, want)
		}
	}
	m.Sending.Verified = false
	if m.SendsFrom("a@mail.acme.example") {
		t.Errorf("an unverified domain sends")
	}
}
