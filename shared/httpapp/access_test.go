package httpapp_test

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"
)

// The rules of single routes that scripts/e2e held until issue 28: who
// reads and changes members, programs, enrollments and cases, and what each
// refusal says. In process over memstore; the journeys stay in scripts/e2e.

// API parity for admins (issue 14, first step): a host lists its programs,
// an admin lists its member's users and keeps its contacts current, an
// operator searches members — each refused to the wrong tenant or role.
// (Was scripts/e2e TestAdminAPIParity.)
func TestAdminAPIParity(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Parity Host", map[string]any{"payment": "host"})
	p := e.Onboard(h, "Parity Partner")
	padmin := p.Admin.Token
	eng := e.AddUser(p.Member, "Eng", "engineer").Token

	progs := e.Do("GET", "/v1/programs?hostMemberId="+h.ID, h.Admin.Token, nil).Expect(200, "the host's programs")
	if items := progs.Items(); len(items) != 1 || items[0].(map[string]any)["id"] != h.ProgramID {
		t.Fatalf("the host's programs: %s", progs.Body)
	}
	e.Do("GET", "/v1/programs?hostMemberId="+h.ID, e.Operator, nil).Expect(200, "an operator lists any host's programs")
	e.Do("GET", "/v1/programs?hostMemberId="+h.ID, padmin, nil).Expect(404, "a partner lists the host's programs")
	if res := e.Do("GET", "/v1/programs", h.Admin.Token, nil).Expect(422, "no hostMemberId"); res.ErrorFields()["hostMemberId"] == nil {
		t.Errorf("no hostMemberId: %d %s, want 422 naming it", res.Status, res.Body)
	}

	users := e.Do("GET", "/v1/members/"+p.ID+"/users", padmin, nil).Expect(200, "the partner's users")
	if n := len(users.Items()); n != 3 || !strings.Contains(string(users.Body), "eng@"+p.Domain) { // the go-live admin, the API admin, the engineer
		t.Fatalf("users: %s", users.Body)
	}
	e.Do("GET", "/v1/members/"+p.ID+"/users", eng, nil).Expect(403, "an engineer lists users")
	e.Do("GET", "/v1/members/"+p.ID+"/users", h.Admin.Token, nil).Expect(404, "another member lists users")

	version := e.Do("GET", "/v1/members/"+p.ID, padmin, nil).Expect(200, "the member").JSON()["version"]
	newBilling := map[string]any{"name": "Bea Billing", "email": "finance@" + p.Domain}
	res := e.Do("PATCH", "/v1/members/"+p.ID, padmin, map[string]any{"contacts": map[string]any{"billing": newBilling}, "version": version}).Expect(200, "the billing contact corrected")
	got := e.Do("GET", "/v1/members/"+p.ID, padmin, nil).Expect(200, "the member")
	contacts := got.JSON()["contacts"].(map[string]any)
	if contacts["billing"].(map[string]any)["email"] != "finance@"+p.Domain || contacts["primary"].(map[string]any)["email"] != "primary@"+p.Domain {
		t.Fatalf("after the patch: %s (patch answered %s)", got.Body, res.Body)
	}
	if res := e.Do("PATCH", "/v1/members/"+p.ID, padmin, map[string]any{"contacts": map[string]any{"billing": map[string]any{"name": "B", "email": "nope"}}}).Expect(422, "an invalid billing address"); res.ErrorFields()["contacts.billing.email"] == nil {
		t.Errorf("an invalid billing address: %d %s, want 422 naming contacts.billing.email", res.Status, res.Body)
	}
	e.Do("PATCH", "/v1/members/"+p.ID, padmin, map[string]any{"name": "Stale", "version": version}).Expect(409, "a stale version")
	e.Do("PATCH", "/v1/members/"+p.ID, eng, map[string]any{"name": "Hijack"}).Expect(403, "an engineer renames the member")

	found := e.Do("GET", "/v1/members?q=parity", e.Operator, nil).Expect(200, "an operator searches members")
	if !strings.Contains(string(found.Body), h.ID) || !strings.Contains(string(found.Body), p.ID) {
		t.Errorf("the search misses the members: %s", found.Body)
	}
	e.Do("GET", "/v1/members?q=parity", h.Admin.Token, nil).Expect(403, "a host admin searches members")
}

