package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// A bounce's diagnostic is whatever the receiving server chose to say, and
// so can read like Tandem speaking ("your Tandem account is suspended,
// call …"). Wherever Tandem shows it — the mail to the member's admins and
// to the hosts and operators, the department's page and its history — it
// is labelled as the receiving server's words and quoted. A spam
// complaint's reason is Tandem's own wording and is not labelled so.
func TestBounceReasonIsTheReceivingServers(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Said Host", map[string]any{"payment": "host"})
	p, ptok := e2etest.LivePartner(t, e, h, "Said Partner")
	dep := e.Do("GET", "/v1/members/"+p.MemberID+"/departments", ptok, nil).JSON()["items"].([]any)[0].(map[string]any)["id"].(string)
	inbound := "support@" + p.Domain
	claim := "smtp; 550 Your Tandem account is suspended. Call +1 555 0100 to restore it."

	var ev map[string]any
	if err := json.Unmarshal(e2etest.SESEvent(t, inbound, "Permanent"), &ev); err != nil {
		t.Fatal(err)
	}
	ev["detail"].(map[string]any)["bounce"].(map[string]any)["bouncedRecipients"].([]any)[0].(map[string]any)["diagnosticCode"] = claim
	raw, _ := json.Marshal(ev)
	if sum := e2etest.Feed(t, e, raw); sum.Unreachable != 1 {
		t.Fatalf("the bounce: %+v", sum)
	}
	said := "The receiving server said: “" + claim + "”"
	subject := "Cases cannot reach Said Partner support"
	for _, addr := range []string{p.Email, h.Notify, "ops@operators.test"} {
		m := e.Mail(addr, subject)
		if !strings.Contains(m.Body.Text, said) || !strings.Contains(m.Body.HTML, "The receiving server said:") {
			t.Errorf("the mail to %s does not label the server's words:\n%s", addr, m.Body.Text)
		}
	}
	page := e2etest.Expect(t, e2etest.SignIn(t, e, p.Email).Do("GET", "/departments/"+dep, nil), 200, "the department page")
	if n := strings.Count(page.Body, said); n < 2 {
		t.Errorf("the department page labels the server's words %d times, want in the warning and in the history (%d)", n, page.Status)
	}

	// A complaint: Tandem's words, not a server's.
	q, _ := e2etest.LivePartner(t, e, h, "Spam Partner")
	e2etest.Feed(t, e, e2etest.SESEvent(t, "support@"+q.Domain, ""))
	if m := e.Mail(q.Email, "Cases cannot reach Spam Partner support"); strings.Contains(m.Body.Text, "server said") || !strings.Contains(m.Body.Text, "reported") {
		t.Errorf("the complaint's mail:\n%s", m.Body.Text)
	}
}
