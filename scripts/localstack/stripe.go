package localstack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// StripeMockModule is Stripe's API stand-in (DESIGN.md "Payments"): it
// answers the API's calls from fixtures, keeps no state and sends no
// webhooks. Checkout (checkout.go) fronts it for what a person clicks.
const StripeMockModule = "github.com/stripe/stripe-mock@v0.203.0"

// InstallStripeMock makes sure stripe-mock is built into the cache and
// returns its path (go install, about 5 s the first time).
func InstallStripeMock(ctx context.Context) (string, error) {
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "stripe-mock")
	bin := filepath.Join(dir, "stripe-mock")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "install", StripeMockModule)
	cmd.Env = append(os.Environ(), "GOBIN="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s: %w\n%s", StripeMockModule, err, out)
	}
	return bin, nil
}

// StartStripeMock runs stripe-mock on a loopback port (0: any free one)
// and waits until it answers.
func StartStripeMock(ctx context.Context, port int, logPath string) (*Process, error) {
	bin, err := InstallStripeMock(ctx)
	if err != nil {
		return nil, err
	}
	if port == 0 {
		if port, err = FreePort(); err != nil {
			return nil, err
		}
	}
	ready := func(ctx context.Context, endpoint string) bool { return answers(ctx, endpoint+"/v1/customers") }
	// stripe-mock listens on $PORT, on every interface, when it is set
	// (make run's PORT is the API's): run it without. It also serves HTTPS
	// on every interface's port 12112 unless told where (-http-addr does not
	// turn that default off), which a second stack on the machine — another
	// worktree's tests — finds taken: a loopback port of the system's choice.
	return start(ctx, "stripe-mock", port, "", logPath, ready, "env", "-u", "PORT", bin,
		"-http-addr", "127.0.0.1:"+strconv.Itoa(port), "-https-addr", "127.0.0.1:0")
}
