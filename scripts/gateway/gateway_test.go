package gateway

import (
	"net/http/httptest"
	"testing"
)

// The event's source IP is the client's address without its port, as API
// Gateway reports it: the sign-in and registration limits count by it.
func TestSourceIPIsTheClientsAddress(t *testing.T) {
	for remote, want := range map[string]string{
		"127.0.0.2:40123":     "127.0.0.2",
		"203.0.113.9:443":     "203.0.113.9",
		"[::1]:8080":          "::1",
		"[2001:db8::7]:51000": "2001:db8::7",
	} {
		r := httptest.NewRequest("GET", "/login", nil)
		r.RemoteAddr = remote
		if got := sourceIP(r); got != want {
			t.Errorf("sourceIP(%q) = %q, want %q", remote, got, want)
		}
	}
}
