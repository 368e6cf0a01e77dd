package webhook

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
)

type fakeResolver map[string][]string

func (f fakeResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	ips, ok := f[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	var out []net.IPAddr
	for _, s := range ips {
		out = append(out, net.IPAddr{IP: net.ParseIP(s)})
	}
	return out, nil
}

func TestAllowed(t *testing.T) {
	g := Guard{}
	for _, s := range []string{"10.0.0.1", "127.0.0.1", "169.254.169.254", "172.16.5.5", "192.168.1.1", "100.64.0.1", "0.0.0.0",
		"::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "224.0.0.1", "255.255.255.255"} {
		if g.Allowed(netip.MustParseAddr(s)) {
			t.Errorf("%s is allowed", s)
		}
	}
	for _, s := range []string{"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "64:ff9b::5db8:d822"} {
		if !g.Allowed(netip.MustParseAddr(s)) {
			t.Errorf("%s is refused", s)
		}
	}
	if !(Guard{AllowLoopback: true}).Allowed(netip.MustParseAddr("127.0.0.1")) {
		t.Error("the local-only setting does not admit loopback")
	}
}

// IPv6 forms that carry an internal IPv4 address, and zoned literals, are
// refused; the same forms around a public address pass where they can be
// decoded.
func TestAllowedTransitionForms(t *testing.T) {
	g := Guard{}
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"fe80::1%eth0", false},                         // zoned link-local
		{"2606:2800:220:1::1%eth0", false},              // zoned, even if public
		{"64:ff9b::a9fe:a9fe%eth0", false},              // zoned NAT64
		{"::a9fe:a9fe", false},                          // IPv4-compatible 169.254.169.254
		{"::7f00:1", false},                             // IPv4-compatible 127.0.0.1
		{"::5db8:d822", true},                           // IPv4-compatible 93.184.216.34
		{"64:ff9b::a9fe:a9fe", false},                   // NAT64 169.254.169.254
		{"64:ff9b::a00:1", false},                       // NAT64 10.0.0.1
		{"64:ff9b::5db8:d822", true},                    // NAT64 93.184.216.34
		{"64:ff9b:1::a9fe:a9fe", false},                 // local-use NAT64
		{"2002:a9fe:a9fe::1", false},                    // 6to4 169.254.169.254
		{"2002:7f00:1::1", false},                       // 6to4 127.0.0.1
		{"2002:c0a8:101::1", false},                     // 6to4 192.168.1.1
		{"2002:5db8:d822::1", true},                     // 6to4 93.184.216.34
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", false}, // Teredo
		{"2001:db8::1", false},                          // documentation
		{"::ffff:169.254.169.254", false},               // IPv4-mapped
	} {
		if got := g.Allowed(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("Allowed(%s) = %v, want %v", tc.addr, got, tc.want)
		}
	}
	ctx := context.Background()
	for _, bad := range []string{"https://[fe80::1%25eth0]/", "https://[64:ff9b::a9fe:a9fe]/", "https://[::a9fe:a9fe]/",
		"https://[2002:a9fe:a9fe::1]/", "https://[64:ff9b::a9fe:a9fe%25eth0]/"} {
		if err := g.CheckURL(ctx, bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if (Guard{AllowLoopback: true}).Allowed(netip.MustParseAddr("::1%lo")) {
		t.Error("the local-only setting admits a zoned loopback address")
	}
}

func TestCheckURL(t *testing.T) {
	g := Guard{Resolver: fakeResolver{"hooks.partner.example": {"93.184.216.34"}, "evil.example": {"93.184.216.34", "127.0.0.1"}}}
	ctx := context.Background()
	if err := g.CheckURL(ctx, "https://hooks.partner.example/tandem"); err != nil {
		t.Errorf("public URL refused: %v", err)
	}
	for _, bad := range []string{"https://10.0.0.1/", "https://localhost/", "https://evil.example/x", "http://hooks.partner.example/",
		"https://[::1]/", "https://169.254.169.254/latest/meta-data", "https://user:pw@hooks.partner.example/", "https://nowhere.example/"} {
		if err := g.CheckURL(ctx, bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// IPv4-mapped IPv6 addresses (::ffff:0:0/96) are refused whatever they
// map — a public address, a private one, loopback even where loopback is
// allowed — as literals in a URL and on the socket; a name that resolves
// to a plain IPv4 address (which Go's resolver hands over in its 16-byte
// form) still passes.
func TestAllowedRefusesIPv4Mapped(t *testing.T) {
	for _, g := range []Guard{{}, {AllowLoopback: true}} {
		for _, s := range []string{"::ffff:93.184.216.34", "::ffff:5db8:d822", "::ffff:10.0.0.1", "::ffff:192.168.1.1",
			"::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:0.0.0.0"} {
			if g.Allowed(netip.MustParseAddr(s)) {
				t.Errorf("Guard{AllowLoopback: %v}.Allowed(%s) = true, want false", g.AllowLoopback, s)
			}
		}
	}
	g := Guard{Resolver: fakeResolver{"hooks.partner.example": {"93.184.216.34"}, "mapped.example": {"::ffff:10.0.0.1"}}}
	ctx := context.Background()
	for _, bad := range []string{"https://[::ffff:93.184.216.34]/", "https://[::ffff:5db8:d822]/", "https://[::ffff:10.0.0.1]/",
		"https://[::ffff:127.0.0.1]/", "https://[::ffff:a9fe:a9fe]/", "https://mapped.example/"} {
		if err := g.CheckURL(ctx, bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if err := g.CheckURL(ctx, "https://hooks.partner.example/tandem"); err != nil {
		t.Errorf("a name resolving to a public IPv4 address refused: %v", err)
	}
}
