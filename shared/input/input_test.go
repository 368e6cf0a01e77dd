package input

import (
	"testing"

	"github.com/tandemhq/tandem/shared/apperr"
)

func TestChecks(t *testing.T) {
	cases := []struct {
		name  string
		check func(f apperr.Fields)
		bad   bool
	}{
		{"email ok", func(f apperr.Fields) { Email(f, "e", "ann@acme.example") }, false},
		{"email with name", func(f apperr.Fields) { Email(f, "e", "Ann <ann@acme.example>") }, true},
		{"email no domain dot", func(f apperr.Fields) { Email(f, "e", "ann@localhost") }, true},
		{"email blank", func(f apperr.Fields) { Email(f, "e", " ") }, true},
		{"email header injection", func(f apperr.Fields) { Email(f, "e", "a@b.example\r\nBcc: x@y.example") }, true},
		{"domain ok", func(f apperr.Fields) { Domain(f, "d", "Sub.Acme.Example.") }, false},
		{"domain ip", func(f apperr.Fields) { Domain(f, "d", "10.0.0.1") }, true},
		{"domain label", func(f apperr.Fields) { Domain(f, "d", "-bad.example") }, true},
		{"url ok", func(f apperr.Fields) { URL(f, "u", "https://acme.example/x", true) }, false},
		{"url http when https only", func(f apperr.Fields) { URL(f, "u", "http://acme.example", true) }, true},
		{"url javascript", func(f apperr.Fields) { URL(f, "u", "javascript:alert(1)", false) }, true},
		{"url userinfo", func(f apperr.Fields) { URL(f, "u", "https://u:p@acme.example", false) }, true},
		{"phone ok", func(f apperr.Fields) { Phone(f, "p", "+49 (30) 1234-567", true) }, false},
		{"phone letters", func(f apperr.Fields) { Phone(f, "p", "call me", false) }, true},
		{"text too long", func(f apperr.Fields) { Text(f, "t", "abcdef", 5) }, true},
		{"one of", func(f apperr.Fields) { OneOf(f, "k", "gold", "full", "limited") }, true},
	}
	for _, c := range cases {
		f := apperr.Fields{}
		c.check(f)
		if got := len(f) > 0; got != c.bad {
			t.Errorf("%s: invalid = %v (%v), want %v", c.name, got, f, c.bad)
		}
	}
}
