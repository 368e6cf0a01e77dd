// Command stack starts the local stand-ins (DynamoDB Local and the local
// SES), runs a command with their endpoints in its environment, and stops
// them afterwards — also on Ctrl-C — so no process is left behind.
//
//	go run ./scripts/stack -- go test ./...
//
// The command sees TANDEM_TEST_DYNAMODB, TANDEM_TEST_SES and
// TANDEM_TEST_STRIPE (stripe-mock, which localtest fronts with a local
// checkout per test). A stack
// started inside another's command gets stand-ins of its own (its values
// win); -logs names its log files apart:
//
//	go run ./scripts/stack -- sh -c 'go run ./scripts/stack -logs pages -- go test ./scripts/e2e/browser/'
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"syscall"
	"time"

	"github.com/tandemhq/tandem/scripts/localstack"
)

func main() {
	logs := flag.String("logs", "test", "the log files' name: .cache/logs/dynamodb-<name>.log and ses-<name>.log")
	flag.Parse()
	args := flag.Args()
	if !regexp.MustCompile(`^[a-z0-9-]{1,32}$`).MatchString(*logs) {
		fmt.Fprintf(os.Stderr, "stack: -logs %q: use 1 to 32 lowercase letters, digits or dashes\n", *logs)
		os.Exit(2)
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: stack -- command [args...]")
		os.Exit(2)
	}
	os.Exit(run(*logs, args))
}

func run(name string, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cache, err := localstack.CacheDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		return 1
	}
	logs := filepath.Join(cache, "logs")
	_ = os.MkdirAll(logs, 0o755)

	// Install both first (first run only), then time the starts alone.
	if _, err := localstack.InstallDynamoDB(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		return 1
	}
	if _, err := localstack.InstallSES(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		return 1
	}
	if _, err := localstack.InstallStripeMock(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		return 1
	}
	t0 := time.Now()
	ddb, err := localstack.StartDynamoDBForTests(ctx, 0, filepath.Join(logs, "dynamodb-"+name+".log"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		return 1
	}
	defer ddb.Stop()
	ddbReady := time.Since(t0)
	ses, err := localstack.StartSES(ctx, 0, filepath.Join(logs, "ses-"+name+".log"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		return 1
	}
	defer ses.Stop()
	mock, err := localstack.StartStripeMock(ctx, 0, filepath.Join(logs, "stripe-mock-"+name+".log"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		return 1
	}
	defer mock.Stop()
	fmt.Printf("stack (%s): DynamoDB Local at %s (ready in %v), local SES at %s, stripe-mock at %s\n", name, ddb.Endpoint, ddbReady.Round(time.Millisecond), ses.Endpoint, mock.Endpoint)

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(),
		"TANDEM_TEST_DYNAMODB="+ddb.Endpoint,
		"TANDEM_TEST_SES="+ses.Endpoint,
		"TANDEM_TEST_STRIPE="+mock.Endpoint,
	)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		return 1
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err = <-waited:
	case <-ctx.Done():
		_ = cmd.Process.Signal(syscall.SIGTERM)
		err = <-waited
	}
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "stack:", err)
		return 1
	}
	return 0
}
