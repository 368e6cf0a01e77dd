package httpapptest

import (
	"context"
	"net/url"
	"strings"

	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/enrollment"
)

// Actor is someone calling the installation: a member's user with a bearer
// token (JSON routes) and a console session (pages), or the operator.
type Actor struct {
	MemberID, UserID string
	Token            string
	// Email is the user's address (the operator's for the operator).
	Email    string
	Operator bool
}

// Member is a member with its admin.
type Member struct {
	ID, Domain string
	Admin      Actor
}

// Host is a host member with its program and a support department whose
// addresses are confirmed, and an engineer.
type Host struct {
	Member
	Engineer                    Actor
	ProgramID, Slug, Department string
	// Notify is the program's notification address.
	Notify string
}

// Partner is a partner live in the host's program through onboarding: its
// enrollment, its first department, its membership invoice (paid), and an
// engineer without the critical role.
type Partner struct {
	Member
	Engineer                                 Actor
	Email, EnrollmentID, Department, Invoice string
}

// World is the installation of the tenant matrix: a host with a program
// (member-paid) and a department, a partner onboarded through the mails,
// an unrelated member, a case the partner opened with the host, a
// configuration the partner submitted and the partner's webhook secret.
type World struct {
	*Env
	Host      Host
	Partner   Partner
	Unrelated Member
	Case      string
	// Configuration is submitted, awaiting the host's decision.
	Configuration string
	// WebhookSecret signs the partner's inbound webhooks.
	WebhookSecret string
}

// NewWorld builds a World through the API, as its people would.
func NewWorld(e *Env) *World {
	e.T.Helper()
	spec := e.Spec
	e.Spec = false // the world's making is not what a test checks
	defer func() { e.Spec = spec }()
	w := &World{Env: e}
	w.Host = e.NewHost("Acme Storage", nil)
	w.Partner = e.Onboard(w.Host, "Hyper Visor")
	w.Partner.Engineer = e.AddUser(w.Partner.Member, "Eng Partner", "engineer")
	w.Unrelated = e.NewMember("Stranger Things", "limited")
	w.Case = e.Do("POST", "/v1/cases", w.Partner.Admin.Token, CaseBody(w.Host.Department, w.Host.ProgramID)).Expect(201, "open the case").Str("id")
	w.Configuration = e.Do("POST", "/v1/programs/"+w.Host.ProgramID+"/configurations", w.Partner.Admin.Token, ConfigurationBody()).
		Expect(201, "submit a configuration").Str("id")
	w.WebhookSecret = e.Do("POST", "/v1/members/"+w.Partner.ID+"/webhook-secret", w.Partner.Admin.Token, nil).Expect(201, "webhook secret").Str("secret")
	return w
}

// OperatorActor is the installation's operator.
func (e *Env) OperatorActor() Actor {
	return Actor{Token: e.Operator, Email: OperatorEmail, UserID: OperatorEmail, Operator: true}
}

func slug(name string) string { return strings.ToLower(strings.ReplaceAll(name, " ", "")) }

// MemberBody is a new member's body for POST /v1/members.
func MemberBody(name, kind string) map[string]any {
	d := slug(name) + ".example"
	return map[string]any{
		"name": name, "domain": d, "kind": kind,
		"contacts": map[string]any{
			"primary":    map[string]any{"name": "Pat Primary", "email": "primary@" + d},
			"escalation": map[string]any{"name": "Esa Escalation", "email": "escalation@" + d},
		},
	}
}

// NewMember creates a member as the operator.
func (e *Env) NewMember(name, kind string) Member {
	e.T.Helper()
	res := e.Do("POST", "/v1/members", e.Operator, MemberBody(name, kind)).Expect(201, "create member "+name)
	m := res.JSON()
	id := m["id"].(string)
	admin := Actor{MemberID: id, Token: m["adminToken"].(string), Email: "primary@" + slug(name) + ".example"}
	users := e.Do("GET", "/v1/members/"+id+"/users", admin.Token, nil).Expect(200, "users of "+name).JSON()["items"].([]any)
	admin.UserID = users[0].(map[string]any)["id"].(string)
	return Member{ID: id, Domain: slug(name) + ".example", Admin: admin}
}

// AddUser adds a user with roles to m as its admin.
func (e *Env) AddUser(m Member, name string, roles ...string) Actor {
	e.T.Helper()
	email := slug(name) + "@" + m.Domain
	res := e.Do("POST", "/v1/members/"+m.ID+"/users", m.Admin.Token, map[string]any{"name": name, "email": email, "roles": roles}).Expect(201, "add user "+name)
	return Actor{MemberID: m.ID, UserID: res.Str("id"), Token: res.Str("token"), Email: email}
}

