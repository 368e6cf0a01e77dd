// Package httpapptest runs Tandem's HTTP functions in process: the domain
// services on store/memstore, every route of routes.Table through the real
// router (httpapp.Router(...).Function(fn)(ctx, event)) with API Gateway
// payload 2.0 events built as the local gateway builds them, bearer tokens
// turned into principals by the real authorizer, and console pages reached
// by a Browser that keeps cookies and submits the forms a page offers.
// Every /v1/ exchange is held to openapi.yaml. Nothing here listens on a
// port or needs DynamoDB: a test of a route takes milliseconds.
package httpapptest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/httpapp"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/routes"
	"github.com/tandemhq/tandem/shared/sending"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

// Installation constants of an Env.
const (
	BaseURL       = "https://tandem.test"
	Sender        = "Tandem <no-reply@tandem.test>"
	OperatorEmail = "ops@tandem.test"
	signingKey    = "httpapptest-signing-key-0123456789abcdef"
)

// Env is one installation in process.
type Env struct {
	T        testing.TB
	Store    *memstore.Store
	Services *app.Services
	Router   *router.Router
	// Authorizer turns bearer tokens into the principals token routes see.
	Authorizer *router.Authorizer
	// Operator is an operator's bearer token.
	Operator string
	// Spec, when true (the default), holds every /v1/ exchange to
	// openapi.yaml; Checked counts the exchanges it validated.
	Spec    bool
	Checked int
	// Stripe is the installation's payment provider.
	Stripe *Stripe

	mu sync.Mutex
	*Clock
	handlers map[string]router.LambdaHandler
}

// Option changes an Env's configuration before its services are built.
type Option func(*app.Config)

// New returns an empty installation whose clock stands at 2026-11-23 09:00
// UTC until Advance moves it.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	e := &Env{T: t, Spec: true, Clock: NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)), handlers: map[string]router.LambdaHandler{}}
	keys := keyring.Fixed("test", []byte(signingKey))
	e.Store = memstore.New(keys)
	c := app.Config{
		BaseURL: BaseURL, Sender: Sender, OperatorEmails: []string{OperatorEmail}, Keys: keys,
		Now: e.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		// memstore never stalls; a loaded -race run must not hit the bound.
		APIDeadline: time.Minute,
		// No DNS in tests: every webhook host resolves to a public address.
		WebhookResolver: publicResolver{},
		Identities:      &sending.Fake{},
	}
	e.Stripe = newStripe()
	c.Payments = e.Stripe
	for _, o := range opts {
		o(&c)
	}
	e.Services = app.NewServices(e.Store, c)
	e.Router = httpapp.Router(e.Services, httpapp.EveryRoute(e.Services))
	e.Authorizer = &router.Authorizer{Credentials: e.Store, Log: c.Log, Deadline: time.Minute}
	for _, f := range routes.Functions {
		if f.Kind == routes.HTTP {
			e.handlers[f.Name] = e.Router.Function(f.Name)
		}
	}
	plain, hash := auth.NewToken("tdm_")
	if err := e.Store.PutOperatorCredential(context.Background(), hash, "test-operator"); err != nil {
		t.Fatal(err)
	}
	e.Operator = plain
	return e
}

// Clock is a settable clock for tests: an Env's, and the end-to-end
// harness's (scripts/localtest).
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

type publicResolver struct{}

func (publicResolver) LookupIPAddr(context.Context, string) ([]net.IPAddr, error) {
	return []net.IPAddr{{IP: net.ParseIP("93.184.215.14")}}, nil
}

// Request is one HTTP request to the installation.
type Request struct {
	Method string
	// Path may carry a query string.
	Path string
	// Token is sent as Authorization: Bearer.
	Token string
	// Body is sent as JSON unless it is url.Values (a form) or []byte
	// (sent as is, with Headers' content-type).
	Body    any
	Headers map[string]string
	Cookies []string
	// SourceIP is the client's address API Gateway reports; "" for
	// DefaultSourceIP.
	SourceIP string
}

// DefaultSourceIP is the client address of a request that names none.
const DefaultSourceIP = "198.51.100.7"

// Response is what the function answered.
type Response struct {
	T       testing.TB
	Route   routes.Route
	Status  int
	Headers map[string]string
	Cookies []string
	Body    []byte
}

// Do sends a JSON request with a bearer token ("" for none) and extra
// headers as name, value pairs.
func (e *Env) Do(method, path, token string, body any, headers ...string) *Response {
	e.T.Helper()
	h := map[string]string{}
	for i := 0; i+1 < len(headers); i += 2 {
		h[strings.ToLower(headers[i])] = headers[i+1]
	}
	return e.Serve(Request{Method: method, Path: path, Token: token, Body: body, Headers: h})
}

