package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/awsclient"
	"github.com/tandemhq/tandem/shared/routes"
	"github.com/tandemhq/tandem/shared/store"
)

// coldStarts measures each function's init: its bootstrap (built as make
// build builds it, for this machine's architecture) is started against a
// minimal Lambda Runtime API served here, and timed from process start to
// its first poll for work (init done) and to its first answer (the sample
// event of events/ handled). The functions reach DynamoDB Local and the
// local SES at endpoints.
func coldStarts(r *runner, ddbEndpoint, sesEndpoint string) {
	dir, err := os.MkdirTemp("", "tandem-coldstart-")
	if err != nil {
		r.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// The table the functions use, with the operator token the sample
	// authorizer event carries.
	ctx := context.Background()
	cfg, err := awsclient.Load(ctx, awsclient.Options{Region: "us-east-1", DynamoDBEndpoint: ddbEndpoint})
	if err != nil {
		r.Fatal(err)
	}
	db := awsclient.DynamoDB(cfg, ddbEndpoint)
	if err := store.EnsureTable(ctx, db, coldTable); err != nil {
		r.Fatal(err)
	}
	if err := store.New(db, coldTable, nil).PutOperatorCredential(ctx, auth.Hash("tdm_local_invoke_operator"), "bench"); err != nil {
		r.Fatal(err)
	}
	say("## Cold start (process start → first poll, → first answer)\n")
	say("Each function's bootstrap, built like `make build` (`-tags lambda.norpc -trimpath -s -w`) but for %s/%s, run against a Lambda Runtime API served by the bench; the first invocation is the function's sample event from `events/`. Best of 3 runs.\n", runtime.GOOS, runtime.GOARCH)
	say("| function | init (to first poll) | first answer | answer |")
	say("|---|---|---|---|")
	for _, f := range routes.Functions {
		bin := filepath.Join(dir, f.Name)
		build := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", bin, "./functions/"+f.Name)
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			r.Fatalf("build %s: %v\n%s", f.Name, err, out)
		}
		events, _ := filepath.Glob(filepath.Join("events", f.Name+"-*.json"))
		if len(events) == 0 {
			r.Fatalf("no sample event for %s", f.Name)
		}
		event, err := os.ReadFile(events[0])
		if err != nil {
			r.Fatal(err)
		}
		var best coldStart
		for i := 0; i < 3; i++ {
			cs, err := startOnce(bin, f.Name, event, ddbEndpoint, sesEndpoint)
			if err != nil {
				r.Fatalf("cold start of %s: %v", f.Name, err)
			}
			if i == 0 || cs.answered < best.answered {
				best = cs
			}
		}
		say("| %s | %.1f ms | %.1f ms | %s |", f.Name, ms(best.polled), ms(best.answered), best.outcome)
	}
	say("")
}

const coldTable = "tandem-coldstart"

type coldStart struct {
	polled, answered time.Duration
	outcome          string
}

// startOnce runs bin until it answers one invocation of event.
func startOnce(bin, name string, event []byte, ddbEndpoint, sesEndpoint string) (coldStart, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return coldStart{}, err
	}
	var (
		mu     sync.Mutex
		cs     coldStart
		start  time.Time
		served bool
		done   = make(chan struct{})
	)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		first := !served
		served = true
		if first {
			cs.polled = time.Since(start)
		}
		mu.Unlock()
		if !first {
			<-r.Context().Done() // one invocation per run: hold the second poll
			return
		}
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", "bench-1")
		w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(30*time.Second).UnixMilli()))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:"+name)
		_, _ = w.Write(event)
	})
	answer := func(outcome string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			defer mu.Unlock()
			if cs.answered != 0 {
				return
			}
			cs.answered = time.Since(start)
			cs.outcome = outcome
			if outcome == "error" {
				cs.outcome = "error: " + strings.TrimSpace(string(b))
			}
			w.WriteHeader(http.StatusAccepted)
			close(done)
		}
	}
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", answer("answered"))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", answer("error"))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", answer("error"))
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	cmd := exec.Command(bin)
	cmd.Env = []string{
		"AWS_LAMBDA_RUNTIME_API=" + ln.Addr().String(), "AWS_LAMBDA_FUNCTION_NAME=" + name, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local",
		"TANDEM_SIGNING_KEY=bench-cold-start-signing-key-0123456789", "TANDEM_DYNAMODB_ENDPOINT=" + ddbEndpoint,
		"TANDEM_SES_ENDPOINT=" + sesEndpoint, "TANDEM_TABLE=" + coldTable, "TANDEM_BASE_URL=http://localhost:8080",
	}
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	mu.Lock()
	start = time.Now()
	mu.Unlock()
	if err := cmd.Start(); err != nil {
		return cs, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	select {
	case <-done:
		mu.Lock()
		defer mu.Unlock()
		return cs, nil
	case <-ctx.Done():
		return cs, fmt.Errorf("no answer within 30 s")
	}
}
