package store

import (
	"os/exec"
	"strings"
	"testing"
)

// The store sits below the jobs: it reads the due index for them (package
// due), and links neither them nor what they carry — the notifier's
// delivery and its mail renderer, or any template engine.
func TestStoreLinksNoJobsNorRenderer(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/tandemhq/tandem/shared/store").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	forbidden := []string{"github.com/tandemhq/tandem/shared/jobs", "github.com/tandemhq/tandem/shared/notify/delivery",
		"text/template", "html/template", "github.com/DataDog/datadog-agent/pkg/template/", "github.com/a-h/templ"}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, f+"/") || (strings.HasSuffix(f, "/") && strings.HasPrefix(dep, f)) {
				t.Errorf("shared/store depends on %s", dep)
			}
		}
	}
}
