package httpapp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/registration"
	"github.com/tandemhq/tandem/shared/router"
)

// memStore is an in-memory stand-in for the table, just enough for the
// handler benchmarks: they measure the handlers' own CPU (decode, validate,
// domain, encode), not DynamoDB.
type memStore struct {
	mu       sync.Mutex
	members  map[string]member.Member
	users    map[string]member.User
	programs map[string]program.Program
	slugs    map[string]string
	deps     map[string]department.Department
	enrolled map[string]enrollment.Enrollment
	cases    map[string]collab.Case
}

func newMemStore() *memStore {
	return &memStore{members: map[string]member.Member{}, users: map[string]member.User{}, programs: map[string]program.Program{},
		slugs: map[string]string{}, deps: map[string]department.Department{}, enrolled: map[string]enrollment.Enrollment{}, cases: map[string]collab.Case{}}
}

func (m *memStore) CreateMember(_ context.Context, mb member.Member, u member.User, _ member.Credential, _ []notify.Message, _ idem.Claim) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.members[mb.ID], m.users[u.ID] = mb, u
	return nil
}
func (m *memStore) GetMember(_ context.Context, id string) (member.Member, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if mb, ok := m.members[id]; ok {
		return mb, nil
	}
	return member.Member{}, apperr.NotFound("member %s not found", id)
}
func (m *memStore) CreateUser(_ context.Context, u member.User, _ member.Credential, _ *member.Invitation, _ idem.Claim) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users[u.ID] = u
	return nil
}
func (m *memStore) GetUser(_ context.Context, _, id string) (member.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if u, ok := m.users[id]; ok {
		return u, nil
	}
	return member.User{}, apperr.NotFound("user %s not found", id)
}
func (m *memStore) RevokeUser(context.Context, member.User, time.Time) error { return nil }
func (m *memStore) UpdateUser(context.Context, member.User, int) error       { return nil }
func (m *memStore) GetProgram(_ context.Context, id string) (program.Program, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p, ok := m.programs[id]; ok {
		return p, nil
	}
	return program.Program{}, apperr.NotFound("program %s not found", id)
}
func (m *memStore) ProgramIDBySlug(_ context.Context, slug string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id, ok := m.slugs[slug]; ok {
		return id, nil
	}
	return "", apperr.NotFound("no program")
}
func (m *memStore) GetDepartment(_ context.Context, id string) (department.Department, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d, ok := m.deps[id]; ok {
		return d, nil
	}
	return department.Department{}, apperr.NotFound("department %s not found", id)
}
func (m *memStore) ListMemberDepartments(context.Context, string) ([]department.Department, error) {
	return nil, nil
}
func (m *memStore) ListMemberUsers(context.Context, string) ([]member.User, error) { return nil, nil }
func (m *memStore) UpdateMember(context.Context, member.Member, int, []notify.Message) error {
	return nil
}
func (m *memStore) Enqueue(context.Context, ...notify.Message) error { return nil }
func (m *memStore) ListMemberEvents(context.Context, string, string, int, string) ([]audit.Event, string, error) {
	return nil, "", nil
}
func (m *memStore) ListMemberEnrollments(context.Context, string) ([]enrollment.Enrollment, error) {
	return nil, nil
}
func (m *memStore) ListHostPrograms(context.Context, string) ([]program.Program, error) {
	return nil, nil
}
func (m *memStore) ListProgramEnrollments(context.Context, string, enrollment.Status, int, string) ([]enrollment.Enrollment, string, error) {
	return nil, "", nil
}
func (m *memStore) ListMembersByKind(context.Context, member.Kind) ([]member.Member, error) {
	return nil, nil
}
func (m *memStore) EnrollmentStatus(_ context.Context, programID, memberID string) (enrollment.Status, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.enrolled[programID+"#"+memberID].Status, nil
}
func (m *memStore) CreateCase(_ context.Context, c collab.Case, _ collab.Event, _ []notify.Message, _ idem.Claim) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cases[c.ID] = c
	return nil
}
func (m *memStore) GetCase(_ context.Context, id string) (collab.Case, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.cases[id]; ok {
		return c, nil
	}
	return collab.Case{}, apperr.NotFound("case %s not found", id)
}
func (m *memStore) ApplyCase(_ context.Context, _, after collab.Case, _ collab.Event, _ []notify.Message, _ idem.Claim) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cases[after.ID] = after
	return nil
}
func (m *memStore) AppendCaseNote(ctx context.Context, before, after collab.Case, ev collab.Event, msgs []notify.Message, claim idem.Claim) error {
	return m.ApplyCase(ctx, before, after, ev, msgs, claim)
}
func (m *memStore) StaleCases(context.Context, time.Time, int) ([]collab.Case, bool, error) {
	return nil, false, nil
}
func (m *memStore) ListCases(context.Context, collab.Box, string, collab.Status, int, string) ([]collab.Case, string, error) {
	return nil, "", nil
}
func (m *memStore) ListCaseEvents(context.Context, string, int, string) ([]collab.Event, string, error) {
	return nil, "", nil
}
func (m *memStore) MemberIDByDomain(context.Context, string) (string, bool, error) {
	return "", false, nil
}
func (m *memStore) CountInWindow(_ context.Context, _ string, w time.Duration, now time.Time) (int, time.Time, error) {
	return 1, now.Add(w), nil
}
func (m *memStore) CreateSignupToken(context.Context, registration.SignupToken, notify.Message) error {
	return nil
}
func (m *memStore) GetSignupToken(context.Context, string) (registration.SignupToken, error) {
	return registration.SignupToken{}, apperr.NotFound("no token")
}
func (m *memStore) CreateSignup(context.Context, registration.Signup) error { return nil }

