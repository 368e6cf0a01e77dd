// Package gateway is the local stand-in for API Gateway, the Lambda
// authorizer integration, the DynamoDB stream trigger and EventBridge: it
// turns HTTP requests into API Gateway payload 2.0 events and calls the very
// handlers the functions hand to lambda.Start, polls the table's stream into
// the notifier, and fires the scheduled functions.
package gateway

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/httpapp"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/routes"
	"github.com/tandemhq/tandem/shared/session"
	"github.com/tandemhq/tandem/shared/store"
)

// Gateway serves the API locally.
type Gateway struct {
	app      *httpapp.App
	handlers map[string]router.LambdaHandler
	poller   *Poller
	sched    *Scheduler
	log      *slog.Logger
}

// New returns a gateway over a wired app. streams may be nil: then nothing
// delivers outbox items but explicit Flush calls fail.
func New(a *httpapp.App, streams *dynamodbstreams.Client, log *slog.Logger) *Gateway {
	if log == nil {
		log = slog.Default()
	}
	g := &Gateway{app: a, handlers: map[string]router.LambdaHandler{}, log: log}
	for _, f := range routes.Functions {
		if f.Kind == routes.HTTP {
			g.handlers[f.Name] = a.HTTP(f.Name)
		}
	}
	if streams != nil {
		g.poller = NewPoller(streams, a.DB, a.Config.Table, a.Stream.HandleStream, log)
	}
	g.sched = NewScheduler(a.Jobs(), log)
	return g
}

// Start runs the stream poller and the scheduler until ctx ends.
// withSchedules=false leaves the timed schedules off (tests fire them by hand).
func (g *Gateway) Start(ctx context.Context, withSchedules bool) error {
	if g.poller != nil {
		if err := g.poller.Start(ctx); err != nil {
			return err
		}
	}
	if withSchedules {
		return g.sched.Start(ctx)
	}
	return nil
}

// Wait blocks until the background work started by Start has stopped (its
// context ended) and finished what it had in hand.
func (g *Gateway) Wait() {
	if g.poller != nil {
		<-g.poller.Done()
	}
}

// Flush waits until every stream record written so far went through the
// notifier.
func (g *Gateway) Flush(ctx context.Context) error {
	if g.poller == nil {
		return errors.New("gateway: no stream poller")
	}
	return g.poller.Flush(ctx)
}

// MailWait bounds how long RunSchedule waits for the mail a run caused:
// under the bench's intake load mail was 25–35 s behind its writes, and
// clients (the tests' among them) give up after 30 s.
const MailWait = 20 * time.Second

// RunSchedule runs schedule name at instant at, then waits until the
// notifier is through with the outbox items the run itself wrote: each sent
// (handed to SES, or posted), failed (due again later, or a dead letter) or
// held for a later time (a department's business hours). Other writes on
// the stream meanwhile are not waited for, so a run answers while clients
// write; under load it answers once the stream has reached its items,
// which lag the writes ahead of them, and after MailWait at the latest,
// with the items still waiting listed.
func (g *Gateway) RunSchedule(ctx context.Context, name string, at time.Time) (any, store.OutboxProgress, error) {
	var written store.OutboxLog
	out, err := g.sched.Run(store.WithOutboxLog(ctx, &written), name, at)
	if err != nil {
		return nil, store.OutboxProgress{}, err
	}
	mail, err := g.handedOver(ctx, written.IDs())
	return out, mail, err
}

