// Package localstack installs and runs the local stand-ins for AWS: DynamoDB
// Local (from the amplify-dynamodb-simulator npm tarball, on Java) and
// aws-ses-v2-local (on Node). Everything is installed into the project's
// git-ignored cache, every server listens on loopback only, and every process
// is stopped with its whole process group.
package localstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Versions of the stand-ins.
const (
	DynamoDBPackage = "amplify-dynamodb-simulator@2.9.30"
	SESPackage      = "aws-ses-v2-local@2.10.2"
)

// CacheDir is where installs live: $TANDEM_CACHE, else .cache at the module root.
func CacheDir() (string, error) {
	if d := os.Getenv("TANDEM_CACHE"); d != "" {
		return filepath.Abs(d)
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, ".cache"), nil
}

// ModuleRoot finds the directory holding go.mod, from the working directory up.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("localstack: go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Process is a started stand-in.
type Process struct {
	Name     string
	Endpoint string
	Port     int
	cmd      *exec.Cmd
	done     chan struct{}
	stopOnce sync.Once
	log      *os.File
}

// Stop ends the process group: SIGTERM (a backgrounded JVM ignores SIGINT),
// then SIGKILL if it has not exited within 5 s.
func (p *Process) Stop() {
	if p == nil {
		return
	}
	p.stopOnce.Do(func() {
		pgid := p.cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		_ = syscall.Kill(-pgid, syscall.SIGCONT) // a paused one takes its SIGTERM only when it runs
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-p.done
		}
		if p.log != nil {
			_ = p.log.Close()
		}
	})
}

// Pause stops the process group (SIGSTOP) without ending it: the kernel
// still accepts connections and keeps what clients send, and nothing
// answers — a server that hangs. Resume lets it go on with all it was sent.
func (p *Process) Pause() error { return syscall.Kill(-p.cmd.Process.Pid, syscall.SIGSTOP) }

// Resume continues a paused process group (SIGCONT).
func (p *Process) Resume() error { return syscall.Kill(-p.cmd.Process.Pid, syscall.SIGCONT) }

// Exited is closed when the process has ended.
func (p *Process) Exited() <-chan struct{} { return p.done }

// FreePort asks the kernel for an unused loopback port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func start(ctx context.Context, name string, port int, dir, logPath string, ready func(context.Context, string) bool, argv ...string) (*Process, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir // DynamoDB Local writes a metadata file into its working directory
	// Own process group, so Stop reaches the children too; die with us.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var logFile *os.File
	if logPath != "" {
		if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
			return nil, err
		}
		f, err := os.Create(logPath)
		if err != nil {
			return nil, err
		}
		logFile = f
		cmd.Stdout, cmd.Stderr = f, f
	} else {
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	}
	if err := cmd.Start(); err != nil {
		if logFile != nil {
			logFile.Close()
		}
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Process{Name: name, Port: port, Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, done: make(chan struct{}), log: logFile}
	go func() { _ = cmd.Wait(); close(p.done) }()

	deadline := time.Now().Add(60 * time.Second)
	for {
		if ready(ctx, p.Endpoint) {
			return p, nil
		}
		select {
		case <-p.done:
			return nil, fmt.Errorf("%s exited before it was ready (log: %s)", name, logPath)
		case <-ctx.Done():
			p.Stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.Stop()
			return nil, fmt.Errorf("%s did not answer on %s within 60 s (log: %s)", name, p.Endpoint, logPath)
		}
	}
}

func answers(ctx context.Context, url string) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return true
}

func run(ctx context.Context, dir string, argv ...string) error {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_cache="+filepath.Join(filepath.Dir(dir), "npm"), "npm_config_update_notifier=false", "npm_config_fund=false", "npm_config_audit=false")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v in %s: %w\n%s", argv, dir, err, out)
	}
	return nil
}