// NewHost creates a host member, its program (member-paid, with body
// overrides) and its confirmed support department, and an engineer.
func (e *Env) NewHost(name string, program map[string]any) Host {
	e.T.Helper()
	h := Host{Member: e.NewMember(name, "full")}
	h.Slug = slug(name) + "-partners"
	h.Notify = "alliances@" + h.Domain
	body := map[string]any{
		"slug": h.Slug, "name": name + " Partner Connect", "hostMemberId": h.ID, "type": "partner_program", "payment": "member",
		"primaryContact": map[string]any{"name": "Alex Host", "email": h.Notify},
		"notifyEmails":   []string{h.Notify},
		"addendum":       map[string]any{"version": "2026-1", "text": "Be excellent to each other."},
		"landing":        map[string]any{"about": "Join the " + name + " partners.", "links": []any{map[string]any{"title": "Guide", "url": "https://" + h.Domain + "/guide"}}},
	}
	for k, v := range program {
		body[k] = v
	}
	h.ProgramID = e.Do("POST", "/v1/programs", h.Admin.Token, body).Expect(201, "create program").Str("id")
	h.Department = e.Do("POST", "/v1/members/"+h.ID+"/departments", h.Admin.Token, DepartmentBody(h.Domain, h.ProgramID)).Expect(201, "host department").Str("id")
	e.ConfirmAddress("support@" + h.Domain)
	e.ConfirmAddress("escalation-desk@" + h.Domain)
	h.Engineer = e.AddUser(h.Member, "Eng Host", "engineer")
	return h
}

// ConfirmAddress confirms addr as its owner does: the last confirmation
// link mailed to it, its page's button.
func (e *Env) ConfirmAddress(addr string) {
	e.T.Helper()
	link := e.LastLink(addr, "/e/")
	b := e.Browser()
	page := b.Get(link).Expect(200, "confirmation page of "+addr)
	f := page.Form(link)
	if f == nil {
		e.T.Fatalf("the confirmation page of %s offers no button: %s", addr, page.Text())
	}
	b.Submit(f, nil).Expect(200, "confirm "+addr)
}

// DepartmentBody is a department of a member at domain serving program.
func DepartmentBody(domain, programID string) map[string]any {
	return map[string]any{
		"name": "Storage support", "programIds": []string{programID},
		"inbound": map[string]any{
			"email": "support@" + domain, "phone": "+49 30 1",
			"hours":      map[string]any{"timezone": "Europe/Berlin", "days": []string{"mon", "tue", "wed", "thu", "fri"}, "start": "08:00", "end": "18:00"},
			"escalation": map[string]any{"name": "Esc Manager", "email": "escalation-desk@" + domain},
		},
		"form": map[string]any{"fields": []any{
			map[string]any{"name": "product", "label": "Product", "type": "select", "required": true, "options": []string{"Array 9000", "Array 5000"}},
			map[string]any{"name": "version", "label": "Version", "type": "text", "required": true, "pattern": `\d+\.\d+(\.\d+)?`},
		}},
	}
}

// CaseBody is a case for a department of a program.
func CaseBody(department, programID string) map[string]any {
	return map[string]any{
		"departmentId": department, "programId": programID, "priority": "high",
		"summary": "VMs freeze during array snapshots", "description": "Since firmware 9.2 every nightly snapshot stalls guests for 40 s.",
		"customer":            map[string]any{"company": "Initech", "contactName": "Peter Gibbons", "contactEmail": "peter@initech.example", "caseNumber": "INI-42"},
		"submitterCaseNumber": "PTR-1001",
		"fields":              map[string]any{"product": "Array 9000", "version": "9.2.1"},
	}
}

// ConfigurationBody is a configuration a partner submits.
func ConfigurationBody() map[string]any {
	return map[string]any{"partnerProduct": "Hyper", "partnerVersion": "8.0", "hostProduct": "Array 9000", "hostVersions": []string{"9.2", "9.3"},
		"notes": "Tested with snapshots.", "supportUrl": "https://hypervisor.example/support"}
}