// Serve routes r as API Gateway would: to the function the table gives its
// route, through the authorizer first when the route takes a token.
func (e *Env) Serve(r Request) *Response {
	e.T.Helper()
	rawPath, rawQuery, _ := strings.Cut(r.Path, "?")
	route, params, known := routes.Match(r.Method, rawPath)
	if route.Path == "" {
		e.T.Fatalf("%s %s matches no route of the table (path known: %v)", r.Method, r.Path, known)
	}
	headers := map[string]string{}
	var body []byte
	switch b := r.Body.(type) {
	case nil:
	case url.Values:
		body = []byte(b.Encode())
		headers["content-type"] = "application/x-www-form-urlencoded"
	case []byte:
		body = b
		if len(b) == 0 {
			delete(r.Headers, "content-type")
		}
	default:
		var err error
		if body, err = json.Marshal(b); err != nil {
			e.T.Fatalf("%s %s: body: %v", r.Method, r.Path, err)
		}
		headers["content-type"] = "application/json"
	}
	for k, v := range r.Headers {
		headers[strings.ToLower(k)] = v
	}
	if r.Token != "" {
		headers["authorization"] = "Bearer " + r.Token
	}
	ev := e.event(r.Method, rawPath, rawQuery, route, params, headers, r.Cookies, body)
	if r.SourceIP != "" {
		ev.RequestContext.HTTP.SourceIP = r.SourceIP
	}
	res := &Response{T: e.T, Route: route}
	if route.Auth == routes.Token && r.Token != "" {
		out, err := e.Authorizer.Handle(context.Background(), events.APIGatewayV2CustomAuthorizerV2Request{
			Version: "2.0", Type: "REQUEST", IdentitySource: []string{headers["authorization"]},
			RouteKey: ev.RouteKey, RawPath: ev.RawPath, Headers: ev.Headers, RequestContext: ev.RequestContext,
		})
		if err != nil || !out.IsAuthorized {
			e.T.Fatalf("%s %s: the authorizer failed: %v", r.Method, r.Path, err)
		}
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: out.Context}
	}
	// Without an Authorization header API Gateway would answer 401 itself;
	// the function is called anyway, so its own refusal is tested too.
	out, err := e.handlers[route.Function](context.Background(), ev)
	if err != nil {
		e.T.Fatalf("%s %s: the function returned an error: %v", r.Method, r.Path, err)
	}
	res.Status, res.Headers, res.Cookies, res.Body = out.StatusCode, out.Headers, out.Cookies, []byte(out.Body)
	if out.IsBase64Encoded {
		res.Body, _ = base64.StdEncoding.DecodeString(out.Body)
	}
	if e.Spec && strings.HasPrefix(rawPath, "/v1/") {
		e.checkSpec(r.Method, rawPath, rawQuery, headers, body, res)
	}
	return res
}

// event is the API Gateway payload 2.0 event of a request, as the local
// gateway builds it (path parameters decoded, cookies apart).
func (e *Env) event(method, rawPath, rawQuery string, route routes.Route, params, headers map[string]string, cookies []string, body []byte) events.APIGatewayV2HTTPRequest {
	now := e.Now()
	query := map[string]string{}
	if q, err := url.ParseQuery(rawQuery); err == nil {
		for k, vs := range q {
			query[k] = strings.Join(vs, ",")
		}
	}
	decoded := map[string]string{}
	for k, v := range params {
		if u, err := url.PathUnescape(v); err == nil {
			v = u
		}
		decoded[k] = v
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: route.Key(), RawPath: rawPath, RawQueryString: rawQuery,
		Cookies: cookies, Headers: headers, QueryStringParameters: query, PathParameters: decoded, Body: string(body),
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: route.Key(), Stage: "$default", RequestID: ident.ULID(now), DomainName: strings.TrimPrefix(BaseURL, "https://"),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: rawPath, Protocol: "HTTP/1.1", SourceIP: DefaultSourceIP, UserAgent: "httpapptest"},
		},
	}
	return ev
}

// JSON decodes the body as an object (fails the test if it is not one).
func (r *Response) JSON() map[string]any {
	r.T.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		r.T.Fatalf("%s: %d, body is not a JSON object: %v: %.300s", r.Route.Key(), r.Status, err, r.Body)
	}
	return m
}

// Str is a string field of the JSON body.
func (r *Response) Str(field string) string {
	r.T.Helper()
	s, _ := r.JSON()[field].(string)
	return s
}

// Decode decodes the JSON body into v.
func (r *Response) Decode(v any) {
	r.T.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.T.Fatalf("%s: decode %.300s: %v", r.Route.Key(), r.Body, err)
	}
}

// Location is the redirect target.
func (r *Response) Location() string { return r.Headers["location"] }

// Expect fails the test unless the response has status; what names the step.
func (r *Response) Expect(status int, what string) *Response {
	r.T.Helper()
	if r.Status != status {
		r.T.Fatalf("%s: got %d %.400s, want %d", what, r.Status, r.Body, status)
	}
	return r
}

// Mails are the messages enqueued so far to address to (all when "").
func (e *Env) Mails(to string) []notify.Message {
	var out []notify.Message
	for _, m := range e.Store.Outbox() {
		if m.Channel != notify.Email {
			continue
		}
		for _, a := range m.To {
			if to == "" || strings.EqualFold(a, to) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

var linkRE = regexp.MustCompile(regexp.QuoteMeta(BaseURL) + `/[^\s"'<>\\]+`)

// Links are the installation's links in the messages, in order, whose path
// contains part.
func Links(msgs []notify.Message, part string) []string {
	var out []string
	for _, m := range msgs {
		b, _ := json.Marshal(m.Data)
		for _, l := range linkRE.FindAllString(string(b), -1) {
			if strings.Contains(l, part) {
				out = append(out, strings.TrimPrefix(l, BaseURL))
			}
		}
	}
	return out
}

// LastLink is the path of the last link containing part mailed to to.
func (e *Env) LastLink(to, part string) string {
	e.T.Helper()
	ls := Links(e.Mails(to), part)
	if len(ls) == 0 {
		e.T.Fatalf("no link with %q mailed to %s", part, to)
	}
	return ls[len(ls)-1]
}

// Token is the last segment of a link's path (without its query).
func Token(link string) string {
	link, _, _ = strings.Cut(link, "?")
	return link[strings.LastIndex(link, "/")+1:]
}
