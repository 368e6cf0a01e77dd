package e2e

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// A host's sending domain is its own: not the installation's domain or
// one under it (mail from there would pass for Tandem's own), and not an
// SES identity registered for another member, which a subdomain of one's
// own domain can be (registering it adopted the other member's verified
// identity, and with it the right to send as that member).
func TestSendingDomainIsTheMembersOwn(t *testing.T) {
	t.Parallel()
	e := localtest.New(t) // the installation sends as no-reply@tandem.test
	member := func(name, domain string) (string, string) {
		body := e2etest.NewMemberBody(e, name, "full")
		body["domain"] = domain
		m := e2etest.Expect(t, e.Do("POST", "/v1/members", e.Operator, body), 201, "member "+name)
		return m.Str("id"), m.Str("adminToken")
	}
	register := func(id, token, domain string) localtest.Response {
		return e.Do("POST", "/v1/members/"+id+"/sending-domain", token, map[string]any{"domain": domain})
	}

	// The installation's own domain, as a member's domain too.
	platform, ptok := member("Platform Owner", "tandem.test")
	for _, d := range []string{"tandem.test", "mail.tandem.test", "MAIL.Tandem.Test"} {
		if res := e2etest.Expect(t, register(platform, ptok, d), 422, "registering "+d); !strings.Contains(res.ErrorFields()["domain"].(string), "installation") {
			t.Errorf("registering %s: %d %s, want 422 saying it is the installation's", d, res.Status, res.Body)
		}
	}
	e2etest.Expect(t, e.Do("GET", "/v1/members/"+platform+"/sending-domain", ptok, nil), 404, "after the refusals the member has a sending domain")

	// Another member's identity under one's own domain.
	corp, ctok := member("Corp", "corp."+e.Domain)
	emea, etok := member("Corp EMEA", "emea.corp."+e.Domain)
	e2etest.Expect(t, register(emea, etok, "emea.corp."+e.Domain), 200, "EMEA registers its domain")
	e.Identities.Verify("emea.corp." + e.Domain)
	if res := e2etest.Expect(t, register(corp, ctok, "emea.corp."+e.Domain), 422, "Corp registering EMEA's identity"); !strings.Contains(res.ErrorFields()["domain"].(string), "another member") {
		t.Errorf("Corp registering EMEA's identity: %d %s, want 422 saying another member registered it", res.Status, res.Body)
	}
	e2etest.Expect(t, e.Do("GET", "/v1/members/"+corp+"/sending-domain", ctok, nil), 404, "Corp has a sending domain after the refusal")
	// One made by hand in SES (untagged) is not adopted either.
	e.Identities.Add("legacy.corp."+e.Domain, "")
	e2etest.Expect(t, register(corp, ctok, "legacy.corp."+e.Domain), 422, "Corp registering an identity made by hand")
	// Its own identity, registered again, is still its own.
	e2etest.Expect(t, register(corp, ctok, "mail.corp."+e.Domain), 200, "Corp registers mail.corp")
	if res := e2etest.Expect(t, register(corp, ctok, "mail.corp."+e.Domain), 200, "Corp registers mail.corp again"); res.Str("domain") != "mail.corp."+e.Domain {
		t.Errorf("registering again: %s", res.Body)
	}
}
