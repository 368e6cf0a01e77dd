// Package app wires Tandem together from configuration: the SDK clients, the
// store, the domain services and the entry points of every function. Each
// functions/<name>/main.go calls it once at start and hands one entry point
// to lambda.Start; the local gateway calls it once for all of them.
package app

import (
	"context"
	"crypto/x509"
	"errors"
	"log/slog"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/tandemhq/tandem/shared/awsclient"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/hostbilling"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/jobs"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/merger"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/notify/delivery"
	"github.com/tandemhq/tandem/shared/payment"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/registration"
	"github.com/tandemhq/tandem/shared/report"
	"github.com/tandemhq/tandem/shared/routes"
	"github.com/tandemhq/tandem/shared/sending"
	"github.com/tandemhq/tandem/shared/session"
	"github.com/tandemhq/tandem/shared/store"
	"github.com/tandemhq/tandem/shared/suppression"
	"github.com/tandemhq/tandem/shared/table"
	"github.com/tandemhq/tandem/shared/webhook"
	"github.com/tandemhq/tandem/shared/webhook/hookhttp"
)

// Config is everything a function needs to know about its installation.
type Config struct {
	Table string
	// BaseURL is where people reach the API and pages, for links in mail.
	BaseURL string
	// Sender is the platform's From address.
	Sender string
	// OperatorEmails are told of level-2 escalations and platform problems.
	OperatorEmails []string
	// SigningKey signs cursors and one-click links where no secret holds
	// the keys (make run, tests, tools): a ring of this one key.
	SigningKey []byte
	// SigningSecretARN names the Secrets Manager secret that holds the
	// signing keys (see package keyring); set only for the functions that
	// sign or verify (routes.Function.Signs), read once at cold start.
	SigningSecretARN string
	// SecretsEndpoint points the Secrets Manager client elsewhere (tests).
	SecretsEndpoint string
	// Keys are the signing keys once loaded (Build loads them; code may
	// set them).
	Keys *keyring.Ring
	// CaseMailPerDay bounds the mailing case steps of one member a day
	// (TANDEM_CASE_MAIL_PER_DAY; 0 is collab.DefaultMailPerDay).
	CaseMailPerDay int
	// SESConfigurationSet routes SES bounce and complaint events.
	SESConfigurationSet string
	AWS                 awsclient.Options
	// Stripe is the Stripe account online payment uses: from
	// TANDEM_STRIPE_API_KEY, TANDEM_STRIPE_WEBHOOK_SECRET and
	// TANDEM_STRIPE_API_BASE (make run, tests), or on AWS from the
	// Secrets Manager secret TANDEM_STRIPE_SECRET_ARN names, read at the
	// cold start of the function that takes payments (package httpapp).
	Stripe StripeConfig

	// The fields below are set only by code (the local gateway, tests),
	// never from the environment, so no deployed configuration can turn
	// them on.

	// AllowLoopbackWebhooks lets webhooks reach loopback receivers in tests.
	AllowLoopbackWebhooks bool
	// WebhookRootCAs trusts test receivers' certificates.
	WebhookRootCAs *x509.CertPool
	// WebhookResolver resolves webhook hosts (a fake in tests).
	WebhookResolver webhook.Resolver
	// MailSender sends mail. Only the functions that deliver mail set it
	// (with UseMail), so the others do not carry the SES client.
	MailSender delivery.Sender
	// Payments is the payment provider (Stripe), built by package httpapp
	// from Stripe for the function that takes payments; nil refuses
	// online payment (503) and its webhook.
	Payments payment.Provider
	// Identities is SES's identity API (hosts' sending domains): set by the
	// approval function's main on AWS, a fake locally; nil refuses them.
	Identities sending.Identities
	// APIDeadline overrides router.Deadline, the bound on a request's table
	// work (tests on a loaded shared emulator; never set in production).
	APIDeadline time.Duration
	// MergeBatch overrides merger.DefaultBatch, the objects a merger moves
	// per run (tests stop one half-way with it).
	MergeBatch int
	// Now overrides the clock of request handlers (tests).
	Now func() time.Time
	// Log overrides the logger.
	Log *slog.Logger
}

