package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/shared/routes"
)

// Each function's deps.txt says what it links today: an import that
// reaches a function changes the file, and so shows in review.
func TestEachFunctionsLinksAreWrittenDown(t *testing.T) {
	root := filepath.Join("..", "..")
	fns, err := functions(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(fns) == 0 {
		t.Fatal("no function found under functions/")
	}
	for _, dir := range fns {
		want, err := linked(root, dir)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(root, dir, golden))
		if err != nil {
			t.Errorf("%s: %v; run `make deps`", dir, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s/%s is out of date (run `make deps` and review the change):\n%s", dir, golden, diff(string(got), string(want)))
		}
	}
}

// diff names the lines one list has and the other has not.
func diff(old, new string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			if l != "" && !strings.HasPrefix(l, "#") {
				m[l] = true
			}
		}
		return m
	}
	o, n := in(old), in(new)
	var b strings.Builder
	for l := range n {
		if !o[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	for l := range o {
		if !n[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	if b.Len() == 0 {
		return "(only the header or the order differs)"
	}
	return b.String()
}

// The functions that serve no HTTP (the stream, the schedules, the SES
// events) link none of the HTTP layer: not the transport, the handlers, the
// pages or their template engine.
func TestOnlyHTTPFunctionsLinkTheHTTPLayer(t *testing.T) {
	root := filepath.Join("..", "..")
	httpLayer := []string{module + "/shared/router", module + "/shared/api", module + "/shared/console", module + "/shared/web", module + "/shared/httpapp", "github.com/a-h/templ"}
	for _, f := range routes.Functions {
		if f.Kind == routes.HTTP || f.Kind == routes.Authorize {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, "functions", f.Name, golden))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			for _, p := range httpLayer {
				if line == p {
					t.Errorf("%s (%s) links %s", f.Name, f.Kind, p)
				}
			}
		}
	}
}
