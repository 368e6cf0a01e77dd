package router

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/routes"
	"github.com/tandemhq/tandem/shared/session"
)

// Handler serves one route.
type Handler func(ctx context.Context, r *Request) (*Response, error)

// LambdaHandler is the signature functions hand to lambda.Start.
type LambdaHandler func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// Deadline bounds each request's work on the table: a stalled dependency
// becomes a 503 with Retry-After, never a hung request.
const Deadline = 2 * time.Second

// deadlineOr is d, or Deadline when d is not set.
func deadlineOr(d time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return Deadline
}

// Router dispatches a function's routes to handlers, with the checks every
// route shares: body size and type, authentication (bearer token from the
// authorizer, or the session cookie and form token of console pages), the
// request deadline, Idempotency-Key, error mapping and panic recovery.
type Router struct {
	handlers map[string]Handler
	sessions *session.Service
	idem     IdempotencyStore
	now      func() time.Time
	log      *slog.Logger
	deadline time.Duration
}

// Options are what every route's checks need.
type Options struct {
	// Sessions resolves console pages' session cookies (nil: no pages).
	Sessions *session.Service
	// Idempotency keeps Idempotency-Key records.
	Idempotency IdempotencyStore
	Now         func() time.Time
	Log         *slog.Logger
	// Deadline bounds each request's table work; zero means Deadline.
	Deadline time.Duration
}

// New returns a router over handlers keyed by route key ("GET /v1/cases").
func New(handlers map[string]Handler, o Options) *Router {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Now == nil {
		o.Now = func() time.Time { return time.Now().UTC() }
	}
	return &Router{handlers: handlers, sessions: o.Sessions, idem: o.Idempotency, now: o.Now, log: o.Log, deadline: deadlineOr(o.Deadline)}
}

// Merge is the union of handler sets (an HTTP function's JSON routes and
// its pages); a route in two sets is a wiring mistake and panics.
func Merge(sets ...map[string]Handler) map[string]Handler {
	out := map[string]Handler{}
	for _, set := range sets {
		for k, h := range set {
			if _, dup := out[k]; dup {
				panic("router: route " + k + " has two handlers")
			}
			out[k] = h
		}
	}
	return out
}

// Function returns the Lambda handler of function fn. It panics when a route
// of fn has no handler: a function must not deploy with a hole in it.
func (rt *Router) Function(fn string) LambdaHandler {
	mine := map[string]routes.Route{}
	for _, r := range routes.ForFunction(fn) {
		if _, ok := rt.handlers[r.Key()]; !ok {
			panic(fmt.Sprintf("router: route %s of function %s has no handler", r.Key(), fn))
		}
		mine[r.Key()] = r
	}
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		route, ok := mine[ev.RouteKey]
		if !ok {
			return ErrorJSON(apperr.NotFound("no such endpoint: %s %s", ev.RequestContext.HTTP.Method, ev.RawPath)).toEvent(), nil
		}
		return rt.serve(ctx, route, ev).toEvent(), nil
	}
}

func (rt *Router) serve(ctx context.Context, route routes.Route, ev events.APIGatewayV2HTTPRequest) (resp *Response) {
	start := rt.now()
	log := rt.log.With("route", route.Key(), "request_id", ev.RequestContext.RequestID)
	defer func() {
		if p := recover(); p != nil {
			log.Error("panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			resp = errorResponse(fmt.Errorf("panic: %v", p), route.Page)
		}
		log.Info("request", "status", resp.Status, "ms", rt.now().Sub(start).Milliseconds())
	}()

	r, err := newRequest(route, ev)
	if err != nil {
		return rt.fail(log, route, err)
	}
	if route.Auth == routes.Session {
		if resp := rt.session(ctx, r); resp != nil {
			return resp
		}
		log = log.With("member", r.Principal.MemberID, "user", r.Principal.UserID)
	}
	if route.Auth == routes.Token {
		p, ok := principalFrom(ev)
		if !ok {
			return rt.fail(log, route, apperr.Unauthorized("%s", authError(ev)))
		}
		r.Principal = p
		log = log.With("member", p.MemberID, "user", p.UserID)
	}
	ctx, cancel := context.WithTimeout(ctx, rt.deadline)
	defer cancel()

	h := rt.handlers[route.Key()]
	if route.Create && r.Header("idempotency-key") != "" && rt.idem != nil {
		resp, err = rt.idempotent(ctx, r, h)
	} else {
		resp, err = h(ctx, r)
	}
	if err != nil {
		return rt.fail(log, route, err)
	}
	return resp
}

func (rt *Router) fail(log *slog.Logger, route routes.Route, err error) *Response {
	status, _ := Status(err)
	switch {
	case status >= 500:
		log.Error("request failed", "status", status, "err", err)
	case status == http.StatusConflict || status == http.StatusTooManyRequests:
		log.Info("request refused", "status", status, "err", err)
	default:
		log.Debug("request refused", "status", status, "err", err)
	}
	return errorResponse(err, route.Page)
}

func randomOwner() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func authError(ev events.APIGatewayV2HTTPRequest) string {
	if a := ev.RequestContext.Authorizer; a != nil && a.Lambda != nil {
		if e, _ := a.Lambda["authError"].(string); e != "" {
			return e
		}
	}
	return "send a valid API token as Authorization: Bearer <token>"
}

// session resolves a console page's session into the request, and checks
// the form token of every POST: nil to go on, else the answer (303 to
// sign in, 403 for a missing or stale form token).
func (rt *Router) session(ctx context.Context, r *Request) *Response {
	if rt.sessions == nil {
		return errorResponse(apperr.Unauthorized("sign-in is not configured"), true)
	}
	p, ses, err := rt.sessions.Resolve(ctx, r.Cookie(rt.sessions.Cookie()))
	if err != nil {
		if errors.Is(err, apperr.ErrUnauthorized) {
			next := r.Path
			if q := r.Query.Encode(); q != "" && r.Method == http.MethodGet {
				next += "?" + q
			}
			return Redirect("/login?next=" + url.QueryEscape(next))
		}
		return errorResponse(err, true)
	}
	r.Principal, r.Session, r.FormToken = p, ses, rt.sessions.FormToken(ses)
	if r.Method == http.MethodPost {
		form, err := r.Form()
		if err != nil || !rt.sessions.CheckSessionForm(form.Get("csrf"), ses) {
			return errorResponse(apperr.Forbidden("this form is out of date or was not sent from Tandem; reload the page and try again"), true)
		}
	}
	return nil
}
