package localtest

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/tandemhq/tandem/shared/api"
	"github.com/tandemhq/tandem/shared/routes"
)

// openapi.yaml offers Idempotency-Key exactly where the router honours it:
// on the routes that create or append (routes.Route.Create). A described
// key the router ignores is a retry that silently does the work twice.
func TestIdempotencyKeyDescribedWhereHonoured(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range routes.Table {
		if !strings.HasPrefix(r.Path, "/v1/") {
			continue
		}
		item := doc.Paths.Find(r.Path)
		if item == nil || item.GetOperation(r.Method) == nil {
			continue // the end-to-end tests hold every route to a description
		}
		described := false
		for _, p := range item.GetOperation(r.Method).Parameters {
			if p.Value != nil && p.Value.In == "header" && strings.EqualFold(p.Value.Name, "Idempotency-Key") {
				described = true
			}
		}
		if described != r.Create {
			t.Errorf("%s: openapi.yaml describes Idempotency-Key: %v; the router honours it: %v", r.Key(), described, r.Create)
		}
	}
}
