package app

import (
	"os/exec"
	"strings"
	"testing"
)

// The domain is plain Go: no domain package reaches HTTP, the AWS SDK or
// a template engine, directly or through another package. Kinds of
// failure are the domain's; statuses are package api's.
func TestDomainPackagesImportNoTransport(t *testing.T) {
	domain := []string{"apperr", "auth", "billing", "collab", "department", "enrollment", "form", "hostbilling", "hours",
		"ident", "input", "member", "program", "registration", "suppression"}
	forbidden := []string{"net/http", "github.com/aws/", "text/template", "html/template", "github.com/DataDog/datadog-agent/pkg/template/", "github.com/a-h/templ", "github.com/tandemhq/tandem/shared/store"}
	for _, pkg := range domain {
		out, err := exec.Command("go", "list", "-deps", "github.com/tandemhq/tandem/shared/"+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if dep == f || (strings.HasSuffix(f, "/") && strings.HasPrefix(dep, f)) || strings.HasPrefix(dep, f+"/") {
					t.Errorf("shared/%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