// handedOver waits, up to MailWait, until the notifier is through with the
// outbox items ids (see RunSchedule) and says where they stand.
func (g *Gateway) handedOver(ctx context.Context, ids []string) (store.OutboxProgress, error) {
	now := g.app.Config.Now
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	var done store.OutboxProgress
	deadline := time.Now().Add(MailWait)
	for {
		p, err := g.app.Store.OutboxProgressOf(ctx, ids, now())
		if err != nil {
			return done, err
		}
		done.Sent, done.Failed, done.Held, done.Waiting = done.Sent+p.Sent, done.Failed+p.Failed, done.Held+p.Held, p.Waiting
		if len(p.Waiting) == 0 || g.poller == nil || time.Now().After(deadline) {
			return done, nil
		}
		ids = p.Waiting
		select {
		case <-ctx.Done():
			return done, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// ServeHTTP implements http.Handler. It serves only requests addressed
// to itself: a page of another name that resolves to this machine (DNS
// rebinding) would otherwise read and act with the browser's cookies.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !ownHost(r) {
		misdirected(w, r.Host)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/_local/") {
		g.serveLocal(w, r)
		return
	}
	route, params, pathKnown := routes.Match(r.Method, r.URL.EscapedPath())
	if route.Path == "" {
		if pathKnown {
			writeEvent(w, router.ErrorJSON(&apperr.Error{Kind: apperr.ErrNotFound, Message: fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path)}))
			return
		}
		writeEvent(w, router.ErrorJSON(apperr.NotFound("no such endpoint: %s %s", r.Method, r.URL.Path)))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, router.MaxBody+1))
	if err != nil {
		writeEvent(w, router.ErrorJSON(apperr.Malformed("the request body could not be read")))
		return
	}
	if len(body) > router.MaxBody {
		writeEvent(w, router.ErrorJSON(apperr.TooLarge("the request body is larger than 256 KiB")))
		return
	}
	ev := g.event(r, route, params, body)

	if route.Auth == routes.Token {
		authz := r.Header.Get("Authorization")
		if authz == "" {
			// API Gateway answers this itself, without calling the authorizer.
			writeEvent(w, router.ErrorJSON(apperr.Unauthorized("send an API token as Authorization: Bearer <token>")))
			return
		}
		res, err := g.app.Authorizer.Handle(r.Context(), events.APIGatewayV2CustomAuthorizerV2Request{
			Version: "2.0", Type: "REQUEST", RouteArn: "arn:local", IdentitySource: []string{authz},
			RouteKey: ev.RouteKey, RawPath: ev.RawPath, Headers: ev.Headers, RequestContext: ev.RequestContext,
		})
		if err != nil {
			writeEvent(w, router.ErrorJSON(apperr.Unavailable(err, "the authorizer failed; retry shortly")))
			return
		}
		if !res.IsAuthorized {
			writeEvent(w, router.ErrorJSON(apperr.Forbidden("forbidden")))
			return
		}
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: res.Context}
	}
	h := g.handlers[route.Function]
	if h == nil {
		writeEvent(w, router.ErrorJSON(fmt.Errorf("gateway: no handler for function %s", route.Function)))
		return
	}
	res, err := h(r.Context(), ev)
	if err != nil {
		// A Lambda returning an error is a 500 from API Gateway.
		g.log.Error("handler returned an error", "route", route.Key(), "err", err)
		writeEvent(w, router.ErrorJSON(err))
		return
	}
	writeResponse(w, res)
}

// event builds the API Gateway payload 2.0 event for r.
func (g *Gateway) event(r *http.Request, route routes.Route, params map[string]string, body []byte) events.APIGatewayV2HTTPRequest {
	now := time.Now().UTC()
	headers := map[string]string{}
	var cookies []string
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if lk == "cookie" {
			for _, v := range vs {
				for _, c := range strings.Split(v, ";") {
					cookies = append(cookies, strings.TrimSpace(c))
				}
			}
			continue
		}
		headers[lk] = strings.Join(vs, ",")
	}
	query := map[string]string{}
	for k, vs := range r.URL.Query() {
		query[k] = strings.Join(vs, ",")
	}
	decoded := map[string]string{}
	for k, v := range params {
		if u, err := urlUnescape(v); err == nil {
			decoded[k] = u
		} else {
			decoded[k] = v
		}
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: route.Key(), RawPath: r.URL.EscapedPath(), RawQueryString: r.URL.RawQuery,
		Cookies: cookies, Headers: headers, QueryStringParameters: query, PathParameters: decoded,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: route.Key(), AccountID: "000000000000", Stage: "$default", APIID: "local",
			RequestID: ident.ULID(now), DomainName: r.Host, DomainPrefix: "local",
			Time: now.Format("02/Jan/2006:15:04:05 -0700"), TimeEpoch: now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: r.Method, Path: r.URL.Path, Protocol: r.Proto, SourceIP: sourceIP(r), UserAgent: r.UserAgent(),
			},
		},
	}
	if textual(headers["content-type"]) && utf8.Valid(body) {
		ev.Body = string(body)
	} else if len(body) > 0 {
		ev.Body = base64.StdEncoding.EncodeToString(body)
		ev.IsBase64Encoded = true
	}
	return ev
}

func textual(ct string) bool {
	ct = strings.ToLower(ct)
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") || strings.Contains(ct, "x-www-form-urlencoded") || strings.Contains(ct, "xml")
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr // no port: the address alone
	}
	return host
}

func writeEvent(w http.ResponseWriter, r *router.Response) {
	writeResponse(w, router.ToEvent(r))
}

