package e2e

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/routes"
)

// The tenant matrix: every route of the shared table, called with the
// tokens of an unrelated member, a partner's admin, the host's admin, the
// partner's engineer without the critical role, and no token. Only the
// actors listed for a route may get a 2xx; every other answer must refuse.
// A route missing here fails the test, so new routes must be placed.
func TestTenantMatrix(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Matrix Host", nil) // member-paid: the partner has an invoice
	depH := e2etest.HostDepartment(t, e, h)
	p, partnerAdmin := e2etest.Onboard(t, e, h, "Matrix Partner")
	eng := e.Do("POST", "/v1/members/"+p.MemberID+"/users", partnerAdmin, map[string]any{"name": "Eng", "email": "eng@" + p.Domain, "roles": []string{"engineer"}})
	engineer, engineerID := eng.Str("token"), eng.Str("id")
	unrelated := e.Do("POST", "/v1/members", e.Operator, e2etest.NewMemberBody(e, "Matrix Stranger", "limited")).Str("adminToken")
	depP := e.Do("GET", "/v1/members/"+p.MemberID+"/departments", partnerAdmin, nil).JSON()["items"].([]any)[0].(map[string]any)["id"].(string)
	c := e.Do("POST", "/v1/cases", partnerAdmin, e2etest.CaseBody(depH, h.ProgramID)).Str("id")
	inv := e.Do("GET", "/v1/enrollments/"+p.EnrollmentID, partnerAdmin, nil).Str("membershipInvoiceId")
	e.Do("POST", "/v1/members/"+p.MemberID+"/webhook-secret", partnerAdmin, nil)
	cfgBody := map[string]any{"partnerProduct": "P", "partnerVersion": "1", "hostProduct": "H", "hostVersions": []string{"2"}, "supportUrl": "https://p.example/support"}
	cfg := e.Do("POST", "/v1/programs/"+h.ProgramID+"/configurations", partnerAdmin, cfgBody).Str("id")
	critical := e2etest.Set(e2etest.CaseBody(depH, h.ProgramID), "priority", "critical", false)
	critical = e2etest.Set(critical, "businessImpact", "down", false)

	type spec struct {
		path    string
		body    any
		allowed string // actors that may succeed: u(nrelated), p(artner), h(ost), e(ngineer)
		public  bool
	}
	note := map[string]any{"text": "x"}
	matrix := map[string]spec{
		"POST /v1/members":                            {"/v1/members", e2etest.NewMemberBody(e, "Matrix New", "full"), "", false},
		"GET /v1/members/{id}":                        {"/v1/members/" + p.MemberID, nil, "p", false},
		"GET /v1/members":                             {"/v1/members?q=matrix", nil, "", false},
		"PATCH /v1/members/{id}":                      {"/v1/members/" + p.MemberID, map[string]any{"name": "Renamed"}, "p", false},
		"GET /v1/members/{id}/users":                  {"/v1/members/" + p.MemberID + "/users", nil, "p", false},
		"POST /v1/members/{id}/sending-domain":        {"/v1/members/" + p.MemberID + "/sending-domain", map[string]any{"domain": p.Domain}, "p", false},
		"GET /v1/members/{id}/sending-domain":         {"/v1/members/" + p.MemberID + "/sending-domain", nil, "p", false},
		"GET /v1/programs":                            {"/v1/programs?hostMemberId=" + h.MemberID, nil, "h", false},
		"POST /v1/members/{id}/users":                 {"/v1/members/" + p.MemberID + "/users", map[string]any{"name": "N", "email": "n@" + p.Domain, "roles": []string{"admin"}}, "p", false},
		"DELETE /v1/members/{id}/users/{userId}":      {"/v1/members/" + p.MemberID + "/users/" + engineerID, nil, "p", false},
		"PATCH /v1/members/{id}/users/{userId}":       {"/v1/members/" + p.MemberID + "/users/" + engineerID, map[string]any{"roles": []string{"admin", "critical"}}, "p", false},
		"POST /v1/programs":                           {"/v1/programs", map[string]any{"slug": "matrix-x", "name": "X", "hostMemberId": h.MemberID, "type": "oem", "payment": "host", "primaryContact": map[string]any{"name": "a", "email": "a@b.example"}, "addendum": map[string]any{"version": "1", "text": "t"}}, "h", false},
		"GET /v1/programs/{id}":                       {"/v1/programs/" + h.ProgramID, nil, "hpe", false},
		"PATCH /v1/programs/{id}":                     {"/v1/programs/" + h.ProgramID, map[string]any{"name": "Hijacked"}, "h", false},
		"POST /v1/programs/{id}/registrations":        {"", nil, "", true},
		"POST /v1/signups":                            {"", nil, "", true},
		"GET /p/{slug}":                               {"", nil, "", true},
		"POST /p/{slug}":                              {"", nil, "", true},
		"GET /p/{slug}/signup":                        {"", nil, "", true},
		"POST /p/{slug}/signup":                       {"", nil, "", true},
		"GET /v1/programs/{id}/enrollments":           {"/v1/programs/" + h.ProgramID + "/enrollments", nil, "h", false},
		"POST /v1/enrollments/{id}/addendum":          {"/v1/enrollments/" + p.EnrollmentID + "/addendum", map[string]any{"version": "2026-1", "name": "N", "title": "T"}, "p", false},
		"GET /v1/programs/{id}/events":                {"/v1/programs/" + h.ProgramID + "/events", nil, "h", false},
		"GET /v1/departments/{id}/events":             {"/v1/departments/" + depP + "/events", nil, "pe", false},
		"GET /v1/invoices/{id}/events":                {"/v1/invoices/" + inv + "/events", nil, "p", false},
		"GET /v1/members/{id}/events":                 {"/v1/members/" + p.MemberID + "/events", nil, "p", false},
		"POST /v1/members/{id}/merge":                 {"/v1/members/" + p.MemberID + "/merge", map[string]any{"into": h.MemberID}, "", false},
		"GET /v1/members/{id}/merge":                  {"/v1/members/" + p.MemberID + "/merge", nil, "", false},
		"GET /v1/members/{id}/users/{userId}/events":  {"/v1/members/" + p.MemberID + "/users/" + engineerID + "/events", nil, "p", false},
		"GET /v1/reports/sla":                         {"/v1/reports/sla?programId=" + h.ProgramID, nil, "h", false},
		"POST /v1/programs/{id}/configurations":       {"/v1/programs/" + h.ProgramID + "/configurations", cfgBody, "p", false},
		"GET /v1/programs/{id}/configurations":        {"/v1/programs/" + h.ProgramID + "/configurations", nil, "hpe", false},
		"POST /v1/configurations/{id}/approve":        {"/v1/configurations/" + cfg + "/approve", nil, "h", false},
		"POST /v1/configurations/{id}/reject":         {"/v1/configurations/" + cfg + "/reject", map[string]any{"reason": "r"}, "h", false},
		"GET /v1/configurations/{id}/events":          {"/v1/configurations/" + cfg + "/events", nil, "hpe", false},
		"GET /v1/enrollments/{id}":                    {"/v1/enrollments/" + p.EnrollmentID, nil, "hpe", false},
		"GET /v1/enrollments/{id}/events":             {"/v1/enrollments/" + p.EnrollmentID + "/events", nil, "hpe", false},
		"POST /v1/enrollments/{id}/approve":           {"/v1/enrollments/" + p.EnrollmentID + "/approve", nil, "h", false},
		"POST /v1/enrollments/{id}/reject":            {"/v1/enrollments/" + p.EnrollmentID + "/reject", map[string]any{"reason": "x"}, "h", false},
		"POST /v1/enrollments/{id}/validation":        {"/v1/enrollments/" + p.EnrollmentID + "/validation", map[string]any{"outcome": "failed", "note": "x"}, "h", false},
		"POST /v1/enrollments/{id}/resend-validation": {"/v1/enrollments/" + p.EnrollmentID + "/resend-validation", nil, "hp", false},
		"POST /v1/enrollments/{id}/remove":            {"/v1/enrollments/" + p.EnrollmentID + "/remove", map[string]any{"reason": "x"}, "hp", false},
		"POST /v1/enrollments/{id}/member-consent":    {"/v1/enrollments/" + p.EnrollmentID + "/member-consent", map[string]any{"decision": "confirm"}, "p", false},
		"POST /v1/validations/{token}/acknowledge":    {"", nil, "", true},
		"POST /v1/credentials/{token}/claim":          {"", nil, "", true},
		"GET /h/{token}":                              {"", nil, "", true},
		"POST /h/{token}":                             {"", nil, "", true},
		"GET /m/{token}":                              {"", nil, "", true},
		"POST /m/{token}":                             {"", nil, "", true},
		"GET /v/{token}":                              {"", nil, "", true},
		"POST /v/{token}":                             {"", nil, "", true},
		"GET /c/{token}":                              {"", nil, "", true},
		"POST /c/{token}":                             {"", nil, "", true},
		"GET /v1/invoices":                            {"/v1/invoices?memberId=" + p.MemberID, nil, "p", false},
		"GET /v1/invoices/{id}":                       {"/v1/invoices/" + inv, nil, "p", false},
		"POST /v1/invoices/{id}/payments":             {"/v1/invoices/" + inv + "/payments", map[string]any{"reference": "r", "amountCents": 50000}, "", false},
		"POST /v1/members/{id}/departments":           {"/v1/members/" + p.MemberID + "/departments", map[string]any{"name": "D", "inbound": map[string]any{"email": "d@" + p.Domain, "hours": "24x7", "escalation": map[string]any{"name": "E", "email": "e@" + p.Domain}}}, "p", false},
		"GET /v1/members/{id}/departments":            {"/v1/members/" + p.MemberID + "/departments", nil, "pe", false},
		"GET /v1/departments/{id}":                    {"/v1/departments/" + depP, nil, "pe", false},
		"PATCH /v1/departments/{id}":                  {"/v1/departments/" + depP, map[string]any{"name": "Renamed"}, "p", false},
		"POST /v1/departments/{id}/confirmations":     {"/v1/departments/" + depP + "/confirmations", nil, "p", false},
		"POST /v1/members/{id}/confirmations":         {"/v1/members/" + p.MemberID + "/confirmations", nil, "p", false},
		"GET /e/{token}":                              {"", nil, "", true},
		"POST /e/{token}":                             {"", nil, "", true},
		"POST /v1/departments/{id}/holidays":          {"/v1/departments/" + depP + "/holidays", map[string]any{"ical": "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nEND:VEVENT\nEND:VCALENDAR"}, "p", false},
		"GET /v1/directory":                           {"/v1/directory", nil, "uhpe", false},
		"POST /v1/cases":                              {"/v1/cases", critical, "", false},
		"GET /v1/cases":                               {"/v1/cases?box=outbox", nil, "uhpe", false},
		"GET /v1/cases/{id}":                          {"/v1/cases/" + c, nil, "hpe", false},
		"GET /v1/cases/{id}/events":                   {"/v1/cases/" + c + "/events", nil, "hpe", false},
		"POST /v1/cases/{id}/accept":                  {"/v1/cases/" + c + "/accept", map[string]any{"engineer": map[string]any{"name": "x", "email": "x@y.example"}}, "h", false},
		"POST /v1/cases/{id}/request-info":            {"/v1/cases/" + c + "/request-info", map[string]any{"question": "q"}, "h", false},
		"POST /v1/cases/{id}/notes":                   {"/v1/cases/" + c + "/notes", note, "hpe", false},
		"POST /v1/cases/{id}/reject":                  {"/v1/cases/" + c + "/reject", map[string]any{"reason": "r"}, "h", false},
		"POST /v1/cases/{id}/close":                   {"/v1/cases/" + c + "/close", map[string]any{"resolution": "r"}, "hpe", false},
		"POST /v1/hooks/{memberId}":                   {"/v1/hooks/" + p.MemberID, map[string]any{"type": "case.note", "data": map[string]any{"caseId": c, "text": "x"}}, "", false},
		"POST /v1/members/{id}/webhook-secret":        {"/v1/members/" + p.MemberID + "/webhook-secret", nil, "p", false},
		"GET /v1/members/{id}/webhook-deliveries":     {"/v1/members/" + p.MemberID + "/webhook-deliveries", nil, "p", false},
		"GET /v1/dead-letters":                        {"/v1/dead-letters", nil, "", false},
		"POST /v1/dead-letters/{id}/resend":           {"/v1/dead-letters/obx_01JZZZZZZZZZZZZZZZZZZZZZZZ/resend", nil, "", false},
		// Console pages: sessions, not bearer tokens (TestConsoleOverHTTP
		// TestInvoicePages and TestWebhooksPage hold them to their tenants and roles).
		"GET /login":                    {"", nil, "", true},
		"POST /login":                   {"", nil, "", true},
		"GET /login/{token}":            {"", nil, "", true},
		"POST /login/{token}":           {"", nil, "", true},
		"POST /logout":                  {"", nil, "", true},
		"GET /inbox":                    {"", nil, "", true},
		"GET /outbox":                   {"", nil, "", true},
		"GET /cases/new":                {"", nil, "", true},
		"POST /cases":                   {"", nil, "", true},
		"GET /cases/{id}":               {"", nil, "", true},
		"POST /cases/{id}/accept":       {"", nil, "", true},
		"POST /cases/{id}/request-info": {"", nil, "", true},
		"POST /cases/{id}/notes":        {"", nil, "", true},
		"POST /cases/{id}/reject":       {"", nil, "", true},
		"POST /cases/{id}/close":        {"", nil, "", true},
		"GET /r/{token}":                {"", nil, "", true},
		"GET /invoices":                 {"", nil, "", true}, // TestInvoicePages
		"GET /invoices/{id}":            {"", nil, "", true},
		"GET /webhooks":                 {"", nil, "", true}, // TestWebhooksPage
		"POST /webhooks/secret":         {"", nil, "", true},
		"POST /r/{token}":               {"", nil, "", true},
		// TestDepartmentPage
		"GET /departments/{id}":  {"", nil, "", true},
		"POST /departments/{id}": {"", nil, "", true},
		// TestOperatorPage
		"GET /operator": {"", nil, "", true},
		"POST /operator/dead-letters/{id}/resend": {"", nil, "", true},
		// TestMergerPage
		"GET /operator/members/{id}/merge":  {"", nil, "", true},
		"POST /operator/members/{id}/merge": {"", nil, "", true},
		// TestAddendumReacceptance
		"GET /a/{token}":  {"", nil, "", true},
		"POST /a/{token}": {"", nil, "", true},
		// TestSLAReport
		"GET /reports/sla": {"", nil, "", true},
		// TestValidatedConfigurations
		"GET /programs/{id}/configurations":                            {"", nil, "", true},
		"POST /programs/{id}/configurations":                           {"", nil, "", true},
		"POST /programs/{id}/configurations/{configurationId}/approve": {"", nil, "", true},
		"POST /programs/{id}/configurations/{configurationId}/reject":  {"", nil, "", true},
		"GET /p/{slug}/marketplace":                                    {"", nil, "", true},
		// TestProgramPages
		"GET /programs":       {"", nil, "", true},
		"GET /programs/new":   {"", nil, "", true},
		"POST /programs":      {"", nil, "", true},
		"GET /programs/{id}":  {"", nil, "", true},
		"POST /programs/{id}": {"", nil, "", true},
		// TestEnrollmentQueue
		"GET /programs/{id}/enrollments":                            {"", nil, "", true},
		"POST /programs/{id}/enrollments/{enrollmentId}/approve":    {"", nil, "", true},
		"POST /programs/{id}/enrollments/{enrollmentId}/reject":     {"", nil, "", true},
		"POST /programs/{id}/enrollments/{enrollmentId}/validation": {"", nil, "", true},
		"POST /programs/{id}/enrollments/{enrollmentId}/resend":     {"", nil, "", true},
		"POST /programs/{id}/enrollments/{enrollmentId}/remove":     {"", nil, "", true},
		// TestPeoplePage
		"POST /members/{id}":                       {"", nil, "", true},
		"GET /members/{id}/users":                  {"", nil, "", true},
		"POST /members/{id}/users":                 {"", nil, "", true},
		"POST /members/{id}/users/{userId}":        {"", nil, "", true},
		"POST /members/{id}/users/{userId}/revoke": {"", nil, "", true},
		"POST /members/{id}/tokens":                {"", nil, "", true},
	}
	actors := []struct {
		key, token string
	}{{"u", unrelated}, {"p", partnerAdmin}, {"h", h.Admin}, {"e", engineer}, {"", ""}}

	crossTenant := 0
	for _, r := range routes.Table {
		s, ok := matrix[r.Key()]
		if !ok {
			t.Errorf("route %s is not in the tenant matrix", r.Key())
			continue
		}
		if s.public {
			if r.Auth == routes.Token {
				t.Errorf("route %s is marked public but needs a token", r.Key())
			}
			continue
		}
		for _, a := range actors {
			if a.key != "" && strings.Contains(s.allowed, a.key) {
				continue // allowed: not called, so the fixtures stay as they are
			}
			var body any
			if s.body != nil {
				body = s.body
			}
			res := e.Do(r.Method, s.path, a.token, body)
			name := map[string]string{"u": "unrelated member", "p": "partner admin", "h": "host admin", "e": "engineer without critical", "": "no token"}[a.key]
			switch {
			case res.Status >= 200 && res.Status < 300:
				crossTenant++
				t.Errorf("%s as %s: %d %s — must be refused", r.Key(), name, res.Status, res.Body)
			case res.Status >= 500:
				t.Errorf("%s as %s: %d %s", r.Key(), name, res.Status, res.Body)
			case a.key == "" && r.Auth != routes.Public:
				e2etest.Expect(t, res, 401, r.Key()+" without a token")
			}
		}
	}
	// The views every member has show the unrelated member nothing of others.
	if dir := e.Do("GET", "/v1/directory", unrelated, nil); strings.Contains(string(dir.Body), h.MemberID) || strings.Contains(string(dir.Body), p.MemberID) {
		t.Errorf("the unrelated member's directory lists the host or the partner: %s", dir.Body)
	}
	if box := e.Do("GET", "/v1/cases?box=inbox", unrelated, nil); strings.Contains(string(box.Body), c) {
		t.Errorf("the unrelated member sees the case: %s", box.Body)
	}
	if crossTenant != 0 {
		t.Fatalf("%d cross-tenant or unauthorised requests succeeded", crossTenant)
	}
}
