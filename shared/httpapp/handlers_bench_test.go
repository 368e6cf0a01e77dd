package httpapp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/registration"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

// benchServer is a server over memstore with a host, a partner
// reaching it through a program, and one case.
func benchServer(b testing.TB) (*router.Router, map[string]string) {
	b.Helper()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st := memstore.New(keyring.Fixed("bench", []byte("bench-key-0123456789abcdef0123456789")))
	ctx := context.Background()
	o := notify.Origin{From: "Tandem <n@t.example>", BaseURL: "https://t.example"}
	host := member.Member{ID: ident.New(ident.Member, now), Name: "Acme", Domain: "acme.example", Kind: member.Full,
		Contacts: member.Contacts{Primary: member.Contact{Name: "A", Email: "a@acme.example"}}}
	partner := member.Member{ID: ident.New(ident.Member, now), Name: "Globex", Domain: "globex.example", Kind: member.Limited}
	eng := member.User{ID: ident.New(ident.User, now), MemberID: partner.ID, Name: "E", Email: "e@globex.example", Roles: []string{auth.RoleEngineer},
		TokenHash: "bench-engineer"}
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(st.Seed().Members(ctx, []member.Member{host, partner}))
	must(st.CreateUser(ctx, eng, member.Credential{Hash: eng.TokenHash, UserID: eng.ID, MemberID: eng.MemberID, Roles: eng.Roles}, nil, idem.None))
	prg := program.Program{ID: ident.New(ident.Program, now), Slug: "acme-partners", Name: "Acme Partner Connect", HostMemberID: host.ID,
		HostName: host.Name, Type: program.PartnerProgram, SLA: program.DefaultSLA, Access: program.Open,
		PrimaryContact: member.Contact{Name: "A", Email: "a@acme.example"},
		Landing:        program.Landing{About: "About <the> program", Links: []program.Link{{Title: "Guide", URL: "https://acme.example/g"}}}}
	must(st.CreateProgram(ctx, prg, idem.None))
	must(st.Seed().Enrollments(ctx, []enrollment.Enrollment{{ID: ident.New(ident.Enrollment, now), Status: enrollment.Active, MemberID: partner.ID,
		ProgramID: prg.ID, HostMemberID: host.ID, CreatedAt: now, UpdatedAt: now, Version: 1}}))
	dep := department.Department{ID: ident.New(ident.Department, now), MemberID: host.ID, Name: "Support", ProgramIDs: []string{prg.ID},
		Form: form.Default(), Inbound: department.Inbound{Email: "s@acme.example", Escalation: member.Contact{Name: "E", Email: "esc@acme.example"},
			Hours: hours.Hours{Zone: "Europe/Berlin", Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00"}}}
	must(st.CreateDepartment(ctx, dep, nil, idem.None))
	cases := collab.NewService(st, collab.Service{Origin: o, Now: clock})
	svc := &app.Services{
		BaseURL: o.BaseURL, Now: clock,
		Members:      member.NewService(st, member.Service{Mail: o, Now: clock}),
		Programs:     program.NewService(nil, program.Service{Now: clock}),
		Registration: registration.NewService(st, registration.Service{Origin: o, Now: clock}),
		Cases:        cases,
	}
	c, err := cases.Open(context.Background(), auth.Principal{MemberID: partner.ID, UserID: eng.ID, Roles: eng.Roles}, collab.NewCase{
		DepartmentID: dep.ID, ProgramID: prg.ID, Priority: program.High, Summary: "s", Description: "d",
		Customer: &collab.Customer{Company: "C", ContactName: "N", ContactEmail: "n@c.example"}, Fields: map[string]any{"product": "X"},
	}, idem.None)
	if err != nil {
		b.Fatal(err)
	}
	ids := map[string]string{"host": host.ID, "partner": partner.ID, "engineer": eng.ID, "program": prg.ID, "department": dep.ID, "case": c.ID}
	return router.New(EveryRoute(svc), router.Options{Now: clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}), ids
}

func event(method, path, routeKey string, params map[string]string, p *auth.Principal, body any) events.APIGatewayV2HTTPRequest {
	ev := events.APIGatewayV2HTTPRequest{RouteKey: routeKey, RawPath: path, PathParameters: params,
		Headers: map[string]string{"content-type": "application/json"}}
	ev.RequestContext.HTTP.Method = method
	if p != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: router.PrincipalContext(*p)}
	}
	if body != nil {
		b, _ := json.Marshal(body)
		ev.Body = string(b)
	}
	return ev
}

// BenchmarkHandlers measures each route's handler CPU with the table
// replaced by memory: the work a function does per request besides I/O.
func BenchmarkHandlers(b *testing.B) {
	rt, ids := benchServer(b)
	op := &auth.Principal{Operator: true, UserID: "op"}
	engP := &auth.Principal{MemberID: ids["partner"], UserID: ids["engineer"], Roles: []string{auth.RoleEngineer}}
	hostP := &auth.Principal{MemberID: ids["host"], UserID: "u", Roles: []string{auth.RoleAdmin, auth.RoleEngineer}}
	// Each new member takes a domain no run of the benchmark took before
	// (b.N restarts at 0 on each of its rounds; a domain is claimed once).
	var made int
	newMember := func(int) any {
		made++
		return map[string]any{"name": "M", "domain": fmt.Sprintf("m%d.example", made), "kind": "limited",
			"contacts": map[string]any{"primary": map[string]any{"name": "P", "email": "p@m.example"}}}
	}
	newCase := map[string]any{"departmentId": ids["department"], "programId": ids["program"], "priority": "high",
		"summary": "VMs freeze", "description": "During snapshots.", "fields": map[string]any{"product": "Array"},
		"customer": map[string]any{"company": "C", "contactName": "N", "contactEmail": "n@c.example"}}
	cases := []struct {
		name, fn string
		ev       func(i int) events.APIGatewayV2HTTPRequest
		want     int
	}{
		{"POST /v1/members", "approval", func(i int) events.APIGatewayV2HTTPRequest {
			return event("POST", "/v1/members", "POST /v1/members", nil, op, newMember(i))
		}, 201},
		{"POST /v1/members (invalid)", "approval", func(int) events.APIGatewayV2HTTPRequest {
			return event("POST", "/v1/members", "POST /v1/members", nil, op, map[string]any{"name": "", "status": "x"})
		}, 422},
		{"GET /v1/members/{id}", "approval", func(int) events.APIGatewayV2HTTPRequest {
			return event("GET", "/v1/members/"+ids["host"], "GET /v1/members/{id}", map[string]string{"id": ids["host"]}, hostP, nil)
		}, 200},
		{"POST /v1/cases", "cases", func(int) events.APIGatewayV2HTTPRequest {
			return event("POST", "/v1/cases", "POST /v1/cases", nil, engP, newCase)
		}, 201},
		{"GET /v1/cases/{id}", "cases", func(int) events.APIGatewayV2HTTPRequest {
			return event("GET", "/v1/cases/"+ids["case"], "GET /v1/cases/{id}", map[string]string{"id": ids["case"]}, engP, nil)
		}, 200},
		{"POST /v1/cases/{id}/notes", "cases", func(int) events.APIGatewayV2HTTPRequest {
			return event("POST", "/v1/cases/"+ids["case"]+"/notes", "POST /v1/cases/{id}/notes", map[string]string{"id": ids["case"]}, hostP, map[string]any{"text": "note"})
		}, 200},
		{"GET /p/{slug}", "registration", func(int) events.APIGatewayV2HTTPRequest {
			return event("GET", "/p/acme-partners", "GET /p/{slug}", map[string]string{"slug": "acme-partners"}, nil, nil)
		}, 200},
	}
	for _, c := range cases {
		h := rt.Function(c.fn)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				res, _ := h(context.Background(), c.ev(i))
				if res.StatusCode != c.want {
					b.Fatalf("got %d %s, want %d", res.StatusCode, res.Body, c.want)
				}
			}
		})
	}
}
