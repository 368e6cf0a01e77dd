package session_test

import (
	"net/url"
	"strings"
	"testing"
	"unicode"

	"github.com/tandemhq/tandem/shared/session"
)

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/inbox", "/inbox"},
		{"/outbox?status=open", "/outbox?status=open"},
		{"/cases/cas_01J?done=accept", "/cases/cas_01J?done=accept"},
		{"/cases/new?q=Acme+Corp", "/cases/new?q=Acme+Corp"},
		{"/programs/prg_1/enrollments", "/programs/prg_1/enrollments"},
		{"/r%C3%A9sum%C3%A9", "/r%C3%A9sum%C3%A9"}, // percent-encoded UTF-8 letters are fine
		{"", "/inbox"},
		{"inbox", "/inbox"},
		{"//evil.example", "/inbox"},
		{"///evil.example", "/inbox"},
		{"/\\evil.example", "/inbox"},
		{"\\/evil.example", "/inbox"},
		{"/\t/evil.example", "/inbox"},
		{"/\n/evil.example", "/inbox"},
		{"/\r\n/evil.example", "/inbox"},
		{"/\x00", "/inbox"},
		{"/inbox\x7f", "/inbox"},
		{"/ /evil.example", "/inbox"},
		{"/\u00a0/evil.example", "/inbox"}, // no-break space
		{"/\u2028/evil.example", "/inbox"}, // line separator
		{"/\u200b/evil.example", "/inbox"}, // zero-width space
		{"/%09/evil.example", "/inbox"},    // the reported one
		{"/%0a/evil.example", "/inbox"},
		{"/%0D%0A/evil.example", "/inbox"},
		{"/%00", "/inbox"},
		{"/%20/evil.example", "/inbox"},
		{"/%5cevil.example", "/inbox"},
		{"/%2f/evil.example", "/inbox"},
		{"/%2F%2Fevil.example", "/inbox"},
		{"%2F%2Fevil.example", "/inbox"},
		{"/%252f%252fevil.example", "/inbox"}, // encoded twice
		{"/%25252f%25252fevil.example", "/inbox"},
		{"/%2525252f", "/inbox"}, // still changing after three rounds
		{"/%zz", "/inbox"},
		{"/inbox%", "/inbox"},
		{"/%ff", "/inbox"}, // not UTF-8 once decoded
		{"https://evil.example/", "/inbox"},
		{"javascript:alert(1)", "/inbox"},
		{"/v1/cases", "/inbox"},
		{"/_local/signin/lgn_x", "/inbox"},
		{"/%5flocal/signin/lgn_x", "/inbox"},
		{"/" + strings.Repeat("a", session.MaxNext), "/inbox"},
		{"/" + strings.Repeat("a", session.MaxNext-1), "/" + strings.Repeat("a", session.MaxNext-1)},
	} {
		if got := session.SafeNext(tc.in); got != tc.want {
			t.Errorf("SafeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzSafeNext: whatever goes in, what comes out is the inbox or a path of
// the base's own host, as Go resolves it and as a browser reads a
// Location (dropping tabs and line breaks, taking "\" for "/"), starting
// with one slash, with no control character raw or decoded, and kept as
// it is when given again.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/inbox", "/%09/host", "/\t/host", "//host", "/\\host", "/%2F%2Fhost", "/%252F%252Fhost", "https://host",
		"/cases/x?y=1#z", "/%0a%0d", "/.//host", "/..//host", "/%2e%2e/%2f%2fhost", "/a:b@host", "/?//host", "/#//host"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://tandem.example/")
	f.Fuzz(func(t *testing.T, in string) {
		out := session.SafeNext(in)
		if out == "/inbox" {
			return
		}
		if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") {
			t.Fatalf("SafeNext(%q) = %q: not one leading slash", in, out)
		}
		if len(out) > session.MaxNext {
			t.Fatalf("SafeNext(%q) is %d bytes", in, len(out))
		}
		dec, err := url.PathUnescape(out)
		if err != nil {
			t.Fatalf("SafeNext(%q) = %q does not decode: %v", in, out, err)
		}
		for _, s := range []string{out, dec} {
			if strings.ContainsFunc(s, unicode.IsControl) {
				t.Fatalf("SafeNext(%q) = %q has a control character", in, out)
			}
		}
		browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(out)
		for _, loc := range []string{out, browser, dec} {
			ref, err := url.Parse(loc)
			if err != nil {
				t.Fatalf("SafeNext(%q) = %q does not parse (as %q): %v", in, out, loc, err)
			}
			if got := base.ResolveReference(ref); got.Scheme != base.Scheme || got.Host != base.Host || got.User != nil {
				t.Fatalf("SafeNext(%q) = %q leads to %s", in, out, got)
			}
		}
		if again := session.SafeNext(out); again != out {
			t.Fatalf("SafeNext(%q) = %q, but SafeNext of that is %q", in, out, again)
		}
	})
}