// FromEnv reads the configuration the CDK stack (or make run) sets.
func FromEnv() (Config, error) {
	c := Config{
		Table:               envOr("TANDEM_TABLE", table.DefaultName),
		BaseURL:             strings.TrimRight(envOr("TANDEM_BASE_URL", "http://localhost:8080"), "/"),
		Sender:              envOr("TANDEM_SENDER", "Tandem <no-reply@tandem.example>"),
		SESConfigurationSet: os.Getenv("TANDEM_SES_CONFIGURATION_SET"),
		AWS: awsclient.Options{
			Region:           os.Getenv("AWS_REGION"),
			DynamoDBEndpoint: os.Getenv("TANDEM_DYNAMODB_ENDPOINT"),
			SESEndpoint:      os.Getenv("TANDEM_SES_ENDPOINT"),
		},
	}
	for _, e := range strings.Split(os.Getenv("TANDEM_OPERATOR_EMAILS"), ",") {
		if e = strings.TrimSpace(e); e != "" {
			c.OperatorEmails = append(c.OperatorEmails, e)
		}
	}
	if v := os.Getenv("TANDEM_CASE_MAIL_PER_DAY"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, errors.New("TANDEM_CASE_MAIL_PER_DAY must be a whole number above 0")
		}
		c.CaseMailPerDay = n
	}
	c.Stripe = StripeConfig{
		APIKey: os.Getenv("TANDEM_STRIPE_API_KEY"), WebhookSecret: os.Getenv("TANDEM_STRIPE_WEBHOOK_SECRET"),
		APIBase: os.Getenv("TANDEM_STRIPE_API_BASE"), SecretARN: os.Getenv("TANDEM_STRIPE_SECRET_ARN"),
	}
	// Deployed, the keys live in Secrets Manager and only the ARN is in
	// the environment; TANDEM_SIGNING_KEY is for runs without AWS.
	c.SigningSecretARN = os.Getenv("TANDEM_SIGNING_SECRET_ARN")
	if key := os.Getenv("TANDEM_SIGNING_KEY"); key != "" {
		if len(key) < 32 {
			return c, errors.New("TANDEM_SIGNING_KEY must be at least 32 random characters")
		}
		c.SigningKey = []byte(key)
	}
	return c, nil
}

// StripeConfig is where the Stripe account's keys come from.
type StripeConfig struct {
	// APIKey (sk_…) and WebhookSecret (whsec_…), set directly where no
	// secret holds them.
	APIKey, WebhookSecret string
	// APIBase is Stripe's API elsewhere (the local stand-in); "" is
	// api.stripe.com.
	APIBase string
	// SecretARN names the Secrets Manager secret holding
	// {"apiKey": "sk_…", "webhookSecret": "whsec_…"}.
	SecretARN string
}

// loadKeys returns the configured signing keys: those already loaded, the
// secret's, or the fixed local key; nil when none is configured.
func loadKeys(ctx context.Context, c Config, awsCfg aws.Config) (*keyring.Ring, error) {
	switch {
	case c.Keys != nil:
		return c.Keys, nil
	case c.SigningSecretARN != "":
		return keyring.Load(ctx, awsclient.SigningKeys(awsCfg, c.SigningSecretARN, c.SecretsEndpoint), nil)
	case len(c.SigningKey) > 0:
		return keyring.Fixed("local", c.SigningKey), nil
	}
	return nil, nil
}

