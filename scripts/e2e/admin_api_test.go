package e2e

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// API parity for admins (issue 14, first step): a host lists its programs,
// an admin lists its member's users and keeps its contacts current, an
// operator searches members — each refused to the wrong tenant or role.
func TestAdminAPIParity(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Parity Host", map[string]any{"payment": "host"})
	p, padmin := e2etest.LivePartner(t, e, h, "Parity Partner")
	eng := e2etest.Expect(t, e.Do("POST", "/v1/members/"+p.MemberID+"/users", padmin, map[string]any{"name": "Eng", "email": "eng@" + p.Domain, "roles": []string{"engineer"}}), 201, "engineer").Str("token")

	progs := e2etest.Expect(t, e.Do("GET", "/v1/programs?hostMemberId="+h.MemberID, h.Admin, nil), 200, "the host's programs")
	if items := progs.JSON()["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != h.ProgramID {
		t.Fatalf("the host's programs: %s", progs.Body)
	}
	e2etest.Expect(t, e.Do("GET", "/v1/programs?hostMemberId="+h.MemberID, e.Operator, nil), 200, "an operator lists any host's programs")
	e2etest.Expect(t, e.Do("GET", "/v1/programs?hostMemberId="+h.MemberID, padmin, nil), 404, "a partner lists the host's programs")
	if res := e2etest.Expect(t, e.Do("GET", "/v1/programs", h.Admin, nil), 422, "no hostMemberId"); res.ErrorFields()["hostMemberId"] == nil {
		t.Errorf("no hostMemberId: %d %s, want 422 naming it", res.Status, res.Body)
	}

	users := e2etest.Expect(t, e.Do("GET", "/v1/members/"+p.MemberID+"/users", padmin, nil), 200, "the partner's users")
	if n := len(users.JSON()["items"].([]any)); n != 2 || !strings.Contains(string(users.Body), "eng@"+p.Domain) {
		t.Fatalf("users: %s", users.Body)
	}
	e2etest.Expect(t, e.Do("GET", "/v1/members/"+p.MemberID+"/users", eng, nil), 403, "an engineer lists users")
	e2etest.Expect(t, e.Do("GET", "/v1/members/"+p.MemberID+"/users", h.Admin, nil), 404, "another member lists users")

	newBilling := map[string]any{"name": "Bea Billing", "email": "finance@" + p.Domain}
	res := e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+p.MemberID, padmin, map[string]any{"contacts": map[string]any{"billing": newBilling}, "version": 1}), 200, "the billing contact corrected")
	got := e2etest.Expect(t, e.Do("GET", "/v1/members/"+p.MemberID, padmin, nil), 200, "the member")
	contacts := got.JSON()["contacts"].(map[string]any)
	if contacts["billing"].(map[string]any)["email"] != "finance@"+p.Domain || contacts["primary"].(map[string]any)["email"] != "primary@"+p.Domain {
		t.Fatalf("after the patch: %s (patch answered %s)", got.Body, res.Body)
	}
	if res := e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+p.MemberID, padmin, map[string]any{"contacts": map[string]any{"billing": map[string]any{"name": "B", "email": "nope"}}}), 422, "an invalid billing address"); res.ErrorFields()["contacts.billing.email"] == nil {
		t.Errorf("an invalid billing address: %d %s, want 422 naming contacts.billing.email", res.Status, res.Body)
	}
	e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+p.MemberID, padmin, map[string]any{"name": "Stale", "version": 1}), 409, "a stale version")
	e2etest.Expect(t, e.Do("PATCH", "/v1/members/"+p.MemberID, eng, map[string]any{"name": "Hijack"}), 403, "an engineer renames the member")

	found := e2etest.Expect(t, e.Do("GET", "/v1/members?q=parity", e.Operator, nil), 200, "an operator searches members")
	if !strings.Contains(string(found.Body), h.MemberID) || !strings.Contains(string(found.Body), p.MemberID) {
		t.Errorf("the search misses the members: %s", found.Body)
	}
	e2etest.Expect(t, e.Do("GET", "/v1/members?q=parity", h.Admin, nil), 403, "a host admin searches members")
}
