// Package hookhttp sends package webhook's signed requests over HTTPS
// (webhook.Sender): through a client that resolves with the guard's
// resolver and dials only the addresses the guard allows, checked again on
// the socket, so a name that resolves inside after it was saved (DNS
// rebinding) reaches nothing. It follows no redirect, ignores proxy
// settings and gives up after Timeout. Only the functions that deliver
// the outbox (notifier, redrive) link it.
package hookhttp

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/webhook"
)

// Limits of a delivery.
const (
	Timeout      = 10 * time.Second
	MaxReadBytes = 64 << 10
)

// Sender posts webhook requests (webhook.Sender).
type Sender struct {
	client *http.Client
}

// New returns a sender whose client dials only what guard allows; roots
// adds certificate authorities to trust (tests' TLS receivers; nil: the
// system's).
func New(guard webhook.Guard, roots *x509.CertPool) *Sender {
	return &Sender{client: Client(guard, roots)}
}

// Send implements webhook.Sender: a POST of r's body with the Standard
// Webhooks headers. The answer's body is read (up to MaxReadBytes) and
// dropped, so the connection can be used again.
func (s *Sender) Send(ctx context.Context, r webhook.Request) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return 0, fmt.Errorf("webhook URL %q: %v: %w", r.URL, err, notify.ErrPermanent)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Tandem-Webhooks/1")
	req.Header.Set("webhook-id", r.Headers.ID)
	req.Header.Set("webhook-timestamp", r.Headers.Timestamp)
	req.Header.Set("webhook-signature", r.Headers.Signature)
	res, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, MaxReadBytes))
	res.Body.Close()
	return res.StatusCode, nil
}

// Client returns an HTTP client for deliveries: it resolves with guard's
// resolver and dials only allowed addresses (re-checked on the socket),
// follows no redirects, ignores proxy settings, and gives up after
// Timeout. A refused address is an error wrapping webhook.ErrRefused.
func Client(guard webhook.Guard, roots *x509.CertPool) *http.Client {
	dialer := &net.Dialer{
		Timeout: 5 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !guard.Allowed(ap.Addr()) {
				return fmt.Errorf("%w: %s", webhook.ErrRefused, address)
			}
			return nil
		},
	}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			ips, err := guard.Resolve(ctx, host)
			if err != nil {
				return nil, err
			}
			var last error = fmt.Errorf("%w: %s has no allowed address", webhook.ErrRefused, host)
			for _, ip := range ips {
				if !guard.Allowed(ip) {
					last = fmt.Errorf("%w: %s resolves to %s", webhook.ErrRefused, host, ip)
					continue
				}
				c, err := dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
				if err == nil {
					return c, nil
				}
				last = err
			}
			return nil, last
		},
		TLSClientConfig:       &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: Timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