// A program is read in full only by its host's admins and operators; its
// partners and the host's other users get the public view, which names
// no pre-approved or notify address, price or sender. (An enrolled
// partner's read once answered 500.) A member's own record is its admins'.
// (Was scripts/e2e TestProgramAndMemberReadScope.)
func TestProgramAndMemberReadScope(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Scope", map[string]any{"payment": "host", "preApproved": []string{"secret-partner.example"}})
	p := e.Onboard(h, "Reader")
	partnerEng := e.AddUser(p.Member, "Eng", "engineer")
	private := []string{"preApproved", "notifyEmails", "priceBands", "senderEmail", "startDate"}
	for who, tok := range map[string]string{"partner admin": p.Admin.Token, "partner engineer": partnerEng.Token, "host engineer": h.Engineer.Token} {
		res := e.Do("GET", "/v1/programs/"+h.ProgramID, tok, nil).Expect(200, who+" reads the program")
		if res.Str("name") != "Scope Partner Connect" {
			t.Fatalf("%s reads the program: %d %s", who, res.Status, res.Body)
		}
		for _, k := range private {
			if _, ok := res.JSON()[k]; ok {
				t.Errorf("%s reads the program's %s: %s", who, k, res.Body)
			}
		}
		if bytes.Contains(res.Body, []byte("secret-partner.example")) {
			t.Errorf("%s sees another company on the pre-approved list", who)
		}
	}
	for who, tok := range map[string]string{"host admin": h.Admin.Token, "operator": e.Operator} {
		res := e.Do("GET", "/v1/programs/"+h.ProgramID, tok, nil).Expect(200, who+" reads the whole program")
		if !bytes.Contains(res.Body, []byte("secret-partner.example")) || res.JSON()["priceBands"] == nil {
			t.Fatalf("%s reads the whole program: %d %s", who, res.Status, res.Body)
		}
	}
	// A partner of another program does not see this one at all.
	other := e.NewHost("Other", map[string]any{"payment": "host"})
	outsider := e.Onboard(other, "Outsider")
	e.Do("GET", "/v1/programs/"+h.ProgramID, outsider.Admin.Token, nil).Expect(404, "an outsider reads the program")
	// The member's own record: its admins yes, its engineers no.
	e.Do("GET", "/v1/members/"+p.ID, p.Admin.Token, nil).Expect(200, "the partner's admin reads its member")
	e.Do("GET", "/v1/members/"+p.ID, partnerEng.Token, nil).Expect(403, "an engineer reads its member's record")
}

// Webhook URLs that reach the cloud metadata address through IPv6
// transition forms, and zoned literals, are refused when saved. (Was
// scripts/e2e TestWebhookURLsThroughIPv6FormsAreRefused.)
func TestWebhookURLsThroughIPv6FormsAreRefused(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Hooky", map[string]any{"payment": "host"})
	p := e.Onboard(h, "Hooked")
	dep := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, p.Admin.Token, nil).Expect(200, "the enrollment").Str("departmentId")
	inbound := map[string]any{"email": "support@" + p.Domain, "hours": "24x7", "escalation": map[string]any{"name": "E", "email": "esc@" + p.Domain}}
	for _, u := range []string{"https://[::a9fe:a9fe]/hook", "https://[64:ff9b::a9fe:a9fe]/hook", "https://[2002:a9fe:a9fe::1]/hook",
		"https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook", "https://[fe80::1%25eth0]/hook", "https://[2606:2800:220:1::1%25eth0]/hook"} {
		in := httpapptest.Clone(inbound).(map[string]any)
		in["webhookUrl"] = u
		res := e.Do("PATCH", "/v1/departments/"+dep, p.Admin.Token, map[string]any{"inbound": in}).Expect(422, "webhook "+u)
		if res.ErrorFields()["inbound.webhookUrl"] == nil || len(res.ErrorFields()) != 1 {
			t.Errorf("webhook %s: %d %s, want 422 naming inbound.webhookUrl", u, res.Status, res.Body)
		}
	}
}

