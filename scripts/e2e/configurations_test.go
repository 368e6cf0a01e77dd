package e2e

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// A validated configuration's mail, through the outbox, the stream and the
// local SES: the partner's submission reaches the host's notify address
// with the link to decide; the host's rejection and then its approval
// reach the partner's admin, with the reason and the marketplace.
func TestConfigurationMailReachesTheOtherSide(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Config Host", nil)
	p, ptok := e2etest.LivePartner(t, e, h, "Config Partner")
	body := map[string]any{"partnerProduct": "Partner Backup", "partnerVersion": "4.1", "hostProduct": "Array",
		"hostVersions": []string{"9.2", "9.3"}, "notes": "snapshots on", "supportUrl": "https://" + p.Domain + "/support"}
	submit := func(what string) string {
		return e2etest.Expect(t, e.Do("POST", "/v1/programs/"+h.ProgramID+"/configurations", ptok, body), 201, what).Str("id")
	}

	first := submit("the partner submits")
	told := e.Mail(h.Notify, "submitted a configuration to validate")
	if !strings.Contains(told.Subject, "Config Partner") || !strings.Contains(told.Body.Text, "Partner Backup 4.1 with Array 9.2, 9.3") {
		t.Errorf("the host's mail: %s\n%s", told.Subject, told.Body.Text)
	}
	if link := e2etest.LinkIn(t, told, "/configurations"); link != e.URL+"/programs/"+h.ProgramID+"/configurations" {
		t.Errorf("the host's mail links %s", link)
	}

	e2etest.Expect(t, e.Do("POST", "/v1/configurations/"+first+"/reject", h.Admin, map[string]any{"reason": "9.3 is not released"}), 200, "the host rejects")
	no := e.Mail(p.Email, "was not approved")
	if !strings.Contains(no.Body.Text, "Reason given: 9.3 is not released") {
		t.Errorf("the partner's rejection mail:\n%s", no.Body.Text)
	}

	second := submit("the partner submits again")
	e2etest.Expect(t, e.Do("POST", "/v1/configurations/"+second+"/approve", h.Admin, nil), 200, "the host approves")
	yes := e.Mail(p.Email, "was approved")
	if link := e2etest.LinkIn(t, yes, "/marketplace"); link != e.URL+"/p/"+h.Slug+"/marketplace" {
		t.Errorf("the approval mail links %s", link)
	}
	// A decision refused (approved twice) mails nobody.
	e2etest.Expect(t, e.Do("POST", "/v1/configurations/"+second+"/approve", h.Admin, nil), 409, "approving again")
	if n := e2etest.CountMails(t, e, p.Email, "was approved"); n != 1 {
		t.Errorf("%d approval mails, want 1", n)
	}
}
