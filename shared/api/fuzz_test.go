package api

import (
	"context"
	"testing"

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
