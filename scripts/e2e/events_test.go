package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/routes"
)

// Every sample event in events/ is named <function>-<what>.json and runs
// through its function's handler without error; each function has one.
func TestSampleEvents(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	if err := e.App.Store.PutOperatorCredential(context.Background(), auth.Hash("tdm_local_invoke_operator"), "invoke"); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../../events/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample events: %v", err)
	}
	covered := map[string]bool{}
	for _, f := range files {
		name := filepath.Base(f)
		fn, _, _ := strings.Cut(strings.TrimSuffix(name, ".json"), "-")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out, err := e.Gateway.Invoke(context.Background(), fn, raw)
			if err != nil {
				t.Fatalf("invoke %s: %v", fn, err)
			}
			switch r := out.(type) {
			case events.APIGatewayV2HTTPResponse:
				if r.StatusCode >= 500 {
					t.Errorf("got %d %s", r.StatusCode, r.Body)
				}
			case events.APIGatewayV2CustomAuthorizerSimpleResponse:
				if !r.IsAuthorized || r.Context["authError"] != nil {
					t.Errorf("the sample token was refused: %+v", r)
				}
			}
			covered[fn] = true
		})
	}
	for _, f := range routes.Functions {
		if !covered[f.Name] {
			t.Errorf("function %s has no sample event in events/", f.Name)
		}
	}
}