// MailDomain is the domain of the platform's From address (the SES
// identity the stack creates), "" when Sender has none.
func (c Config) MailDomain() string {
	a, err := mail.ParseAddress(c.Sender)
	if err != nil {
		return ""
	}
	_, domain, _ := strings.Cut(a.Address, "@")
	return strings.ToLower(domain)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// App is a wired installation.
type App struct {
	Config Config
	DB     *dynamodb.Client
	AWS    aws.Config
	Store  *store.Store
	// Services are the domain services the HTTP functions share.
	Services *Services
	// Delivery renders and sends outbox items (the notifier function's work).
	Delivery *delivery.Notifier
	// Stream hands the table stream's new outbox items to Delivery.
	Stream     *jobs.StreamConsumer
	Redrive    *jobs.Redrive
	Escalation *jobs.Escalation
	Renewals   *jobs.Renewals
	Billing    *jobs.Billing
	// Housekeeping closes cases without activity.
	Housekeeping *jobs.Housekeeping
	// MailEvents takes SES's bounces and complaints.
	MailEvents *jobs.MailEvents
	// signer is the wiring function fn has as deployed: with the signing
	// keys or without (see BuildWith).
	signer func(fn string) wired
}

// ServicesOf returns the services as function fn has them deployed: with
// the signing keys only if it signs (routes.Function.Signs).
func (a *App) ServicesOf(fn string) *Services { return a.signer(fn).svc }

// Build wires an App. It fails fast on bad configuration.
func Build(ctx context.Context, c Config) (*App, error) {
	awsCfg, err := awsclient.Load(ctx, c.AWS)
	if err != nil {
		return nil, err
	}
	db := awsclient.DynamoDB(awsCfg, c.AWS.DynamoDBEndpoint)
	return BuildWith(c, awsCfg, db)
}

// BuildWith wires an App over an existing DynamoDB client. As deployed,
// only the functions that sign (routes.Function.Signs) hold the signing
// keys: the others run here over services wired without them, so a test
// of their work fails as AWS would if one of them ever needed a key.
func BuildWith(c Config, awsCfg aws.Config, db *dynamodb.Client) (*App, error) {
	keys, err := loadKeys(context.Background(), c, awsCfg)
	if err != nil {
		return nil, err
	}
	if keys == nil {
		return nil, keyring.ErrNoKeys
	}
	c.Keys = keys
	w, err := wire(c, db)
	if err != nil {
		return nil, err
	}
	keyless := c
	keyless.Keys = nil
	bare, err := wire(keyless, db)
	if err != nil {
		return nil, err
	}
	signer := func(fn string) wired {
		if f, ok := routes.FunctionByName(fn); ok && f.Signs {
			return w
		}
		return bare
	}
	d := newDelivery(c, awsCfg, db, signer(routes.Notifier).st, w.log)
	svc := w.svc
	a := &App{
		Config: c, DB: db, AWS: awsCfg, Store: w.st, Services: svc, signer: signer,
		Delivery:     d.Notifier,
		Stream:       d.Stream,
		Redrive:      d.Redrive,
		Escalation:   escalation(signer(routes.Escalation)),
		Renewals:     renewals(signer(routes.Renewals)),
		Billing:      billingJob(c, signer(routes.Billing)),
		Housekeeping: housekeeping(signer(routes.Housekeeping)),
		MailEvents:   mailEvents(c, signer(routes.MailEvents)),
	}
	return a, nil
}

// Store is what the services are built over: every domain service's store,
// and what the HTTP layer reads itself (Idempotency-Key records, bearer
// tokens' credentials, webhook secrets and deliveries). The DynamoDB store
// (package store) is the installation's; the in-memory one (store/memstore)
// is the in-process tests'. The HTTP layer's needs are spelled as methods,
// not as its interfaces, so this package links none of it.
type Store interface {
	member.Store
	program.Store
	report.Store
	marketplace.Store
	merger.Store
	registration.Store
	enrollment.Store
	billing.Store
	department.Store
	collab.Store
	session.Store
	webhook.Store
	webhook.SecretStore
	webhook.DeliveryStore
	notify.DeadLetterStore

	// Idempotency-Key records (router.IdempotencyStore).
	ClaimIdempotency(ctx context.Context, key, owner, bodyHash string, now time.Time, retention time.Duration) (idem.Record, bool, error)
	GetIdempotency(ctx context.Context, key string) (idem.Record, error)
	TakeOverIdempotency(ctx context.Context, key, prevOwner, owner string, now time.Time) error
	CompleteIdempotency(ctx context.Context, key, owner string, status int, body []byte) error
	ReleaseIdempotency(ctx context.Context, key, owner string) error
	// GetCredential resolves a bearer token's hash (router.Credentials).
	GetCredential(ctx context.Context, hash string) (member.Credential, error)
	// The webhook reads of the JSON handlers (api.HookStore).
	GetWebhookSecrets(ctx context.Context, memberID string) (webhook.SecretSet, error)
	ListDeliveries(ctx context.Context, memberID string, limit int, cursor string) ([]webhook.Delivery, string, error)
}

// wired is the store and the domain services every function shares.
type wired struct {
	st  *store.Store
	svc *Services
	log *slog.Logger
}

// Services are the domain services, built once per process over the
// store: the HTTP functions' handlers (api) and pages (console, both wired
// by package httpapp) call them, and so do the scheduled jobs. Nothing
// here speaks HTTP: this package links none of the transport, handlers,
// pages or template engine, and neither do the scheduled functions.
type Services struct {
	Members       *member.Service
	Programs      *program.Service
	Registration  *registration.Service
	Enrollments   *enrollment.Service
	Invoices      *billing.Service
	Departments   *department.Service
	Cases         *collab.Service
	Reports       *report.Service
	Marketplace   *marketplace.Service
	Mergers       *merger.Service
	Sessions      *session.Service
	Confirmations confirmation.Links
	// Payments takes invoices to Stripe Checkout and applies its events.
	Payments    *payment.Service
	Secrets     *webhook.Secrets
	DeadLetters *notify.DeadLetters
	// CheckWebhookURL vets a webhook URL before it is saved.
	CheckWebhookURL department.URLChecker
	// Store keeps the transport's idempotency records and answers the
	// webhook reads the JSON handlers make themselves; handlers are given
	// services, never this.
	Store Store
	// BaseURL is where people reach the API and pages.
	BaseURL  string
	Now      func() time.Time
	Log      *slog.Logger
	Deadline time.Duration
}

// wire builds the store and the domain services over db, signing with
// c.Keys (nil for a function that signs nothing).
func wire(c Config, db *dynamodb.Client) (wired, error) {
	st := store.New(db, c.Table, c.Keys)
	svc := NewServices(st, c)
	return wired{st: st, svc: svc, log: svc.Log}, nil
}

// NewServices builds the domain services over st as configured by c,
// signing with c.Keys (nil for a function that signs nothing). BuildWith
// and the functions build them over the DynamoDB store; the in-process
// handler tests over store/memstore.
func NewServices(st Store, c Config) *Services {
	now := c.Now
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	log := c.Log
	if log == nil {
		log = slog.Default()
	}
	origin := notify.Origin{From: c.Sender, BaseURL: c.BaseURL}
	guard := webhook.Guard{Resolver: c.WebhookResolver, AllowLoopback: c.AllowLoopbackWebhooks}
	queue := webhook.Queue{Store: st}
	sessions := session.NewService(st, session.Service{Origin: origin, Now: now, Keys: c.Keys, Operators: c.OperatorEmails})
	confirmations := confirmation.Links{Keys: c.Keys}
	programs := program.NewService(st, program.Service{Now: now})
	enrollments := enrollment.NewService(st, enrollment.Service{Origin: origin, Links: enrollment.Links{Keys: c.Keys}, Now: now, Hooks: queue.Event})
	invoices := billing.NewService(st, billing.Service{})
	svc := &Services{
		BaseURL:      c.BaseURL,
		Members:      member.NewService(st, member.Service{Mail: origin, Now: now, Invite: sessions.Invitation, Identities: c.Identities, Confirmations: confirmations, InstallationDomain: c.MailDomain()}),
		Programs:     programs,
		Reports:      report.NewService(st, report.Service{Programs: programs, Now: now}),
		Marketplace:  marketplace.NewService(st, marketplace.Service{Origin: origin, Now: now}),
		Mergers:      merger.NewService(st, merger.Service{Origin: origin, Now: now, Batch: c.MergeBatch}),
		Registration: registration.NewService(st, registration.Service{Origin: origin, Links: enrollment.Links{Keys: c.Keys}, Now: now}),
		Enrollments:  enrollments,
		Invoices:     invoices,
		Payments: payment.NewService(st, payment.Service{Invoices: invoices, Payments: enrollments, Provider: c.Payments,
			Links: billing.PayLinks{Keys: c.Keys}, BaseURL: c.BaseURL, Now: now}),
		Departments:     department.NewService(st, department.Service{Now: now, CheckURL: guard.CheckURL, Origin: origin, Confirmations: confirmations}),
		Cases:           collab.NewService(st, collab.Service{Origin: origin, Now: now, Hooks: queue.Event, Operators: c.OperatorEmails, MailLinks: collab.MailLinks{Keys: c.Keys}, MailPerDay: c.CaseMailPerDay}),
		Sessions:        sessions,
		Confirmations:   confirmations,
		Secrets:         webhook.NewSecrets(st, webhook.Secrets{Now: now}),
		DeadLetters:     notify.NewDeadLetters(st, now),
		CheckWebhookURL: guard.CheckURL,
		Store:           st,
		Now:             now,
		Log:             log,
		Deadline:        c.APIDeadline,
	}
	return svc
}

// MustWire is the start of function fn's main: configuration from the
// environment, the AWS clients, the signing keys when fn signs (one
// GetSecretValue at cold start) and the services over them, or exit.
func MustWire(fn string, opts ...Option) (Config, *Services) {
	c, _, w := mustWire(fn, opts...)
	return c, w.svc
}

// mustWire is MustWire, also giving the AWS configuration and the log.
func mustWire(fn string, opts ...Option) (Config, aws.Config, wired) {
	c := mustConfig()
	awsCfg, err := awsclient.Load(context.Background(), c.AWS)
	if err != nil {
		c.Log.Error("cannot start", "err", err)
		os.Exit(1)
	}
	for _, o := range opts {
		o(&c, awsCfg)
	}
	if f, ok := routes.FunctionByName(fn); ok && f.Signs {
		if c.Keys, err = loadKeys(context.Background(), c, awsCfg); err == nil && c.Keys == nil {
			err = keyring.ErrNoKeys
		}
		if err != nil {
			c.Log.Error("cannot start", "err", err)
			os.Exit(1)
		}
	}
	w, err := wire(c, awsclient.DynamoDB(awsCfg, c.AWS.DynamoDBEndpoint))
	if err != nil {
		c.Log.Error("cannot start", "err", err)
		os.Exit(1)
	}
	return c, awsCfg, w
}

// Option completes a function's configuration with what only it needs
// (the approval function's SES identity API).
type Option func(*Config, aws.Config)

// MustStartEscalation, MustStartRenewals and MustStartBilling start the
// scheduled functions with only the services their job runs.
func MustStartEscalation() *jobs.Escalation {
	_, _, w := mustWire(routes.Escalation)
	return escalation(w)
}

// escalation is the 5-minute run: the SLA sweep, new addenda, mergers.
func escalation(w wired) *jobs.Escalation {
	return &jobs.Escalation{Due: w.st.DueCases, Cases: w.svc.Cases, Log: w.log,
		Addenda: &jobs.Addenda{Due: w.st.DueAddenda, Programs: w.svc.Enrollments, Log: w.log},
		Mergers: &jobs.Mergers{Due: w.st.DueMergers, Mergers: w.svc.Mergers, Log: w.log}}
}

// MustStartRenewals: see MustStartEscalation.
func MustStartRenewals() *jobs.Renewals {
	_, _, w := mustWire(routes.Renewals)
	return renewals(w)
}

func renewals(w wired) *jobs.Renewals {
	return &jobs.Renewals{Due: w.st.DueRenewals, Enrollments: w.svc.Enrollments, Log: w.log}
}

// MustStartHousekeeping: see MustStartEscalation.
func MustStartHousekeeping() *jobs.Housekeeping {
	_, _, w := mustWire(routes.Housekeeping)
	return housekeeping(w)
}

func housekeeping(w wired) *jobs.Housekeeping {
	return &jobs.Housekeeping{Due: w.st.DueIdle, Cases: w.svc.Cases, Log: w.log}
}

// MustStartMailEvents: see MustStartEscalation.
func MustStartMailEvents() *jobs.MailEvents {
	c, _, w := mustWire(routes.MailEvents)
	return mailEvents(c, w)
}

func mailEvents(c Config, w wired) *jobs.MailEvents {
	return &jobs.MailEvents{Log: w.log, Suppressions: suppression.NewService(w.st, suppression.Service{Origin: notify.Origin{From: c.Sender, BaseURL: c.BaseURL}, Operators: c.OperatorEmails, Log: w.log})}
}

// MustStartBilling: see MustStartEscalation.
func MustStartBilling() *jobs.Billing {
	c, _, w := mustWire(routes.Billing)
	return billingJob(c, w)
}

func billingJob(c Config, w wired) *jobs.Billing {
	return &jobs.Billing{Due: w.st.DueBilling, Programs: hostbilling.NewHostBilling(w.st, hostbilling.HostBilling{From: c.Sender}), Log: w.log}
}

// mustConfig sets request-scoped JSON logs up and reads the configuration
// from the environment, or exits.
func mustConfig() Config {
	log := lambdacontext.NewLogger()
	slog.SetDefault(log)
	c, err := FromEnv()
	if err != nil {
		log.Error("bad configuration", "err", err)
		os.Exit(1)
	}
	c.Log = log
	return c
}

// DeliveryApp is what the functions that deliver the outbox (notifier,
// redrive) need: the store, the notifier and their two entry points — none
// of the HTTP layer or the pages, which they never serve and which would
// only grow their zips and their cold starts.
type DeliveryApp struct {
	Config   Config
	AWS      aws.Config
	Store    *store.Store
	Notifier *delivery.Notifier
	Stream   *jobs.StreamConsumer
	Redrive  *jobs.Redrive
}

func newDelivery(c Config, awsCfg aws.Config, db *dynamodb.Client, st *store.Store, log *slog.Logger) *DeliveryApp {
	now := c.Now
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	sender := c.MailSender
	if sender == nil {
		sender = noSender{}
	}
	origin := notify.Origin{From: c.Sender, BaseURL: c.BaseURL}
	guard := webhook.Guard{Resolver: c.WebhookResolver, AllowLoopback: c.AllowLoopbackWebhooks}
	hooks := &webhook.Poster{Store: st, Sender: hookhttp.New(guard, c.WebhookRootCAs), Origin: origin, Log: log}
	n := &delivery.Notifier{Store: st, Sender: sender, Poster: hooks, Suppressions: st, Log: log}
	return &DeliveryApp{
		Config: c, AWS: awsCfg, Store: st, Notifier: n,
		Stream:  &jobs.StreamConsumer{Delivery: n, Now: now, Log: log},
		Redrive: &jobs.Redrive{Due: st, Delivery: n, Log: log},
	}
}

// MustStartDelivery starts the notifier and redrive functions: the store and
// the notifier, none of the HTTP layer, and no signing keys (they deliver
// what others signed).
func MustStartDelivery() *DeliveryApp {
	c := mustConfig()
	awsCfg, err := awsclient.Load(context.Background(), c.AWS)
	if err != nil {
		c.Log.Error("cannot start", "err", err)
		os.Exit(1)
	}
	db := awsclient.DynamoDB(awsCfg, c.AWS.DynamoDBEndpoint)
	return newDelivery(c, awsCfg, db, store.New(db, c.Table, nil), c.Log)
}

// UseMail sets the sender that delivers the outbox's mail.
func (d *DeliveryApp) UseMail(s delivery.Sender) { d.Notifier.Sender = s }

// Job is a scheduled function run at an instant; it returns its summary.
type Job func(ctx context.Context, now time.Time) (any, error)

// Jobs maps each scheduled function's name to its run.
func (a *App) Jobs() map[string]Job {
	return map[string]Job{
		routes.Redrive:      func(ctx context.Context, now time.Time) (any, error) { return a.Redrive.Run(ctx, now) },
		routes.Escalation:   func(ctx context.Context, now time.Time) (any, error) { return a.Escalation.Run(ctx, now) },
		routes.Renewals:     func(ctx context.Context, now time.Time) (any, error) { return a.Renewals.Run(ctx, now) },
		routes.Billing:      func(ctx context.Context, now time.Time) (any, error) { return a.Billing.Run(ctx, now) },
		routes.Housekeeping: func(ctx context.Context, now time.Time) (any, error) { return a.Housekeeping.Run(ctx, now) },
	}
}

// UseMail sets the sender that delivers the outbox's mail.
func (a *App) UseMail(s delivery.Sender) { a.Delivery.Sender = s }

// noSender is the sender of functions that never deliver mail: reaching it
// is a wiring mistake, reported as a retryable failure so nothing is lost.
type noSender struct{}

func (noSender) Send(context.Context, delivery.Mail) (string, error) {
	return "", errors.New("app: this function has no mail sender; only the notifier and redrive deliver mail")
}