// Money: once a program exists only operators change its prices, payment
// model and start date; a host cannot price itself at zero. (Was
// scripts/e2e TestOnlyOperatorsChangeWhatAProgramCosts.)
func TestOnlyOperatorsChangeWhatAProgramCosts(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Thrifty", map[string]any{"payment": "host", "startDate": "2026-01-15"})
	for field, v := range map[string]any{
		"priceBands": []any{map[string]any{"upTo": 1000, "unitCents": 0}},
		"payment":    "member",
		"startDate":  "2030-01-01",
	} {
		e.Do("PATCH", "/v1/programs/"+h.ProgramID, h.Admin.Token, map[string]any{field: v}).Expect(403, "a host changes "+field)
	}
	// Sending the value it already has is no change.
	e.Do("PATCH", "/v1/programs/"+h.ProgramID, h.Admin.Token, map[string]any{"payment": "host", "name": "Thrifty Connect"}).Expect(200, "a host patch that keeps the payment")
	bands := []any{map[string]any{"upTo": 1000, "unitCents": 12345}}
	res := e.Do("PATCH", "/v1/programs/"+h.ProgramID, e.Operator, map[string]any{"priceBands": bands}).Expect(200, "an operator sets the prices")
	if !strings.Contains(string(res.Body), `"unitCents":12345`) {
		t.Fatalf("an operator sets the prices: %d %s", res.Status, res.Body)
	}
	body := map[string]any{
		"slug": "cheap", "name": "Cheap", "hostMemberId": h.ID, "type": "oem", "payment": "host",
		"primaryContact": map[string]any{"name": "A", "email": h.Notify}, "addendum": map[string]any{"version": "1", "text": "t"},
		"priceBands": bands,
	}
	e.Do("POST", "/v1/programs", h.Admin.Token, body).Expect(403, "a host creates a program with its own prices")
}

// intakeDepartment gives h a second department for its program whose form
// has, besides product and version, a serial number of at most 12
// characters and a number of nodes; its addresses confirmed.
func intakeDepartment(e *httpapptest.Env, h httpapptest.Host) string {
	e.T.Helper()
	body := httpapptest.DepartmentBody(h.Domain, h.ProgramID)
	body["name"] = "Intake desk"
	in := body["inbound"].(map[string]any)
	in["email"] = "intake@" + h.Domain
	in["escalation"] = map[string]any{"name": "Esc Manager", "email": "intake-escalation@" + h.Domain}
	form := body["form"].(map[string]any)
	form["fields"] = append(form["fields"].([]any),
		map[string]any{"name": "serialNumber", "label": "Serial number", "type": "text", "maxLength": 12},
		map[string]any{"name": "nodes", "label": "Nodes", "type": "number"})
	dep := e.Do("POST", "/v1/members/"+h.ID+"/departments", h.Admin.Token, body).Expect(201, "the intake department").Str("id")
	e.ConfirmAddress("intake@" + h.Domain)
	e.ConfirmAddress("intake-escalation@" + h.Domain)
	return dep
}

// intakeCase is a valid case for intakeDepartment.
func intakeCase(dep, programID string) map[string]any {
	c := httpapptest.CaseBody(dep, programID)
	c["fields"] = map[string]any{"product": "Array 9000", "version": "9.2.1", "serialNumber": "SN-123", "nodes": 4}
	return c
}

