// Package httpapp wires the HTTP functions: the JSON handlers (package api)
// and the pages (package console) over the domain services app builds,
// routed by package router, and the authorizer in front of them. The
// scheduled and delivery functions start from package app alone, so they
// link none of the transport, the handlers, the pages or their template
// engine (each function's deps.txt says what it links).
package httpapp

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/tandemhq/tandem/shared/api"
	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/console"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/routes"
)

// API is the JSON handlers over s.
func API(s *app.Services) *api.Server {
	return &api.Server{
		BaseURL: s.BaseURL, Members: s.Members, Programs: s.Programs, Reports: s.Reports, Marketplace: s.Marketplace, Mergers: s.Mergers,
		Registration: s.Registration, Enrollments: s.Enrollments, Invoices: s.Invoices, Payments: s.Payments, Departments: s.Departments, Cases: s.Cases,
		Secrets: s.Secrets, Hooks: s.Store, CheckWebhookURL: s.CheckWebhookURL,
		DeadLetters: s.DeadLetters, Idempotency: s.Store, Now: s.Now, Log: s.Log,
	}
}

// Console is the pages over s.
func Console(s *app.Services) *console.Server {
	return &console.Server{
		BaseURL: s.BaseURL, Members: s.Members, Programs: s.Programs, Reports: s.Reports, Marketplace: s.Marketplace, Mergers: s.Mergers,
		Registration: s.Registration, Enrollments: s.Enrollments, Invoices: s.Invoices, Payments: s.Payments, Departments: s.Departments, Cases: s.Cases,
		Sessions: s.Sessions, Confirmations: s.Confirmations, Secrets: s.Secrets, CheckWebhookURL: s.CheckWebhookURL,
		DeadLetters: s.DeadLetters, Idempotency: s.Store, Now: s.Now, Log: s.Log,
	}
}

// EveryRoute is every HTTP function's handlers and pages over s (the local
// gateway serves them all; a deployed function only its own).
func EveryRoute(s *app.Services) map[string]router.Handler {
	a, c := API(s), Console(s)
	return router.Merge(
		api.RegistrationHandlers(a), api.ApprovalHandlers(a), api.PaymentsHandlers(a), api.CasesHandlers(a), api.HooksHandlers(a),
		console.RegistrationHandlers(c), console.ApprovalHandlers(c), console.PaymentsHandlers(c), console.CasesHandlers(c), console.HooksHandlers(c))
}

// Router routes handlers over s with the checks every route shares.
func Router(s *app.Services, handlers map[string]router.Handler) *router.Router {
	return router.New(handlers, router.Options{Sessions: s.Sessions, Idempotency: s.Store, Now: s.Now, Log: s.Log, Deadline: s.Deadline})
}

// MustStart is the start of an HTTP function's main: it wires the domain
// services and routes only fn's handlers (its JSON set and its pages' set),
// so the function's zip carries neither the other functions' handlers nor
// the jobs and mail delivery it never runs.
func MustStart(fn string, json func(*api.Server) map[string]router.Handler, pages func(*console.Server) map[string]router.Handler, opts ...app.Option) router.LambdaHandler {
	_, s := app.MustWire(fn, opts...)
	return Router(s, router.Merge(json(API(s)), pages(Console(s)))).Function(fn)
}

// MustStartAuthorizer is the start of the authorizer's main: the store's
// credentials, nothing else.
func MustStartAuthorizer() *router.Authorizer {
	c, s := app.MustWire(routes.Authorizer)
	return authorizer(c, s)
}

func authorizer(c app.Config, s *app.Services) *router.Authorizer {
	return &router.Authorizer{Credentials: s.Store, Log: s.Log, Deadline: c.APIDeadline}
}

// App is a whole installation with its HTTP side: the local gateway's and
// the end-to-end tests'.
type App struct {
	*app.App
	// Router routes every HTTP function's routes.
	Router     *router.Router
	Authorizer *router.Authorizer
}

// Build wires an App (see app.Build).
func Build(ctx context.Context, c app.Config) (*App, error) {
	a, err := app.Build(ctx, c)
	if err != nil {
		return nil, err
	}
	return withHTTP(a), nil
}

// BuildWith wires an App over an existing DynamoDB client (see
// app.BuildWith).
func BuildWith(c app.Config, awsCfg aws.Config, db *dynamodb.Client) (*App, error) {
	a, err := app.BuildWith(c, awsCfg, db)
	if err != nil {
		return nil, err
	}
	return withHTTP(a), nil
}

func withHTTP(a *app.App) *App {
	return &App{App: a,
		Router:     Router(a.Services, EveryRoute(a.Services)),
		Authorizer: authorizer(a.Config, a.ServicesOf(routes.Authorizer)),
	}
}

// HTTP returns the API Gateway handler of HTTP function fn.
func (a *App) HTTP(fn string) router.LambdaHandler { return a.Router.Function(fn) }