func writeResponse(w http.ResponseWriter, res events.APIGatewayV2HTTPResponse) {
	for k, v := range res.Headers {
		w.Header().Set(k, v)
	}
	for k, vs := range res.MultiValueHeaders {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	for _, c := range res.Cookies {
		w.Header().Add("Set-Cookie", c)
	}
	status := res.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	body := []byte(res.Body)
	if res.IsBase64Encoded {
		if b, err := base64.StdEncoding.DecodeString(res.Body); err == nil {
			body = b
		}
	}
	_, _ = w.Write(body)
}

// ownHost reports whether r names the gateway itself: Host is localhost,
// 127.0.0.1 or [::1] with the port the request came in on.
func ownHost(r *http.Request) bool {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return false
	}
	_, port, err := net.SplitHostPort(local.String())
	if err != nil {
		return false
	}
	host, hostPort, err := net.SplitHostPort(r.Host)
	if err != nil { // no port: the scheme's
		host, hostPort = strings.Trim(r.Host, "[]"), "80"
	}
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1":
		return hostPort == port
	}
	return false
}

// misdirected answers a request for another host with 421, in the API's
// error shape (no error kind of the API's maps to 421: it never sees one).
func misdirected(w http.ResponseWriter, host string) {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": "misdirected", "message": fmt.Sprintf(
		"this local gateway answers only to localhost, 127.0.0.1 or [::1] on its own port, not to Host %q", host)}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusMisdirectedRequest)
	_, _ = w.Write(b)
}

// serveLocal answers the local-only endpoints, only to this machine, and
// their POSTs only as JSON: a page of another site can post a form, text
// or nothing at all without asking first, but JSON only after a CORS
// preflight, which the gateway never grants.
func (g *Gateway) serveLocal(w http.ResponseWriter, r *http.Request) {
	if ip := net.ParseIP(sourceIP(r)); ip == nil || !ip.IsLoopback() {
		writeEvent(w, router.ErrorJSON(apperr.Forbidden("/_local/* answers only requests from this machine")))
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); r.Method == http.MethodPost && (err != nil || mt != "application/json") {
		writeEvent(w, router.ErrorJSON(apperr.UnsupportedMedia(
			"/_local/* takes POSTs only as JSON, so another site's page cannot send them: add -H 'Content-Type: application/json'")))
		return
	}
	if token, ok := strings.CutPrefix(r.URL.Path, "/_local/signin/"); ok && r.Method == http.MethodGet {
		// make run's one-click sign-in: the printed link is a sign-in
		// link whose confirmation this local-only endpoint makes.
		secret, _, next, err := g.app.Services.Sessions.SignIn(r.Context(), token)
		if err != nil {
			writeEvent(w, router.ErrorJSON(err))
			return
		}
		http.SetCookie(w, &http.Cookie{Name: session.CookieName, Value: secret, Path: "/", MaxAge: int(session.TTL.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	if fn, ok := strings.CutPrefix(r.URL.Path, "/_local/events/"); ok && r.Method == http.MethodPost {
		g.serveEvent(w, r, fn)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, "/_local/schedules/")
	if !ok || r.Method != http.MethodPost {
		writeEvent(w, router.ErrorJSON(apperr.NotFound("no such local endpoint: %s %s", r.Method, r.URL.Path)))
		return
	}
	at := time.Now().UTC()
	if v := r.URL.Query().Get("at"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			writeEvent(w, router.ErrorJSON(apperr.InvalidField("at", "must be an RFC 3339 time like 2027-01-15T06:00:00Z")))
			return
		}
		at = t.UTC()
	}
	out, mail, err := g.RunSchedule(r.Context(), name, at)
	if err != nil {
		writeEvent(w, router.ErrorJSON(err))
		return
	}
	b, _ := json.Marshal(map[string]any{"schedule": name, "at": at.Format(time.RFC3339), "summary": out, "mail": mail})
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// serveEvent hands the posted event to function fn as EventBridge would
// (POST /_local/events/mailevents with an SES event: what a bounce does)
// and answers with its result once the mail it caused has been handed on.
func (g *Gateway) serveEvent(w http.ResponseWriter, r *http.Request, fn string) {
	if f, ok := routes.FunctionByName(fn); !ok || f.Kind != routes.Event {
		writeEvent(w, router.ErrorJSON(apperr.NotFound("no event function %q", fn)))
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 256<<10))
	if err != nil {
		writeEvent(w, router.ErrorJSON(apperr.InvalidField("body", "could not be read")))
		return
	}
	var written store.OutboxLog
	out, err := g.Invoke(store.WithOutboxLog(r.Context(), &written), fn, raw)
	if err != nil {
		writeEvent(w, router.ErrorJSON(apperr.InvalidField("body", err.Error())))
		return
	}
	mail, err := g.handedOver(r.Context(), written.IDs())
	if err != nil {
		writeEvent(w, router.ErrorJSON(err))
		return
	}
	b, _ := json.Marshal(map[string]any{"function": fn, "result": out, "mail": mail})
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func urlUnescape(s string) (string, error) { return url.PathUnescape(s) }