// benchServer is a server over the in-memory store with a host, a partner
// reaching it through a program, and one case.
func benchServer(b testing.TB) (*router.Router, map[string]string) {
	b.Helper()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st := newMemStore()
	o := notify.Origin{From: "Tandem <n@t.example>", BaseURL: "https://t.example"}
	host := member.Member{ID: ident.New(ident.Member, now), Name: "Acme", Domain: "acme.example", Kind: member.Full,
		Contacts: member.Contacts{Primary: member.Contact{Name: "A", Email: "a@acme.example"}}}
	partner := member.Member{ID: ident.New(ident.Member, now), Name: "Globex", Domain: "globex.example", Kind: member.Limited}
	eng := member.User{ID: ident.New(ident.User, now), MemberID: partner.ID, Name: "E", Email: "e@globex.example", Roles: []string{auth.RoleEngineer}}
	st.members[host.ID], st.members[partner.ID], st.users[eng.ID] = host, partner, eng
	prg := program.Program{ID: ident.New(ident.Program, now), Slug: "acme-partners", Name: "Acme Partner Connect", HostMemberID: host.ID,
		HostName: host.Name, Type: program.PartnerProgram, SLA: program.DefaultSLA, Access: program.Open,
		PrimaryContact: member.Contact{Name: "A", Email: "a@acme.example"},
		Landing:        program.Landing{About: "About <the> program", Links: []program.Link{{Title: "Guide", URL: "https://acme.example/g"}}}}
	st.programs[prg.ID], st.slugs[prg.Slug] = prg, prg.ID
	st.enrolled[prg.ID+"#"+partner.ID] = enrollment.Enrollment{Status: enrollment.Active, MemberID: partner.ID, ProgramID: prg.ID}
	dep := department.Department{ID: ident.New(ident.Department, now), MemberID: host.ID, Name: "Support", ProgramIDs: []string{prg.ID},
		Form: form.Default(), Inbound: department.Inbound{Email: "s@acme.example", Escalation: member.Contact{Name: "E", Email: "esc@acme.example"},
			Hours: hours.Hours{Zone: "Europe/Berlin", Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00"}}}
	st.deps[dep.ID] = dep
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
	newMember := func(i int) any {
		return map[string]any{"name": "M", "domain": fmt.Sprintf("m%d.example", i), "kind": "limited",
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
