package hookhttp

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/webhook"
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

// A name that resolved to a public address when saved but to loopback when
// sending (DNS rebinding) is refused at connect time.
func TestClientRefusesAtSendTime(t *testing.T) {
	hit := false
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit = true }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "https://"))
	g := webhook.Guard{Resolver: fakeResolver{"rebind.example": {"127.0.0.1"}}}
	_, err := Client(g, nil).Get("https://rebind.example:" + port + "/")
	if !errors.Is(err, webhook.ErrRefused) || hit {
		t.Fatalf("got %v (receiver hit: %v), want a refusal before connecting", err, hit)
	}
	if _, err := Client(g, nil).Get("https://127.0.0.1:" + port + "/"); !errors.Is(err, webhook.ErrRefused) {
		t.Fatalf("loopback literal: got %v, want a refusal", err)
	}
	// Redirects are not followed.
	redir := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://169.254.169.254/", http.StatusFound)
	}))
	defer redir.Close()
	res, err := Client(webhook.Guard{AllowLoopback: true}, poolOf(redir)).Get(redir.URL)
	if err != nil || res.StatusCode != http.StatusFound {
		t.Fatalf("redirect: %v %v, want the 302 itself", res, err)
	}
}

func poolOf(s *httptest.Server) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.Certificate())
	return p
}

// The domain's poster over this sender: the receiver gets a request its
// member's secret verifies, and every attempt is recorded with its answer;
// a refused address is a permanent failure, never retried.
func TestPosterOverHTTPS(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	now := time.Now().UTC().Truncate(time.Second)
	status := http.StatusNoContent
	var verified error
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h := webhook.Headers{ID: r.Header.Get("webhook-id"), Timestamp: r.Header.Get("webhook-timestamp"), Signature: r.Header.Get("webhook-signature")}
		verified = webhook.Verify([]string{secret}, h, body, now)
		if r.Header.Get("Content-Type") != "application/json" || h.ID != "out_1" {
			verified = errors.New("wrong content type or webhook-id: " + r.Header.Get("Content-Type") + " " + h.ID)
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	st := &fakeStore{secrets: webhook.SecretSet{MemberID: "mem_1", Current: secret}}
	p := &webhook.Poster{Store: st, Sender: New(webhook.Guard{AllowLoopback: true}, poolOf(srv))}
	call := notify.HookCall{MemberID: "mem_1", DepartmentID: "dep_1", URL: srv.URL + "/hook", EventType: "case.opened", Body: []byte(`{"type":"case.opened"}`)}
	ctx := context.Background()

	if err := p.Post(ctx, "out_1", 1, call, now); err != nil || verified != nil {
		t.Fatalf("Post: %v; the receiver's verification: %v", err, verified)
	}
	status = http.StatusInternalServerError
	if err := p.Post(ctx, "out_1", 2, call, now); err == nil || errors.Is(err, notify.ErrPermanent) {
		t.Fatalf("a 500 answer: got %v, want an error worth a retry", err)
	}
	refused := call
	refused.URL = "https://10.0.0.1/hook"
	if err := p.Post(ctx, "out_1", 3, refused, now); !errors.Is(err, notify.ErrPermanent) || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("a private address: got %v, want a permanent refusal", err)
	}
	want := []struct {
		status int
		ok     bool
	}{{http.StatusNoContent, true}, {http.StatusInternalServerError, false}, {0, false}}
	if len(st.recorded) != len(want) {
		t.Fatalf("recorded %d attempts, want %d", len(st.recorded), len(want))
	}
	for i, w := range want {
		d := st.recorded[i]
		if d.Status != w.status || d.OK != w.ok || d.Attempt != i+1 || d.MessageID != "out_1" || (d.Error == "") != w.ok {
			t.Errorf("attempt %d recorded as %+v, want status %d, ok %v", i+1, d, w.status, w.ok)
		}
	}
}

type fakeStore struct {
	mu       sync.Mutex
	secrets  webhook.SecretSet
	recorded []webhook.Delivery
}

func (f *fakeStore) GetWebhookSecrets(context.Context, string) (webhook.SecretSet, error) {
	return f.secrets, nil
}

func (f *fakeStore) RecordDelivery(_ context.Context, d webhook.Delivery) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recorded = append(f.recorded, d)
	return nil
}

func (f *fakeStore) GetDepartment(context.Context, string) (department.Department, error) {
	return department.Department{}, errors.New("not in this test")
}

func (f *fakeStore) DisableWebhook(context.Context, string, []notify.Message) error {
	return errors.New("not in this test")
}

func (f *fakeStore) ListMemberUsers(context.Context, string) ([]member.User, error) {
	return nil, errors.New("not in this test")
}
