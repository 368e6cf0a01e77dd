// Package localtest runs Tandem end to end for tests: a fresh table on the
// DynamoDB Local and the local SES that `make test` started, the real app
// behind the local gateway on a loopback port, the stream poller feeding the
// notifier, and an HTTP client that holds every exchange to openapi.yaml.
package localtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/tandemhq/tandem/scripts/gateway"
	"github.com/tandemhq/tandem/scripts/localstack"
	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/awsclient"
	"github.com/tandemhq/tandem/shared/httpapp"
	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"
	"github.com/tandemhq/tandem/shared/notify/sesmail"
	"github.com/tandemhq/tandem/shared/payment/stripecheckout"
	"github.com/tandemhq/tandem/shared/sending"
	"github.com/tandemhq/tandem/shared/store"
	"github.com/tandemhq/tandem/shared/store/storetest"
)

// Env is one running installation for a test.
type Env struct {
	T        storetest.T
	App      *httpapp.App
	Gateway  *gateway.Gateway
	URL      string
	Operator string
	SES      SESStore
	// Domain is unique to this test: mail addresses under it reach only it.
	Domain string
	// Identities is the fake SES identity API (sending domains): a test
	// verifies a domain with Identities.Verify.
	Identities *sending.Fake
	// Checkout is the test's local Stripe Checkout in front of the stack's
	// stripe-mock (TANDEM_TEST_STRIPE); its events are signed with
	// StripeSecret. Nil outside scripts/stack: online payment answers 503.
	Checkout     *localstack.Checkout
	StripeSecret string
	client       *http.Client
}

// Option adjusts the configuration before the app is built.
type Option func(*app.Config)

// New starts an installation for t on the shared DynamoDB Local; it is
// torn down when t ends.
func New(t storetest.T, opts ...Option) *Env {
	t.Helper()
	ddb := storetest.Endpoint(t)
	return newOn(t, ddb, storetest.NewTable(t, storetest.Client(t)), opts)
}

// Isolated starts an installation for t on a DynamoDB Local of its own
// (about 2 s to start), stopped when t ends. It is for tests that write
// thousands of items: DynamoDB Local keeps every stream record, deleted
// tables' too, and every stream read of every table costs more with each
// one it keeps — an empty GetRecords on a new table took 0.8 ms of the
// emulator's CPU on a fresh Local and 12 ms after 10,000 records written to
// another, since deleted, table (other calls did not change) — so such a
// test on the shared Local slows every stream poller after it.
func Isolated(t storetest.T, opts ...Option) *Env {
	t.Helper()
	p, err := localstack.StartDynamoDBForTests(context.Background(), 0, "")
	if err != nil {
		t.Fatalf("own DynamoDB Local: %v", err)
	}
	t.Cleanup(p.Stop)
	db := awsclient.DynamoDB(storetest.Config(t), p.Endpoint)
	return newOn(t, p.Endpoint, storetest.NewTable(t, db), opts)
}

