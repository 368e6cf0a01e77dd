// Command run is `make run`: the whole of Tandem on this machine. It starts
// DynamoDB Local and the local SES, creates the table, seeds an operator and
// demo data, serves the API and pages through the local gateway, delivers
// mail through the stream poller, fires the schedules, and prints where to
// look. Ctrl-C stops everything it started.
//
// The table is kept in a data directory (.cache/data, or $TANDEM_DATA_DIR)
// across restarts, and the demo data is seeded only where it is missing;
// -clean (make run-clean) empties the directory first. The local SES keeps
// its mail in memory: the web inbox starts empty each time.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/tandemhq/tandem/scripts/gateway"
	"github.com/tandemhq/tandem/scripts/localstack"
	"github.com/tandemhq/tandem/scripts/seed"
	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/awsclient"
	"github.com/tandemhq/tandem/shared/httpapp"
	"github.com/tandemhq/tandem/shared/notify/sesmail"
	"github.com/tandemhq/tandem/shared/payment/stripecheckout"
	"github.com/tandemhq/tandem/shared/sending"
	"github.com/tandemhq/tandem/shared/store"
	"github.com/tandemhq/tandem/shared/table"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "make run:", err)
		os.Exit(1)
	}
}

func run() error {
	clean := flag.Bool("clean", false, "start from an empty table (what earlier runs did is deleted)")
	flag.Parse()
	began := time.Now()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	slog.SetDefault(log)

	port := envInt("PORT", 8080)
	sesPort := envInt("SES_PORT", 8005)
	checkoutPort := envInt("CHECKOUT_PORT", 8006)
	cache, err := localstack.CacheDir()
	if err != nil {
		return err
	}
	logs := filepath.Join(cache, "logs")
	_ = os.MkdirAll(logs, 0o755)
	for _, p := range []int{port, sesPort, checkoutPort} {
		if err := portFree(p); err != nil {
			return err
		}
	}
	data, err := dataDir(cache)
	if err != nil {
		return err
	}
	lock, err := lockData(data, *clean)
	if err != nil {
		return err
	}
	defer lock.Close()

	fmt.Println("Starting DynamoDB Local and the local SES (first run installs them into .cache/)…")
	ddb, err := localstack.StartDynamoDBKept(ctx, 0, filepath.Join(logs, "dynamodb-run.log"), filepath.Join(data, "dynamodb"))
	if err != nil {
		return err
	}
	defer ddb.Stop()
	ses, err := localstack.StartSES(ctx, sesPort, filepath.Join(logs, "ses-run.log"))
	if err != nil {
		return err
	}
	defer ses.Stop()
	sesCLI, err := localstack.InstallSES(ctx) // installed: its path
	if err != nil {
		return err
	}

	baseURL := fmt.Sprintf("http://localhost:%d", port)
	checkout, stopCheckout, err := startCheckout(ctx, logs, baseURL, checkoutPort)
	if err != nil {
		return err
	}
	defer stopCheckout()
	// The signing key is kept with the table: sessions and the links in
	// mail stay valid across a restart.
	signing := os.Getenv("TANDEM_SIGNING_KEY")
	if signing == "" {
		if signing, err = kept(data, "signing-key", func() string { return randomHex(32) }); err != nil {
			return err
		}
	}
	// SES's stand-in has no identity API: sending domains verify when
	// their status is first read, and are kept with the table.
	identities, err := loadIdentities(filepath.Join(data, "sending-domains.json"), &sending.Fake{AutoVerify: true})
	if err != nil {
		return err
	}
	cfg := app.Config{
		Table: table.DefaultName, BaseURL: baseURL, Sender: "Tandem <no-reply@tandem.localhost>",
		OperatorEmails: []string{"operators@tandem.localhost"}, SigningKey: []byte(signing),
		Identities:            identities,
		AWS:                   awsclient.Options{DynamoDBEndpoint: ddb.Endpoint, SESEndpoint: ses.Endpoint},
		AllowLoopbackWebhooks: true, Log: log,
		// Stripe is the local checkout in front of stripe-mock.
		Stripe: app.StripeConfig{APIKey: "sk_test_local", WebhookSecret: checkout.WebhookSecret, APIBase: fmt.Sprintf("http://127.0.0.1:%d", checkoutPort)},
	}
	// The keys come from the environment: no AWS configuration needed.
	if err := stripecheckout.Use(ctx, &cfg, aws.Config{}); err != nil {
		return err
	}
	a, err := httpapp.Build(ctx, cfg)
	if err != nil {
		return err
	}
	a.UseMail(sesmail.New(awsclient.Sending(a.AWS), ses.Endpoint, ""))
	if err := store.EnsureTable(ctx, a.DB, cfg.Table); err != nil {
		return err
	}
	opToken := os.Getenv("TANDEM_OPERATOR_TOKEN")
	if opToken == "" {
		if opToken, err = kept(data, "operator-token", func() string { t, _ := auth.NewToken(auth.TokenPrefix); return t }); err != nil {
			return err
		}
	}
	if err := a.Store.PutOperatorCredential(ctx, auth.Hash(opToken), "local-operator"); err != nil {
		return err
	}
	demo, err := seed.Demo(ctx, a.App, time.Now().UTC())
	if err != nil {
		return fmt.Errorf("seed demo data: %w", err)
	}

	gw := gateway.New(a, gateway.StreamsClient(a.AWS, ddb.Endpoint), log)
	if err := gw.Start(ctx, true); err != nil {
		return err
	}
	srv := &http.Server{Addr: fmt.Sprintf("127.0.0.1:%d", port), Handler: gw, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		return err
	}
	go func() { _ = srv.Serve(ln) }()

	fmt.Printf(`
Tandem is running (ready in %.1fs).

  API and pages     %s
  Data kept in      %s   (kept across restarts; make run-clean starts afresh)
  Web inbox (SES)   http://localhost:%d        mail as JSON: http://localhost:%d/store
  Operator token    %s
  Local checkout    %s        stands in for Stripe Checkout: "Pay now" leads there
%s
  Try:  curl -H "Authorization: Bearer <demo host admin token>" %s/v1/cases?box=inbox
  Run a schedule:   curl -X POST -H 'Content-Type: application/json' "%s/_local/schedules/redrive?at=2027-01-15T06:00:00Z"

Press Ctrl-C to stop everything.
`, time.Since(began).Seconds(), baseURL, data, sesPort, sesPort, opToken, checkout.URL, demo, baseURL, baseURL)

	// The local SES may stop (a fault test stops it) without stopping the
	// rest: mail waits in the outbox meanwhile, retried with backoff and by
	// the redrive schedule, until something answers on its port again.
	go func() {
		select {
		case <-ctx.Done():
		case <-ses.Exited():
			fmt.Printf("\nThe local SES on port %d exited. Tandem goes on; mail waits in the outbox and is retried until a local SES answers there again:\n  node %s --host 127.0.0.1 --port %d\n",
				sesPort, sesCLI, sesPort)
		}
	}()
	select {
	case <-ctx.Done():
	case <-ddb.Exited():
		err = errors.New("DynamoDB Local exited")
	}
	fmt.Println("\nStopping…")
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shut)
	return err
}

