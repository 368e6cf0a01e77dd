// Command deps writes, for each function under functions/, the list of
// packages it links into functions/<name>/deps.txt (`make deps`), as
// tailscale's depaware.txt does: an import that reaches a function shows in
// review as a new line. Its test (run by `make test`) fails when a list is
// out of date.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	root := flag.String("root", ".", "the repository's root")
	flag.Parse()
	fns, err := functions(*root)
	if err != nil {
		fail(err)
	}
	for _, dir := range fns {
		b, err := linked(*root, dir)
		if err != nil {
			fail(err)
		}
		if err := os.WriteFile(filepath.Join(*root, dir, golden), b, 0o644); err != nil {
			fail(err)
		}
	}
	fmt.Printf("deps: wrote %s for %d functions\n", golden, len(fns))
}

// functions lists the directories under functions/, relative to root.
func functions(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join("functions", e.Name()))
		}
	}
	return dirs, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "deps:", err)
	os.Exit(1)
}