func newOn(t storetest.T, ddb, tableName string, opts []Option) *Env {
	t.Helper()
	started := time.Now()
	sesEndpoint := storetest.SESEndpoint(t)

	level := slog.LevelError
	if os.Getenv("TANDEM_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	cfg := app.Config{
		Table: tableName, BaseURL: "http://placeholder", Sender: "Tandem <no-reply@tandem.test>",
		OperatorEmails: []string{"ops@operators.test"}, SigningKey: storetest.SigningKey,
		AWS:                   awsclient.Options{DynamoDBEndpoint: ddb, SESEndpoint: sesEndpoint},
		AllowLoopbackWebhooks: true, Log: log, Identities: &sending.Fake{},
		// Parallel tests and packages share one DynamoDB Local on a small
		// machine; a call can queue for seconds behind a thousand-item
		// test. The 2 s production deadline would turn that queueing into
		// 503s, so the harness waits longer; TestStalledTableIsA503 checks
		// the production deadline itself (it sets APIDeadline back to router.Deadline).
		APIDeadline: 15 * time.Second,
	}
	// The server's address is needed for links in mail before the app is
	// built: listen first.
	srv := httptest.NewUnstartedServer(nil)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	var checkout *localstack.Checkout
	if mock := os.Getenv("TANDEM_TEST_STRIPE"); mock != "" {
		secret := localstack.NewWebhookSecret()
		co, err := localstack.NewCheckout(mock, cfg.BaseURL+"/v1/hooks/stripe", secret)
		if err != nil {
			t.Fatal(err)
		}
		cs := httptest.NewServer(co)
		t.Cleanup(cs.Close)
		co.URL, checkout = cs.URL, co
		cfg.Stripe = app.StripeConfig{APIKey: "sk_test_local", WebhookSecret: secret, APIBase: cs.URL}
	}
	for _, o := range opts {
		o(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	awsCfg, err := awsclient.Load(ctx, cfg.AWS)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MailSender == nil {
		cfg.MailSender = sesmail.New(awsclient.Sending(awsCfg), cfg.AWS.SESEndpoint, "")
	}
	// The app's client is built from the configuration after the options,
	// so fault injection (APIOptions) reaches it; the table was created
	// without faults.
	db := awsclient.DynamoDB(awsCfg, ddb)
	if err := stripecheckout.Use(ctx, &cfg, awsCfg); err != nil {
		t.Fatal(err)
	}
	a, err := httpapp.BuildWith(cfg, awsCfg, db)
	if err != nil {
		t.Fatal(err)
	}
	gw := gateway.New(a, gateway.StreamsClient(awsCfg, ddb), log)
	if err := gw.Start(ctx, false); err != nil {
		cancel()
		t.Fatal(err)
	}
	// Stop the poller, and let it finish its batch, before the table goes.
	t.Cleanup(func() { cancel(); gw.Wait() })
	srv.Config.Handler = gw
	srv.Start()
	t.Cleanup(srv.Close)

	op, hash := auth.NewToken(auth.TokenPrefix)
	if err := a.Store.PutOperatorCredential(ctx, hash, "test-operator"); err != nil {
		t.Fatal(err)
	}
	var b [5]byte
	_, _ = rand.Read(b[:])
	e := &Env{
		T: t, App: a, Gateway: gw, URL: srv.URL, Operator: op,
		// The local SES stamps mail with its wall clock in whole seconds;
		// a second's margin keeps a mail sent as the environment started.
		SES:    SESStore{Endpoint: sesEndpoint, Since: started.Unix() - 1},
		Domain: "t" + hex.EncodeToString(b[:]) + ".example",
	}
	e.Identities, _ = cfg.Identities.(*sending.Fake)
	e.Checkout, e.StripeSecret = checkout, cfg.Stripe.WebhookSecret
	e.client = &http.Client{Transport: newContractChecker(t, http.DefaultTransport), Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return e
}

// Addr returns a mail address under the test's own domain.
func (e *Env) Addr(local string) string { return local + "@" + e.Domain }

// Response is an answer from the gateway.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map.
func (r Response) JSON() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.Body, &m)
	return m
}

// Decode decodes the body into v.
func (r Response) Decode(t storetest.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Str returns a top-level string field.
func (r Response) Str(k string) string { s, _ := r.JSON()[k].(string); return s }

// ErrorFields returns the error's field map.
func (r Response) ErrorFields() map[string]any {
	e, _ := r.JSON()["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	return f
}

// ErrorMessage returns the error's message.
func (r Response) ErrorMessage() string {
	e, _ := r.JSON()["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

// Do sends a request; body may be nil, []byte, string or a value to encode
// as JSON. headers are name, value pairs.
func (e *Env) Do(method, path, token string, body any, headers ...string) Response {
	e.T.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ct = bytes.NewReader(b), "application/json"
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd, ct = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.client.Do(req)
	if err != nil {
		e.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return Response{Status: res.StatusCode, Header: res.Header, Body: out}
}

// Flush waits until the notifications written so far reached the notifier.
func (e *Env) Flush() {
	e.T.Helper()
	e.FlushWithin(30 * time.Second)
}

// FlushWithin is Flush with a longer wait, for tests that put a large
// backlog on the stream (a thousand notifications under injected faults,
// on a loaded CI machine with the race detector, take minutes, not seconds).
func (e *Env) FlushWithin(d time.Duration) {
	e.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if err := e.Gateway.Flush(ctx); err != nil {
		e.T.Fatalf("flush the stream within %s: %v", d, err)
	}
}

// Mail waits for a mail to addr that is subject: a template's name
// (case_new) or words of its subject (Mail.Is).
func (e *Env) Mail(addr, subject string) Mail {
	e.T.Helper()
	e.Flush()
	m, err := e.SES.Wait(context.Background(), addr, subject, 10*time.Second)
	if err != nil {
		e.T.Fatal(err)
	}
	e.show(m)
	return m
}

// show logs a mail as the local SES received it when TANDEM_SHOW_MAIL is
// set (go test -v): what a person would read.
func (e *Env) show(m Mail) {
	if os.Getenv("TANDEM_SHOW_MAIL") == "" {
		return
	}
	e.T.Logf("mail as received by the local SES\nFrom: %s\nTo: %s\nCc: %s\nBcc: %s\nReply-To: %s\nSubject: %s\n\n%s",
		m.From, strings.Join(m.Destination.To, ", "), strings.Join(m.Destination.Cc, ", "), strings.Join(m.Destination.Bcc, ", "),
		strings.Join(m.ReplyTo, ", "), m.Subject, m.Body.Text)
}

// NthMail waits for the nth mail (from 1) to addr that Is subject: the one after n-1 seen before, when an address gets the same
// mail again (a second sign-in link).
func (e *Env) NthMail(addr, subject string, n int) Mail {
	e.T.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var got []Mail
		for _, m := range e.MailsTo(addr) {
			if m.Is(subject) {
				got = append(got, m)
			}
		}
		if len(got) >= n {
			e.show(got[n-1])
			return got[n-1]
		}
		if time.Now().After(deadline) {
			e.T.Fatalf("mail %d to %s with subject containing %q: only %d arrived", n, addr, subject, len(got))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// MailsTo returns the mails to addr after flushing the stream.
func (e *Env) MailsTo(addr string) []Mail {
	e.T.Helper()
	e.Flush()
	m, err := e.SES.To(context.Background(), addr)
	if err != nil {
		e.T.Fatal(err)
	}
	return m
}

// Clock is a settable clock for tests.
type Clock = httpapptest.Clock

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return httpapptest.NewClock(t) }

// WithWebhookReceiver trusts a TLS test receiver's certificate.
func WithWebhookReceiver(srv *httptest.Server) Option {
	return func(cfg *app.Config) {
		pool := x509.NewCertPool()
		pool.AddCert(srv.Certificate())
		cfg.WebhookRootCAs = pool
	}
}

// WithClock runs the installation on a test clock.
func WithClock(c *Clock) Option { return func(cfg *app.Config) { cfg.Now = c.Now } }

// Metered sends a request straight into the gateway with a context that
// meters every DynamoDB call the request makes (authorizer included).
func (e *Env) Metered(method, path, token string, body any, headers ...string) (Response, *store.Meter) {
	e.T.Helper()
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			e.T.Fatal(err)
		}
	}
	m := &store.Meter{}
	// As if it came in on the gateway's listener from this machine, as
	// every other request of a test does (the gateway checks both).
	self := strings.TrimPrefix(e.URL, "http://")
	ctx := store.WithMeter(context.Background(), m)
	if addr, err := net.ResolveTCPAddr("tcp", self); err == nil {
		ctx = context.WithValue(ctx, http.LocalAddrContextKey, addr)
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(b)).WithContext(ctx)
	req.Host, req.RemoteAddr = self, "127.0.0.1:50000"
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.Gateway.ServeHTTP(rec, req)
	return Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}, m
}

// MailNth waits for the n-th (1-based) mail to addr whose subject contains
// subject, in the order the local SES received them.
func (e *Env) MailNth(addr, subject string, n int) Mail {
	e.T.Helper()
	e.Flush()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var matched []Mail
		mails, err := e.SES.To(context.Background(), addr)
		if err == nil {
			for _, m := range mails {
				if strings.Contains(m.Subject, subject) {
					matched = append(matched, m)
				}
			}
			if len(matched) >= n {
				return matched[n-1]
			}
		}
		if time.Now().After(deadline) {
			e.T.Fatalf("mail %d to %s with %q did not arrive (have %d, err %v)", n, addr, subject, len(matched), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