// Case intake checks the case against the department's form and the
// program's rules, each refusal naming its field; a critical case needs
// the critical role and a business impact and is due 2 h later whatever
// the hours; a removed partner reaches the host no more. (Was scripts/e2e
// TestCaseIntakeRules.)
func TestCaseIntakeRules(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Rules Host", map[string]any{"payment": "host"})
	dep := intakeDepartment(e, h)
	p := e.Onboard(h, "Rules Partner")
	eng := e.AddUser(p.Member, "Eng", "engineer").Token
	crit := e.AddUser(p.Member, "Crit", "engineer", "critical").Token
	stranger := e.NewMember("Stranger Co", "limited").Admin.Token
	good := intakeCase(dep, h.ProgramID)
	set := httpapptest.Set

	cases := []struct {
		name   string
		token  string
		body   map[string]any
		status int
		field  string
	}{
		{"missing required form field", eng, set(good, "fields.product", nil, true), 422, "fields.product"},
		{"select option not offered", eng, set(good, "fields.product", "Toaster", false), 422, "fields.product"},
		{"pattern mismatch", eng, set(good, "fields.version", "latest", false), 422, "fields.version"},
		{"too long", eng, set(good, "fields.serialNumber", "SN-1234567890123", false), 422, "fields.serialNumber"},
		{"not a number", eng, set(good, "fields.nodes", "four", false), 422, "fields.nodes"},
		{"unknown form field", eng, set(good, "fields.colour", "blue", false), 422, "fields.colour"},
		{"customer required", eng, set(good, "customer", nil, true), 422, "customer"},
		{"bad customer email", eng, set(good, "customer.contactEmail", "peter", false), 422, "customer.contactEmail"},
		{"bad priority", eng, set(good, "priority", "urgent", false), 422, "priority"},
		{"no summary", eng, set(good, "summary", "", false), 422, "summary"},
		{"unknown body field", eng, set(good, "status", "closed", false), 422, "status"},
		{"critical needs the role", eng, set(good, "priority", "critical", false), 403, ""},
		{"critical needs business impact", crit, set(good, "priority", "critical", false), 422, "businessImpact"},
		{"own department", eng, set(good, "departmentId", p.Department, false), 422, "departmentId"},
		{"unknown department", eng, set(good, "departmentId", "dep_01KAB8Z3W6Q1Y8BMXW1NTJT3S9", false), 404, ""},
		{"stranger cannot reach", stranger, good, 404, ""},
		{"no program between limited members", eng, set(good, "programId", nil, true), 422, "programId"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := e.Do("POST", "/v1/cases", c.token, c.body)
			if res.Status != c.status {
				t.Fatalf("%s: got %d %s, want %d", c.name, res.Status, res.Body, c.status)
			}
			if c.field != "" && res.ErrorFields()[c.field] == nil {
				t.Fatalf("error does not name %s: %s", c.field, res.Body)
			}
		})
	}
	critical := set(set(good, "priority", "critical", false), "businessImpact", "Production down for 3,000 users", false)
	res := e.Do("POST", "/v1/cases", crit, critical).Expect(201, "critical")
	// Critical runs 24x7: due 2 h after opening whatever the hours say.
	created, due := res.Str("createdAt"), res.Str("responseDueAt")
	if d := parseTime(t, due).Sub(parseTime(t, created)); d.Hours() != 2 {
		t.Errorf("critical due after %v, want 2h", d)
	}

	// A removed partner no longer reaches the host.
	e.Do("POST", "/v1/enrollments/"+p.EnrollmentID+"/remove", h.Admin.Token, map[string]any{"reason": "ended"}).Expect(200, "remove")
	if res := e.Do("GET", "/v1/directory", eng, nil).Expect(200, "the removed partner's directory"); len(res.Items()) != 0 {
		t.Errorf("the removed partner's directory: %s", res.Body)
	}
	e.Do("POST", "/v1/cases", eng, good).Expect(404, "intake after removal")
	if res := e.Do("GET", "/v1/directory", h.Admin.Token, nil).Expect(200, "the host's directory"); len(res.Items()) != 0 {
		t.Errorf("the host still sees the removed partner: %s", res.Body)
	}
}

// Only the two members of a case (and operators) see or touch it; another
// partner of the same host and an unrelated member get 404 on every case
// route; the submitter cannot accept its own case. (Was scripts/e2e
// TestCaseIsolation.)
func TestCaseIsolation(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Iso Host", map[string]any{"payment": "host"})
	p := e.Onboard(h, "Iso Partner")
	other := e.Onboard(h, "Other Partner")
	stranger := e.NewMember("Outsider", "full").Admin.Token
	id := e.Do("POST", "/v1/cases", p.Admin.Token, httpapptest.CaseBody(h.Department, h.ProgramID)).Expect(201, "open the case").Str("id")
	routes := []struct {
		method, path string
		body         map[string]any
	}{
		{"GET", "/v1/cases/" + id, nil},
		{"GET", "/v1/cases/" + id + "/events", nil},
		{"POST", "/v1/cases/" + id + "/accept", map[string]any{"engineer": map[string]any{"name": "x", "email": "x@y.example"}}},
		{"POST", "/v1/cases/" + id + "/request-info", map[string]any{"question": "q"}},
		{"POST", "/v1/cases/" + id + "/notes", map[string]any{"text": "t"}},
		{"POST", "/v1/cases/" + id + "/reject", map[string]any{"reason": "r"}},
		{"POST", "/v1/cases/" + id + "/close", map[string]any{"resolution": "r"}},
	}
	for who, tok := range map[string]string{"another partner of the host": other.Admin.Token, "an unrelated member": stranger} {
		for _, r := range routes {
			t.Run(fmt.Sprintf("%s %s %s", who, r.method, r.path[strings.LastIndex(r.path, "/"):]), func(t *testing.T) {
				var body any
				if r.body != nil {
					body = r.body
				}
				if res := e.Do(r.method, r.path, tok, body); res.Status != 404 {
					t.Fatalf("%s %s: got %d %s, want 404", r.method, r.path, res.Status, res.Body)
				}
			})
		}
	}
	e.Do("GET", "/v1/cases/"+id, e.Operator, nil).Expect(200, "operator reads the case")
	e.Do("POST", "/v1/cases/"+id+"/accept", p.Admin.Token, map[string]any{"engineer": map[string]any{"name": "x", "email": "x@y.example"}}).Expect(403, "the submitter accepts its own case")
	e.Do("GET", "/v1/cases?box="+url.QueryEscape("sideways"), p.Admin.Token, nil).Expect(422, "bad box")
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return v
}
