package console

import (
	"testing"

	"github.com/tandemhq/tandem/shared/router"
)

// Which sign-in posts come from another site: Fetch Metadata decides when
// sent; else the Origin must be the installation's; with neither, the
// form token alone decides (not refused here).
func TestFromOtherSite(t *testing.T) {
	s := &Server{BaseURL: "https://tandem.example"}
	for _, tc := range []struct {
		fetchSite, origin string
		want              bool
	}{
		{"same-origin", "https://tandem.example", false},
		{"same-origin", "", false},
		{"none", "", false},
		{"cross-site", "https://evil.example", true},
		{"cross-site", "", true},
		{"same-site", "https://other.tandem.example", true},
		{"same-site", "http://tandem.example", true},
		{"something-new", "https://tandem.example", true},
		{"", "", false},
		{"", "https://tandem.example", false},
		{"", "https://TANDEM.example:443", false},
		{"", "https://tandem.example:8443", true},
		{"", "http://tandem.example", true},
		{"", "https://evil.example", true},
		{"", "https://tandem.example.evil.example", true},
		{"", "null", true},
		{"", "https://tandem.example/path", true},
		{"", "https://user@tandem.example", true},
		{"", "::", true},
	} {
		r := &router.Request{Headers: map[string]string{}}
		if tc.fetchSite != "" {
			r.Headers["sec-fetch-site"] = tc.fetchSite
		}
		if tc.origin != "" {
			r.Headers["origin"] = tc.origin
		}
		if got := s.fromOtherSite(r); got != tc.want {
			t.Errorf("Sec-Fetch-Site %q, Origin %q: got %v, want %v", tc.fetchSite, tc.origin, got, tc.want)
		}
	}
	local := &Server{BaseURL: "http://localhost:8080"}
	for origin, want := range map[string]bool{"http://localhost:8080": false, "http://127.0.0.1:8080": true, "http://localhost": true} {
		if got := local.fromOtherSite(&router.Request{Headers: map[string]string{"origin": origin}}); got != want {
			t.Errorf("local, Origin %q: got %v, want %v", origin, got, want)
		}
	}
}
