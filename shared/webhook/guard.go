package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Resolver looks host names up (net.DefaultResolver, or a fake in tests).
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// Guard keeps webhook traffic away from private, loopback, link-local and
// other internal addresses — checked on the resolved address when a URL is
// saved (CheckURL) and again on the address actually dialled when sending
// (the sender in package hookhttp asks Allowed on the socket), so a name
// that later resolves inside is caught too.
//
// The rules are the domain's and stay here; only the socket is the
// adapter's. Resolving a name is part of the rule (a name is judged by
// the addresses it resolves to), so this package uses package net's
// resolver (behind Resolver, a fake in tests) — net, not net/http: no
// HTTP client, server or transport is reachable from here.
type Guard struct {
	Resolver Resolver
	// AllowLoopback admits loopback receivers. Only tests and the local
	// stack set it, in code; no deployed configuration can.
	AllowLoopback bool
}

var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"), // link-local, cloud metadata 169.254.169.254
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("224.0.0.0/4"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("::/128"),
	netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fe80::/10"),
	netip.MustParsePrefix("ff00::/8"),
}

// Transition forms that carry an IPv4 address inside an IPv6 one: the
// embedded address decides, so the metadata address cannot come in as
// ::a9fe:a9fe, 64:ff9b::a9fe:a9fe or 2002:a9fe:a9fe::1.
var (
	ipv4Compatible = netip.MustParsePrefix("::/96")          // deprecated IPv4-compatible
	nat64          = netip.MustParsePrefix("64:ff9b::/96")   // well-known NAT64
	nat64Local     = netip.MustParsePrefix("64:ff9b:1::/48") // local-use NAT64: any embedding, so refused
	sixToFour      = netip.MustParsePrefix("2002::/16")      // 6to4: IPv4 in bits 16–47
	teredo         = netip.MustParsePrefix("2001::/32")      // Teredo: the server and client are obfuscated, so refused
)

// Allowed reports whether an address may receive webhooks. A zoned
// address (fe80::1%eth0) names an interface of this host and is refused,
// and so is any IPv4-mapped one (::ffff:0:0/96), whatever it maps: no
// public receiver is addressed that way, and how a stack routes one
// (as IPv4, or not at all) is the stack's choice, not the guard's.
// Addresses a resolver returns are unmapped before they get here (lookup).
func (g Guard) Allowed(ip netip.Addr) bool {
	if !ip.IsValid() || ip.Zone() != "" || ip.Is4In6() {
		return false
	}
	if g.AllowLoopback && ip.IsLoopback() {
		return true
	}
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64Local.Contains(ip), teredo.Contains(ip):
			return false
		case nat64.Contains(ip), ipv4Compatible.Contains(ip):
			return g.Allowed(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
		case sixToFour.Contains(ip):
			return g.Allowed(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
		}
	}
	for _, p := range blocked {
		if p.Contains(ip) {
			return false
		}
	}
	return !ip.IsLoopback() && !ip.IsPrivate() && !ip.IsLinkLocalUnicast() && !ip.IsMulticast() && !ip.IsUnspecified()
}

func (g Guard) resolver() Resolver {
	if g.Resolver != nil {
		return g.Resolver
	}
	return net.DefaultResolver
}

// ErrRefused is a URL or address the guard refuses.
var ErrRefused = errors.New("refused webhook address")

// CheckURL vets a webhook URL when it is saved: https, a host name or public
// address, and every address the name resolves to public.
func (g Guard) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("must be an absolute https URL")
	}
	if u.Scheme != "https" {
		return fmt.Errorf("must start with https://")
	}
	if u.User != nil {
		return fmt.Errorf("must not carry a user name or password")
	}
	host := u.Hostname()
	lower := strings.ToLower(strings.TrimSuffix(host, "."))
	if !g.AllowLoopback && (lower == "localhost" || strings.HasSuffix(lower, ".localhost") || strings.HasSuffix(lower, ".internal") || strings.HasSuffix(lower, ".local")) {
		return fmt.Errorf("must point at a public host, not %s", host)
	}
	ips, err := g.Resolve(ctx, host)
	if err != nil {
		return fmt.Errorf("host %s could not be resolved", host)
	}
	for _, ip := range ips {
		if !g.Allowed(ip) {
			return fmt.Errorf("must point at a public address; %s resolves to %s, which is private, loopback or link-local", host, ip)
		}
	}
	return nil
}

// Resolve returns the addresses host resolves to with the guard's
// resolver (a literal address is itself), each unmapped, allowed or not:
// the caller asks Allowed of each.
func (g Guard) Resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	addrs, err := g.resolver().LookupIPAddr(ctx, host)
	if err != nil {
		return nil, err
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("no addresses for %s", host)
	}
	out := make([]netip.Addr, 0, len(addrs))
	for _, a := range addrs {
		if ip, ok := netip.AddrFromSlice(a.IP); ok {
			// Go's resolver hands IPv4 answers over in their 16-byte
			// form, which reads as IPv4-mapped: they are plain IPv4.
			out = append(out, ip.Unmap())
		}
	}
	return out, nil
}
