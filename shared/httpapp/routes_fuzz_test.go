package httpapp

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/router"
)

// FuzzRoutes: whatever the body, query and path, a route answers below 500.
func FuzzRoutes(f *testing.F) {
	f.Add(uint8(0), "", "", []byte(`{"name":"x"}`), "application/json")
	f.Add(uint8(1), "cas_01KAB8Z3W6Q1Y8BMXW1NTJT3S9", "box=inbox&status=open", []byte(``), "")
	f.Add(uint8(2), "%00", "limit=-1&cursor=%ff", []byte(`{"text":"`+string(make([]byte, 300))+`"}`), "text/plain")
	f.Add(uint8(3), "acme-partners", "", []byte(`email=a%40b.example`), "application/x-www-form-urlencoded")
	f.Fuzz(func(t *testing.T, which uint8, id, query string, body []byte, ct string) {
		rt, ids := benchServer(t)
		p := auth.Principal{MemberID: ids["partner"], UserID: ids["engineer"], Roles: []string{auth.RoleEngineer}}
		reqs := []struct{ fn, key, path string }{
			{"approval", "POST /v1/members", "/v1/members"},
			{"cases", "GET /v1/cases/{id}", "/v1/cases/" + id},
			{"cases", "POST /v1/cases/{id}/notes", "/v1/cases/" + id + "/notes"},
			{"registration", "POST /p/{slug}", "/p/" + id},
			{"cases", "POST /v1/cases", "/v1/cases"},
			{"cases", "GET /v1/cases", "/v1/cases"},
			{"registration", "POST /v1/programs/{id}/registrations", "/v1/programs/" + id + "/registrations"},
		}
		r := reqs[int(which)%len(reqs)]
		ev := events.APIGatewayV2HTTPRequest{RouteKey: r.key, RawPath: r.path, RawQueryString: query, Body: string(body),
			PathParameters: map[string]string{"id": id, "slug": id}, Headers: map[string]string{"content-type": ct}}
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: router.PrincipalContext(p)}
		res, err := rt.Function(r.fn)(context.Background(), ev)
		if err != nil || res.StatusCode >= http.StatusInternalServerError {
			t.Fatalf("%s with id %q query %q body %q: %d %s %v", r.key, id, query, body, res.StatusCode, res.Body, err)
		}
	})
}
