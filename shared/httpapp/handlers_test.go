package httpapp

import (
	"testing"

	"github.com/tandemhq/tandem/shared/api"
	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/console"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/routes"
)

// Each HTTP function's handler set serves exactly the routes the table gives
// that function: a route missing from its set would make the deployed
// function refuse to start, a route in another's set would never be reached.
func TestEachFunctionHasExactlyItsHandlers(t *testing.T) {
	svc := &app.Services{}
	a, c := API(svc), Console(svc)
	sets := map[string][2]map[string]router.Handler{ // JSON, pages
		routes.Registration: {api.RegistrationHandlers(a), console.RegistrationHandlers(c)},
		routes.Approval:     {api.ApprovalHandlers(a), console.ApprovalHandlers(c)},
		routes.Payments:     {api.PaymentsHandlers(a), console.PaymentsHandlers(c)},
		routes.Cases:        {api.CasesHandlers(a), console.CasesHandlers(c)},
		routes.Hooks:        {api.HooksHandlers(a), console.HooksHandlers(c)},
	}
	total := 0
	for fn, set := range sets {
		handlers := router.Merge(set[0], set[1])
		total += len(handlers)
		want := map[string]bool{}
		for _, r := range routes.ForFunction(fn) {
			want[r.Key()] = true
			if handlers[r.Key()] == nil {
				t.Errorf("%s: route %s has no handler in its sets", fn, r.Key())
			}
			// api answers JSON, console pages: nothing in between.
			if _, page := set[1][r.Key()]; page != r.Page {
				t.Errorf("%s: route %s is a page: %v; served by console: %v", fn, r.Key(), r.Page, page)
			}
		}
		for k := range handlers {
			if !want[k] {
				t.Errorf("%s: handler %s belongs to another function's routes", fn, k)
			}
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s does not start: %v", fn, p)
				}
			}()
			Router(svc, handlers).Function(fn)
		}()
	}
	if total != len(EveryRoute(svc)) {
		t.Errorf("the sets hold %d handlers, every route %d: a route is in two sets", total, len(EveryRoute(svc)))
	}
}
