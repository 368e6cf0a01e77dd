package api

import (
	"testing"

	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/routes"
)

// Each HTTP function's handler set serves exactly the routes the table gives
// that function: a route missing from its set would make the deployed
// function refuse to start, a route in another's set would never be reached.
func TestEachFunctionHasExactlyItsHandlers(t *testing.T) {
	s := &Server{}
	sets := map[string]func(*Server) map[string]router.Handler{
		routes.Registration: RegistrationHandlers, routes.Approval: ApprovalHandlers,
		routes.Cases: CasesHandlers, routes.Hooks: HooksHandlers,
	}
	total := 0
	for fn, set := range sets {
		handlers := set(s)
		total += len(handlers)
		want := map[string]bool{}
		for _, r := range routes.ForFunction(fn) {
			want[r.Key()] = true
			if handlers[r.Key()] == nil {
				t.Errorf("%s: route %s has no handler in its set", fn, r.Key())
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
			s.RouterOf(set).Function(fn)
		}()
	}
	if total != len(AllHandlers(s)) {
		t.Errorf("the sets hold %d handlers, AllHandlers %d: a route is in two sets", total, len(AllHandlers(s)))
	}
}
