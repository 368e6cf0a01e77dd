package e2etest

import (
	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"

	"context"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
)

// Host is a host member with a program: its member, its admin's token,
// the program and its slug, and the address the program's mail goes to.
type Host struct {
	MemberID, Admin, ProgramID, Slug string
	Notify                           string
}

// NewHost creates a host member and a program with body overrides.
func NewHost(t *testing.T, e *localtest.Env, name string, program map[string]any) Host {
	t.Helper()
	m := Expect(t, e.Do("POST", "/v1/members", e.Operator, NewMemberBody(e, name, "full")), 201, "create host")
	slug := strings.ToLower(strings.ReplaceAll(name, " ", "-")) + "-" + e.Domain[:8]
	h := Host{MemberID: m.Str("id"), Admin: m.Str("adminToken"), Slug: slug, Notify: e.Addr("alliances-" + strings.ToLower(strings.ReplaceAll(name, " ", "")))}
	body := map[string]any{
		"slug": slug, "name": name + " Partner Connect", "hostMemberId": h.MemberID, "type": "partner_program", "payment": "member",
		"primaryContact": map[string]any{"name": "Alex Host", "email": h.Notify},
		"notifyEmails":   []string{h.Notify},
		"addendum":       map[string]any{"version": "2026-1", "text": "Be excellent to each other."},
		"landing":        map[string]any{"about": "Join us.", "links": []any{map[string]any{"title": "Guide", "url": "https://host.example/guide"}}},
	}
	for k, v := range program {
		body[k] = v
	}
	p := Expect(t, e.Do("POST", "/v1/programs", h.Admin, body), 201, "create program")
	h.ProgramID = p.Str("id")
	return h
}

// NewMemberBody is the operator's body creating a member of kind named
// name, its domain and contacts made from name and e's test domain.
func NewMemberBody(e *localtest.Env, name, kind string) map[string]any {
	return map[string]any{
		"name": name, "domain": strings.ToLower(strings.ReplaceAll(name, " ", "-")) + "." + e.Domain, "kind": kind,
		"contacts": map[string]any{
			"primary":    map[string]any{"name": "Pat Primary", "email": e.Addr("primary-" + strings.ToLower(strings.ReplaceAll(name, " ", "")))},
			"escalation": map[string]any{"name": "Esa Escalation", "email": e.Addr("esc-" + strings.ToLower(strings.ReplaceAll(name, " ", "")))},
		},
	}
}

// Partner is a signed-up partner: its domain, its primary address, its
// enrollment and its member.
type Partner struct {
	Domain, Email, EnrollmentID, MemberID string
}

// SignUp registers for h's program and signs company up, as a new member
// at a domain made from company.
func SignUp(t *testing.T, e *localtest.Env, h Host, company string) Partner {
	t.Helper()
	domain := strings.ToLower(strings.ReplaceAll(company, " ", "")) + "." + e.Domain
	p := Partner{Domain: domain, Email: "primary@" + domain}
	res := Expect(t, e.Do("POST", "/v1/signups", "", SignupBody(SignupToken(t, e, h.Slug, p.Email), company, domain)), 201, "sign-up "+company)
	p.EnrollmentID, p.MemberID = res.Str("enrollmentId"), res.Str("memberId")
	return p
}

// SignupToken registers email for slug and returns the token from the mail.
func SignupToken(t *testing.T, e *localtest.Env, slug, email string) string {
	t.Helper()
	res := Expect(t, e.Do("POST", "/v1/programs/"+slug+"/registrations", "", map[string]any{"email": email}), 202, "register "+email)
	if res.Str("status") != "verification_sent" {
		t.Fatalf("register %s: %d %s", email, res.Status, res.Body)
	}
	link := LinkIn(t, e.Mail(email, "Confirm your email"), "/signup?token=")
	_, tok, _ := strings.Cut(link, "token=")
	return tok
}

// SignupBody is a complete, valid sign-up for company at domain (the
// in-process harness's: both harnesses sign up alike).
var SignupBody = httpapptest.SignupBody

// Onboard signs a partner up and takes it live; it returns the partner and
// the token of an admin the operator adds for the test's API calls
// (integration@ its domain: going live made the partner's admin, who signs
// in by mail).
func Onboard(t *testing.T, e *localtest.Env, h Host, company string) (Partner, string) {
	t.Helper()
	p := SignUp(t, e, h, company)
	Expect(t, e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/approve", h.Admin, nil), 200, "approve "+company)
	ack := LinkIn(t, e.Mail("support@"+p.Domain, "[Test case]"), "/v/")
	res := Expect(t, e.Do("POST", "/v1/validations/"+ack[strings.LastIndex(ack, "/")+1:]+"/acknowledge", "", nil), 200, "acknowledge "+company)
	if res.Str("status") == "awaiting_payment" {
		inv := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin, nil).Str("membershipInvoiceId")
		Expect(t, e.Do("POST", "/v1/invoices/"+inv+"/payments", e.Operator, map[string]any{"reference": "r", "amountCents": 50000}), 200, "pay "+company)
	}
	LinkIn(t, e.Mail(p.Email, "You are live"), "/login/") // the go-live mail signs its admin in
	c := Expect(t, e.Do("POST", "/v1/members/"+p.MemberID+"/users", e.Operator, map[string]any{
		"name": company + " integration", "email": "integration@" + p.Domain, "roles": []string{"admin", "engineer"},
	}), 201, "the API admin of "+company)
	return p, c.Str("token")
}