// SignupBody is a complete sign-up for company at domain.
func SignupBody(token, company, domain string) map[string]any {
	c := func(role string) map[string]any {
		return map[string]any{"name": strings.ToUpper(role[:1]) + role[1:] + " Person", "email": role + "@" + domain, "phone": "+49 30 123456"}
	}
	return map[string]any{
		"token":    token,
		"company":  map[string]any{"name": company, "website": "https://" + domain, "country": "DE"},
		"contacts": map[string]any{"primary": c("primary"), "support": c("support"), "escalation": c("escalation"), "billing": c("billing")},
		"inbound": map[string]any{
			"email": "support@" + domain, "phone": "+49 30 999",
			"hours":        map[string]any{"timezone": "Europe/Berlin", "days": []string{"mon", "tue", "wed", "thu", "fri"}, "start": "08:00", "end": "18:00"},
			"instructions": "Quote the customer's serial number.",
		},
		"acceptAddendum": map[string]any{"version": "2026-1", "name": "Pat Partner", "title": "CEO"},
	}
}

// SignupLink registers email for the host's program and returns the
// sign-up link mailed to it.
func (e *Env) SignupLink(h Host, email string) string {
	e.T.Helper()
	res := e.Do("POST", "/v1/programs/"+h.Slug+"/registrations", "", map[string]any{"email": email}).Expect(202, "register "+email)
	if res.Str("status") != "verification_sent" {
		e.T.Fatalf("register %s: %s", email, res.Body)
	}
	return e.LastLink(email, "/signup?token=")
}

// SignUp signs company up for the host's program: the enrollment is
// pending the host's approval.
func (e *Env) SignUp(h Host, company string) Partner {
	e.T.Helper()
	domain := slug(company) + ".example"
	p := Partner{Member: Member{Domain: domain}, Email: "primary@" + domain}
	link := e.SignupLink(h, p.Email)
	tok, _ := url.ParseQuery(link[strings.Index(link, "?")+1:])
	res := e.Do("POST", "/v1/signups", "", SignupBody(tok.Get("token"), company, domain)).Expect(201, "sign up "+company)
	p.ID, p.EnrollmentID = res.Str("memberId"), res.Str("enrollmentId")
	return p
}

// Approve approves p's enrollment as the host's admin: the enrollment is
// validating, the test case mailed to p's inbound address.
func (e *Env) Approve(h Host, p Partner) {
	e.T.Helper()
	e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/approve", h.Admin.Token, nil).Expect(200, "approve")
}

// Onboard takes company from sign-up to live: approved by the host, the
// test case acknowledged by link, the membership invoice paid by the
// operator. Going live made the partner's admin (its primary contact),
// who signs in by mail; p.Admin is an admin the operator adds for the
// tests' API calls (integration@ the partner's domain), with its token.
func (e *Env) Onboard(h Host, company string) Partner {
	e.T.Helper()
	p := e.SignUp(h, company)
	e.Approve(h, p)
	ack := e.LastLink("support@"+p.Domain, "/v/")
	st := e.Do("POST", "/v1/validations/"+Token(ack)+"/acknowledge", "", nil).Expect(200, "acknowledge").Str("status")
	p.Invoice = e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, h.Admin.Token, nil).Expect(200, "enrollment").Str("membershipInvoiceId")
	if st == "awaiting_payment" {
		e.Do("POST", "/v1/invoices/"+p.Invoice+"/payments", e.Operator, map[string]any{"reference": "r", "amountCents": 50000}).Expect(200, "pay")
	}
	e.LastLink(p.Email, "/login/") // the go-live mail signs its admin in
	email := "integration@" + p.Domain
	res := e.Do("POST", "/v1/members/"+p.ID+"/users", e.Operator, map[string]any{
		"name": company + " integration", "email": email, "roles": []string{"admin", "engineer"},
	}).Expect(201, "the partner's API admin")
	p.Admin = Actor{MemberID: p.ID, UserID: res.Str("id"), Token: res.Str("token"), Email: email}
	deps := e.Do("GET", "/v1/members/"+p.ID+"/departments", p.Admin.Token, nil).Expect(200, "partner departments").JSON()["items"].([]any)
	p.Department = deps[0].(map[string]any)["id"].(string)
	return p
}

// CredentialLink writes the token of a /c/ link as going live mailed them
// before it made the partner's admin (such links are still honoured), for
// p's live enrollment, to name at email, and returns the token.
func (e *Env) CredentialLink(p Partner, name, email string) string {
	e.T.Helper()
	plain, hash := auth.NewToken("crd_")
	tok := enrollment.Token{Hash: hash, Kind: enrollment.CredentialToken, EnrollmentID: p.EnrollmentID, MemberID: p.ID,
		Name: name, Email: email, ExpiresAt: e.Now().Add(enrollment.CredentialTTL)}
	if err := e.Store.ApplyEnrollmentChange(context.Background(), enrollment.Change{Tokens: []enrollment.Token{tok}}); err != nil {
		e.T.Fatalf("write a credential link: %v", err)
	}
	return plain
}
