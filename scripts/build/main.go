// Command build is `make build`: it builds every function as a Lambda
// provided.al2023 arm64 bootstrap, zips each reproducibly (fixed times,
// fixed modes), checks that a second build gives byte-identical bootstraps
// (and so, zipOne being a function of the bytes alone, identical zips),
// prints the sizes, and fails when a zip is over the budget.
//
// One `go build` links every function (the go command runs the links in
// parallel), and the zips are compressed on every core: deflate at its
// best compression is most of the time, about two seconds a function.
package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/tandemhq/tandem/shared/routes"
)

// Size is one function's build result.
type Size struct {
	Function  string `json:"function"`
	Bootstrap int64  `json:"bootstrapBytes"`
	Zip       int64  `json:"zipBytes"`
	SHA256    string `json:"zipSha256"`

	bootstrapSum string // the binary's SHA-256, for the second build to match
}

func main() {
	out := flag.String("out", "dist", "output directory")
	budget := flag.Int64("max", 4<<20, "largest allowed zip, bytes")
	verify := flag.Bool("verify", true, "build twice and require identical zips")
	flag.Parse()
	if err := run(*out, *budget, *verify); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
}

func run(out string, budget int64, verify bool) error {
	start := time.Now()
	sizes, err := buildAll(out)
	if err != nil {
		return err
	}
	if verify {
		tmp, err := os.MkdirTemp("", "tandem-build-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if err := compile(tmp); err != nil {
			return err
		}
		for _, s := range sizes {
			again, err := fileSum(filepath.Join(tmp, s.Function))
			if err != nil {
				return err
			}
			if again != s.bootstrapSum {
				return fmt.Errorf("%s: two builds differ (bootstrap %s vs %s): the build is not reproducible", s.Function, s.bootstrapSum[:12], again[:12])
			}
		}
	}
	fmt.Printf("%-14s %12s %12s  %s\n", "function", "bootstrap", "zip", "zip sha256")
	over := 0
	for _, s := range sizes {
		mark := ""
		if s.Zip > budget {
			mark = "  OVER BUDGET"
			over++
		}
		fmt.Printf("%-14s %10.2f MiB %8.2f MiB  %s%s\n", s.Function, mib(s.Bootstrap), mib(s.Zip), s.SHA256[:16], mark)
	}
	b, _ := json.MarshalIndent(sizes, "", "  ")
	if err := os.WriteFile(filepath.Join(out, "sizes.json"), b, 0o644); err != nil {
		return err
	}
	note := ""
	if verify {
		note = ", reproducible (built twice, identical bootstraps)"
	}
	fmt.Printf("built %d functions in %.1fs%s; budget %.0f MiB per zip\n", len(sizes), time.Since(start).Seconds(), note, mib(budget))
	if over > 0 {
		return fmt.Errorf("%d function zips exceed %.0f MiB", over, mib(budget))
	}
	return nil
}

// noInline compiles the pages (packages web and console) without inlining. templ's
// generated code calls small helpers for every value it writes, and the
// compiler copies each inlined body, closures included, into every caller.
// Without it approval's zip is 93 KB smaller: 3.96 MiB instead of 4.05, over
// the budget since the program editor's preview of the sign-up mail renders
// with text/template. The program editor, the largest page, took 74 µs to
// render instead of 62 in one measure: nothing beside a request's round
// trips to DynamoDB.
var noInline = []string{"-gcflags", "github.com/tandemhq/tandem/shared/web=-l", "-gcflags", "github.com/tandemhq/tandem/shared/console=-l"}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// buildAll builds every function into out/<name>/bootstrap and zips it
// into out/<name>.zip, in the order of routes.Functions.
func buildAll(out string) ([]Size, error) {
	bins, err := os.MkdirTemp("", "tandem-bins-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(bins)
	if err := compile(bins); err != nil {
		return nil, err
	}
	sizes := make([]Size, len(routes.Functions))
	errs := make([]error, len(routes.Functions))
	work := make(chan int)
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				sizes[i], errs[i] = place(bins, out, routes.Functions[i].Name)
			}
		}()
	}
	for i := range routes.Functions {
		work <- i
	}
	close(work)
	wg.Wait()
	return sizes, errors.Join(errs...)
}

// compile links every function's binary into dir/<name> with one go
// command.
func compile(dir string) error {
	args := append([]string{"build", "-tags", "lambda.norpc", "-trimpath", "-buildvcs=false"}, noInline...)
	args = append(args, "-ldflags", "-s -w -buildid=", "-o", dir+string(filepath.Separator))
	for _, f := range routes.Functions {
		args = append(args, "./functions/"+f.Name)
	}
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}
	return nil
}

// place moves function name's binary from bins to out/<name>/bootstrap
// and zips it.
func place(bins, out, name string) (Size, error) {
	dir := filepath.Join(out, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Size{}, err
	}
	data, err := os.ReadFile(filepath.Join(bins, name))
	if err != nil {
		return Size{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), data, 0o755); err != nil {
		return Size{}, err
	}
	zipped, err := zipOne(data)
	if err != nil {
		return Size{}, fmt.Errorf("zip %s: %w", name, err)
	}
	if err := os.WriteFile(filepath.Join(out, name+".zip"), zipped, 0o644); err != nil {
		return Size{}, err
	}
	return Size{Function: name, Bootstrap: int64(len(data)), Zip: int64(len(zipped)),
		SHA256: sum(zipped), bootstrapSum: sum(data)}, nil
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func fileSum(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return sum(b), nil
}

// zipOne is a zip holding data as bootstrap with a fixed time and mode,
// so the same binary always gives the same bytes.
func zipOne(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
