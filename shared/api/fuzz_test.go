package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/registration"
	"github.com/tandemhq/tandem/shared/router"
)

// decoders are every request body type, with the check each runs.
var decoders = []func(r *router.Request) error{
	func(r *router.Request) error {
		var v member.NewMember
		return checked(router.Decode(r, &v), func() error { _, err := v.Check(); return err })
	},
	func(r *router.Request) error { var v member.NewUser; return router.Decode(r, &v) },
	func(r *router.Request) error { var v member.UserPatch; return router.Decode(r, &v) },
	func(r *router.Request) error { var v program.Input; return router.Decode(r, &v) },
	func(r *router.Request) error { var v program.Patch; return router.Decode(r, &v) },
	func(r *router.Request) error {
		var v registration.SignupInput
		return checked(router.Decode(r, &v), func() error { _, err := v.Check(context.Background(), nil); return err })
	},
	func(r *router.Request) error { var v collab.NewCase; return router.Decode(r, &v) },
	func(r *router.Request) error { var v department.Input; return router.Decode(r, &v) },
	func(r *router.Request) error { var v department.Patch; return router.Decode(r, &v) },
	func(r *router.Request) error { var v hookEnvelope; return router.Decode(r, &v) },
	func(r *router.Request) error { _, err := DecodeAct(collab.Accept, r.Body); return err },
	func(r *router.Request) error { _, err := DecodeAct(collab.Close, r.Body); return err },
}

func checked(err error, check func() error) error {
	if err != nil {
		return err
	}
	return check()
}

// FuzzDecoders: no body makes a decoder panic or fail as a 5xx.
func FuzzDecoders(f *testing.F) {
	for _, s := range []string{`{}`, `{"name":"A","domain":"a.example","kind":"full","contacts":{"primary":{"name":"P","email":"p@a.example"}}}`,
		`{"inbound":{"hours":"24x7"}}`, `{"inbound":{"hours":{"timezone":"Europe/Berlin","days":["mon"],"start":"08:00","end":"18:00"}}}`,
		`{"fields":{"a":1e999}}`, `[]`, `null`, `{"sla":{"low":"PT8H"}}`, `{"engineer":{"name":"x","email":"y"}}`, `{"a":`, "\xff"} {
		for i := range decoders {
			f.Add(uint8(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		err := decoders[int(which)%len(decoders)](&router.Request{Body: body})
		if err == nil {
			return
		}
		if status, _ := router.Status(err); status >= 500 {
			t.Fatalf("body %q: %d (%v)", body, status, err)
		}
	})
}

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
