// Command build is `make build`: it builds every function as a Lambda
// provided.al2023 arm64 bootstrap, zips each reproducibly (fixed times,
// fixed modes), checks that a second build gives byte-identical zips, prints
// the sizes, and fails when a zip is over the budget.
package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/tandemhq/tandem/shared/routes"
)

// Size is one function's build result.
type Size struct {
	Function  string `json:"function"`
	Bootstrap int64  `json:"bootstrapBytes"`
	Zip       int64  `json:"zipBytes"`
	SHA256    string `json:"zipSha256"`
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
		again, err := buildAll(tmp)
		if err != nil {
			return err
		}
		for i := range sizes {
			if sizes[i].SHA256 != again[i].SHA256 {
				return fmt.Errorf("%s: two builds differ (%s vs %s): the build is not reproducible", sizes[i].Function, sizes[i].SHA256[:12], again[i].SHA256[:12])
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
		note = ", reproducible (built twice, identical zips)"
	}
	fmt.Printf("built %d functions in %.1fs%s; budget %.0f MiB per zip\n", len(sizes), time.Since(start).Seconds(), note, mib(budget))
	if over > 0 {
		return fmt.Errorf("%d function zips exceed %.0f MiB", over, mib(budget))
	}
	return nil
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

func buildAll(out string) ([]Size, error) {
	var sizes []Size
	for _, f := range routes.Functions {
		dir := filepath.Join(out, f.Name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		bin := filepath.Join(dir, "bootstrap")
		cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-buildvcs=false",
			"-ldflags", "-s -w -buildid=", "-o", bin, "./functions/"+f.Name)
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("build %s: %w", f.Name, err)
		}
		st, err := os.Stat(bin)
		if err != nil {
			return nil, err
		}
		zipPath := filepath.Join(out, f.Name+".zip")
		sum, n, err := zipOne(bin, zipPath)
		if err != nil {
			return nil, err
		}
		sizes = append(sizes, Size{Function: f.Name, Bootstrap: st.Size(), Zip: n, SHA256: sum})
	}
	return sizes, nil
}

// zipOne writes a zip holding bootstrap with a fixed time and mode, so the
// same binary always gives the same bytes.
func zipOne(bin, path string) (string, int64, error) {
	data, err := os.ReadFile(bin)
	if err != nil {
		return "", 0, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return "", 0, err
	}
	if _, err := io.Copy(w, bytes.NewReader(data)); err != nil {
		return "", 0, err
	}
	if err := zw.Close(); err != nil {
		return "", 0, err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return "", 0, err
	}
	sum := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(sum[:]), int64(buf.Len()), nil
}
