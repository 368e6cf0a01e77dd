package httpapp_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"
	"github.com/tandemhq/tandem/shared/sending"
)

// A host's admin registers its sending domain on the console: a domain it
// may not send from is refused beside the field (422, the page again, what
// was typed kept); its own domain shows the DNS records to publish and the
// status, pending until SES has verified it, which "Check now" reads.
func TestSendingDomainPage(t *testing.T) {
	ids := &sending.Fake{}
	e := httpapptest.New(t, func(c *app.Config) { c.Identities = ids })
	h := e.NewHost("Acme Storage", nil)
	b := e.SignedIn(h.ID, h.Admin.UserID)
	path := "/members/" + h.ID + "/sending-domain"

	page := b.Get(path).Expect(200, "the sending-domain page")
	if txt := page.Text(); !strings.Contains(txt, "Register your sending domain") || strings.Contains(txt, "Check now") {
		t.Errorf("before registering, the page offers registering only: %s", txt)
	}
	register := page.Form(path)
	if register == nil {
		t.Fatal("the page has no form to register a domain")
	}
	for _, tc := range []struct{ domain, says string }{
		{"not a domain", "must be a domain like mail.example.com"},
		{"other.example", "must be " + h.Domain + " or a subdomain of it"},
		{"", "must be a domain"},
	} {
		res := b.Submit(register, url.Values{"domain": {tc.domain}})
		if res.Status != 422 {
			t.Fatalf("registering %q: %d, want 422", tc.domain, res.Status)
		}
		if txt := res.Text(); !strings.Contains(txt, tc.says) || !strings.Contains(txt, "Please check the domain") {
			t.Errorf("registering %q: the page does not say %q: %s", tc.domain, tc.says, txt)
		}
		if got := res.Form(path).Values.Get("domain"); got != tc.domain {
			t.Errorf("registering %q: the field holds %q again", tc.domain, got)
		}
	}

	res := b.Submit(register, url.Values{"domain": {"mail." + h.Domain}})
	if res.Status != 303 || res.Location() != path+"?done=registered" {
		t.Fatalf("registering its own subdomain: %d to %q", res.Status, res.Location())
	}
	page = b.Get(res.Location()).Expect(200, "the page after registering")
	txt := page.Text()
	for _, want := range []string{"Registered. Publish the records below", "mail." + h.Domain, "Status: Pending",
		"tandemlocal1._domainkey.mail." + h.Domain, "tandemlocal1.dkim.amazonses.com", "CNAME", "Check now"} {
		if !strings.Contains(txt, want) {
			t.Errorf("after registering the page lacks %q: %s", want, txt)
		}
	}
	check := page.Form(path + "/check")
	if check == nil {
		t.Fatal("no Check now form")
	}
	res = b.Submit(check, nil)
	if res.Status != 303 {
		t.Fatalf("Check now: %d", res.Status)
	}
	if txt := b.Get(res.Location()).Text(); !strings.Contains(txt, "Checked with SES just now") || !strings.Contains(txt, "Status: Pending") {
		t.Errorf("checked while pending: %s", txt)
	}
	ids.Verify("mail." + h.Domain)
	res = b.Submit(check, nil)
	if txt := b.Get(res.Location()).Text(); !strings.Contains(txt, "Status: Verified") {
		t.Errorf("checked once SES verified it: %s", txt)
	}
	if got := e.Do("GET", "/v1/members/"+h.ID+"/sending-domain", h.Admin.Token, nil).Expect(200, "the API").Str("status"); got != "SUCCESS" {
		t.Errorf("the API says %s after the page's check, want SUCCESS", got)
	}
}
