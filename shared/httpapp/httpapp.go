// Package httpapp wires the HTTP functions: the JSON handlers (package api)
// and the pages (package console) over the domain services app builds,
// routed by package router, and the authorizer in front of them. The
// scheduled and delivery functions start from package app alone, so they
// link none of the transport, the handlers, the pages or their template
// engine (each function's deps.txt says what it links).
package httpapp

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/tandemhq/tandem/shared/api"
	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/awsclient"
	"github.com/tandemhq/tandem/shared/console"
	"github.com/tandemhq/tandem/shared/payment/stripecheckout"
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
		api.RegistrationHandlers(a), api.ApprovalHandlers(a), api.CasesHandlers(a), api.HooksHandlers(a),
		console.RegistrationHandlers(c), console.ApprovalHandlers(c), console.CasesHandlers(c), console.HooksHandlers(c))
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
	if fn == routes.Approval {
		opts = append(opts, mustStripe)
	}
	_, s := app.MustWire(fn, opts...)
	return Router(s, router.Merge(json(API(s)), pages(Console(s)))).Function(fn)
}

// mustStripe gives the function that takes payments (approval) its Stripe
// account: the keys from Secrets Manager, read once at cold start, or from
// the environment where no secret is named; without either, online payment
// answers 503.
func mustStripe(c *app.Config, awsCfg aws.Config) {
	if err := useStripe(context.Background(), c, awsCfg); err != nil {
		c.Log.Error("cannot start", "err", err)
		os.Exit(1)
	}
}

// useStripe sets c.Payments from c.Stripe (see app.StripeConfig), unless
// code set it.
func useStripe(ctx context.Context, c *app.Config, awsCfg aws.Config) error {
	st := c.Stripe
	if c.Payments != nil {
		return nil
	}
	if st.SecretARN != "" {
		raw, err := awsclient.SecretString(ctx, awsCfg, st.SecretARN, c.SecretsEndpoint)
		if err != nil {
			return err
		}
		var keys struct {
			APIKey        string `json:"apiKey"`
			WebhookSecret string `json:"webhookSecret"`
		}
		if err := json.Unmarshal([]byte(raw), &keys); err != nil || keys.APIKey == "" || keys.WebhookSecret == "" {
			// Not set up yet (the stack creates the secret empty): the
			// function serves everything else; paying online answers 503.
			log := c.Log
			if log == nil {
				log = slog.Default()
			}
			log.Warn(`online payment is off: the Stripe secret does not hold {"apiKey": "sk_…", "webhookSecret": "whsec_…"}`, "secret", st.SecretARN)
			return nil
		}
		st.APIKey, st.WebhookSecret = keys.APIKey, keys.WebhookSecret
	}
	if st.APIKey == "" {
		return nil
	}
	c.Payments = stripecheckout.New(stripecheckout.Config{APIKey: st.APIKey, WebhookSecret: st.WebhookSecret, APIBase: st.APIBase})
	return nil
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
	if c.Stripe.SecretARN == "" {
		// Keys from the environment: no AWS configuration needed.
		if err := useStripe(ctx, &c, aws.Config{}); err != nil {
			return nil, err
		}
	}
	a, err := app.Build(ctx, c)
	if err != nil {
		return nil, err
	}
	return withHTTP(a), nil
}

// BuildWith wires an App over an existing DynamoDB client (see
// app.BuildWith).
func BuildWith(c app.Config, awsCfg aws.Config, db *dynamodb.Client) (*App, error) {
	if err := useStripe(context.Background(), &c, awsCfg); err != nil {
		return nil, err
	}
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