// LivePartner seeds an active partner of h's program as onboarding leaves
// it — the member with its admin (also an engineer), its department serving
// the program with the program's form, its active enrollment — without
// walking through onboarding (TestOnboardingThroughTheMails does that): for
// tests whose subject is what a live partner does. It returns the partner
// and its admin's token.
func LivePartner(t *testing.T, e *localtest.Env, h Host, company string) (Partner, string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	domain := strings.ToLower(strings.ReplaceAll(company, " ", "")) + "." + e.Domain
	p := Partner{Domain: domain, Email: "primary@" + domain}
	contact := func(role string) member.Contact {
		return member.Contact{Name: strings.ToUpper(role[:1]) + role[1:] + " Person", Email: role + "@" + domain, Phone: "+49 30 123456"}
	}
	m, admin, cred, token := member.Build(member.NewMember{
		Name: company, Domain: domain, Kind: member.Limited,
		Contacts: member.Contacts{Primary: contact("primary"), Escalation: contact("escalation"), Billing: contact("billing")},
	}, now)
	if err := e.App.Store.CreateMember(ctx, m, admin, cred, nil, idem.None); err != nil {
		t.Fatalf("seed %s: %v", company, err)
	}
	prg, err := e.App.Store.GetProgram(ctx, h.ProgramID)
	if err != nil {
		t.Fatal(err)
	}
	dep := department.Department{
		ID: ident.New(ident.Department, now), MemberID: m.ID, Name: company + " support", ProgramIDs: []string{prg.ID}, Form: prg.Form,
		Inbound: department.Inbound{
			Email: "support@" + domain, Phone: "+49 30 999", Escalation: contact("escalation"), Instructions: "Quote the customer's serial number.",
			Hours: hours.Hours{Zone: "Europe/Berlin", Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00"},
		},
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	// A live partner's addresses were confirmed when it went live.
	dep.Confirmed = confirmation.Confirmed{}.With(dep.Inbound.Email).With(dep.Inbound.Escalation.Email)
	if err := e.App.Store.CreateDepartment(ctx, dep, nil, idem.None); err != nil {
		t.Fatalf("seed %s's department: %v", company, err)
	}
	en := enrollment.Enrollment{
		ID: ident.New(ident.Enrollment, now), ProgramID: prg.ID, MemberID: m.ID, MemberName: m.Name, HostMemberID: prg.HostMemberID,
		Status: enrollment.Active, Email: p.Email, Company: enrollment.Company{Name: company, Website: "https://" + domain, Country: "DE"},
		Contacts:     enrollment.Contacts{Primary: contact("primary"), Support: contact("support"), Escalation: contact("escalation"), Billing: contact("billing")},
		DepartmentID: dep.ID, Addendum: enrollment.Acceptance{Version: prg.Addendum.Version, Name: "Pat Partner", Title: "CEO", At: now},
		HostPaid: prg.Payment == program.HostPaid, Paid: prg.Payment == program.MemberPaid, GoLiveAt: now,
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if !en.HostPaid {
		en.RenewalDate = billing.AddYears(now, 1)
	}
	if err := e.App.Store.Seed().Enrollments(ctx, []enrollment.Enrollment{en}); err != nil {
		t.Fatalf("seed %s's enrollment: %v", company, err)
	}
	p.EnrollmentID, p.MemberID = en.ID, m.ID
	return p, token
}

// HostDepartment gives the host a support department for its program.
func HostDepartment(t *testing.T, e *localtest.Env, h Host) string {
	t.Helper()
	asked := CountMails(t, e, e.Addr("storage-support"), "takes Tandem mail")
	res := e.Do("POST", "/v1/members/"+h.MemberID+"/departments", h.Admin, map[string]any{
		"name": "Storage support", "programIds": []string{h.ProgramID},
		"inbound": map[string]any{
			"email": e.Addr("storage-support"), "phone": "+49 30 1",
			"hours":      map[string]any{"timezone": "Europe/Berlin", "days": []string{"mon", "tue", "wed", "thu", "fri"}, "start": "08:00", "end": "18:00"},
			"escalation": map[string]any{"name": "Esc Manager", "email": e.Addr("storage-escalation")},
		},
		"form": map[string]any{"fields": []any{
			map[string]any{"name": "product", "label": "Product", "type": "select", "required": true, "options": []string{"Array 9000", "Array 5000"}},
			map[string]any{"name": "version", "label": "Version", "type": "text", "required": true, "pattern": `\d+\.\d+(\.\d+)?`},
			map[string]any{"name": "serialNumber", "label": "Serial number", "type": "text", "maxLength": 12},
			map[string]any{"name": "nodes", "label": "Nodes", "type": "number"},
		}},
	})
	Expect(t, res, 201, "host department")
	// A test's hosts share its mail domain: each new department's own
	// confirmation mail is the next one.
	ConfirmNth(t, e, e.Addr("storage-support"), asked+1)
	ConfirmNth(t, e, e.Addr("storage-escalation"), asked+1)
	return res.Str("id")
}

// AddUser adds an engineer to h's member.
func AddUser(t *testing.T, e *localtest.Env, h Host, name, email string) {
	t.Helper()
	Expect(t, e.Do("POST", "/v1/members/"+h.MemberID+"/users", h.Admin, map[string]any{"name": name, "email": email, "roles": []string{"engineer"}}), 201, "user "+email)
}
