package e2e

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/localstack"
)

// make test runs the tests named by the Makefile's PAGE_TESTS without the
// race detector (-run) and every other test with it (-skip, over all
// packages). The list must be exactly this package's tests that open a
// browser, and no test elsewhere may share a listed name: it would be
// skipped by the one run and never started by the other.
func TestPageTestsList(t *testing.T) {
	root, err := localstack.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	listed := pageTestsInMakefile(t, filepath.Join(root, "Makefile"))

	e2eDir := filepath.Join("scripts", "e2e") // this package, relative to root
	fset := token.NewFileSet()
	tests := map[string][]string{} // test name → the directories declaring it
	calls := map[string][]string{} // this package's functions → the functions they call
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "cdk.out") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil {
				continue
			}
			if strings.HasPrefix(fn.Name.Name, "Test") {
				tests[fn.Name.Name] = append(tests[fn.Name.Name], dir)
			}
			if dir == e2eDir && fn.Body != nil {
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					if c, ok := n.(*ast.CallExpr); ok {
						if id, ok := c.Fun.(*ast.Ident); ok {
							calls[fn.Name.Name] = append(calls[fn.Name.Name], id.Name)
						}
					}
					return true
				})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	opens := map[string]bool{"browser": true} // functions that (through others) open a browser
	for changed := true; changed; {
		changed = false
		for fn, callees := range calls {
			if !opens[fn] && slices.ContainsFunc(callees, func(c string) bool { return opens[c] }) {
				opens[fn], changed = true, true
			}
		}
	}
	var want []string
	for name, dirs := range tests {
		if opens[name] && slices.Contains(dirs, e2eDir) {
			want = append(want, name)
		}
	}
	slices.Sort(want)
	for _, name := range want {
		if !slices.Contains(listed, name) {
			t.Errorf("%s opens a browser but the Makefile's PAGE_TESTS does not name it: it runs under the race detector, slowly", name)
		}
	}
	for _, name := range listed {
		switch dirs := tests[name]; {
		case !slices.Contains(want, name):
			t.Errorf("PAGE_TESTS names %s, which is not a test in scripts/e2e that opens a browser (declared in %v)", name, dirs)
		case len(dirs) > 1:
			t.Errorf("PAGE_TESTS names %s, which is also a test in %v: the race run skips it there and the page run never starts it", name, dirs)
		}
	}
	if len(want) == 0 {
		t.Error("found no test that opens a browser: the search for browser() calls is broken")
	}
}

// pageTestsInMakefile reads the names in `PAGE_TESTS := ^(A|B|…)$$`.
func pageTestsInMakefile(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^PAGE_TESTS\s*:=\s*\^\(([A-Za-z0-9_|]+)\)\$\$\s*$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s has no line PAGE_TESTS := ^(TestA|TestB|…)$$", path)
	}
	return strings.Split(string(m[1]), "|")
}