func envInt(k string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(k)); err == nil && v > 0 {
		return v
	}
	return def
}

func portFree(p int) error {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
	if err != nil {
		return fmt.Errorf("port %d is in use (is another `make run` still up?): %w", p, err)
	}
	return l.Close()
}

// startCheckout starts stripe-mock and the local checkout in front of it
// (localstack.Checkout) on checkoutPort, posting its events to the app at
// baseURL signed with TANDEM_STRIPE_WEBHOOK_SECRET (a fresh one if unset).
func startCheckout(ctx context.Context, logs, baseURL string, checkoutPort int) (*localstack.Checkout, func(), error) {
	mock, err := localstack.StartStripeMock(ctx, 0, filepath.Join(logs, "stripe-mock-run.log"))
	if err != nil {
		return nil, nil, err
	}
	secret := os.Getenv("TANDEM_STRIPE_WEBHOOK_SECRET")
	if secret == "" {
		secret = localstack.NewWebhookSecret()
	}
	co, err := localstack.NewCheckout(mock.Endpoint, baseURL+"/v1/hooks/stripe", secret)
	if err != nil {
		mock.Stop()
		return nil, nil, err
	}
	co.URL = fmt.Sprintf("http://localhost:%d", checkoutPort)
	srv := &http.Server{Addr: fmt.Sprintf("127.0.0.1:%d", checkoutPort), Handler: co, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		mock.Stop()
		return nil, nil, err
	}
	go func() { _ = srv.Serve(ln) }()
	return co, func() { _ = srv.Close(); mock.Stop() }, nil
}
