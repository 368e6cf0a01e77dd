package localstack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// InstallSES makes sure aws-ses-v2-local is installed in the cache and
// returns the path of its CLI script.
func InstallSES(ctx context.Context) (string, error) {
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "ses")
	cli := filepath.Join(dir, "node_modules", "aws-ses-v2-local", "dist", "cli.js")
	if _, err := os.Stat(cli); err == nil {
		return cli, nil
	}
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", fmt.Errorf("%s is not installed: the local SES (%s) runs on Node.js 18 or newer", tool, SESPackage)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":"tandem-local-ses","private":true}`+"\n"), 0o644); err != nil {
		return "", err
	}
	if err := run(ctx, dir, "npm", "install", "--no-audit", "--no-fund", "--silent", SESPackage); err != nil {
		return "", err
	}
	return cli, nil
}

// StartSES runs aws-ses-v2-local on a loopback port (0: any free one) and
// waits until its health check answers.
func StartSES(ctx context.Context, port int, logPath string) (*Process, error) {
	cli, err := InstallSES(ctx)
	if err != nil {
		return nil, err
	}
	if port == 0 {
		if port, err = FreePort(); err != nil {
			return nil, err
		}
	}
	ready := func(ctx context.Context, endpoint string) bool { return answers(ctx, endpoint+"/health-check") }
	return start(ctx, "local SES", port, "", logPath, ready, "node", cli, "--host", "127.0.0.1", "--port", strconv.Itoa(port))
}
