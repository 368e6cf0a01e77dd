package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// Client input never yields a 500: hours that cannot hold an SLA are
// refused when saved and, where old data has them, at intake with a 4xx;
// texts that JSON escaping used to blow past DynamoDB's 400 KB are stored,
// and a program too large to store is a 422 naming its largest field; an
// empty body is a 400 as JSON and a 415 as anything else.
func TestClientInputNeverYieldsA500(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Sizer", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, partnerAdmin := e2etest.LivePartner(t, e, h, "Submitter")

	tiny := map[string]any{"email": e.Addr("storage-support"), "hours": map[string]any{"timezone": "Europe/Berlin", "days": []string{"mon"}, "start": "00:00", "end": "00:01"},
		"escalation": map[string]any{"name": "Esc Manager", "email": e.Addr("storage-escalation")}}
	if res := e2etest.Expect(t, e.Do("PATCH", "/v1/departments/"+dep, h.Admin, map[string]any{"inbound": tiny}), 422, "hours mon 00:00–00:01"); res.ErrorFields()["inbound.hours.end"] == nil || len(res.ErrorFields()) != 1 {
		t.Fatalf("hours mon 00:00–00:01: %d %s, want 422 naming inbound.hours.end", res.Status, res.Body)
	}
	// A department saved with such hours before the rule: intake is a 422.
	ctx := context.Background()
	d, err := e.App.Store.GetDepartment(ctx, dep)
	if err != nil {
		t.Fatal(err)
	}
	old := d
	d.Inbound.Hours.Days, d.Inbound.Hours.Start, d.Inbound.Hours.End = []string{"mon"}, "00:00", "00:01"
	d.Version++
	if err := e.App.Store.UpdateDepartment(ctx, d, old, nil); err != nil {
		t.Fatal(err)
	}
	if res := e2etest.Expect(t, e.Do("POST", "/v1/cases", partnerAdmin, e2etest.CaseBody(dep, h.ProgramID)), 422, "intake against hours that cannot hold the SLA"); res.ErrorFields()["departmentId"] == nil {
		t.Fatalf("intake against hours that cannot hold the SLA: %d %s, want 422 naming departmentId", res.Status, res.Body)
	}

	// 100,000 "<" in an addendum: 600 KB once escaped as \u003c, 100 KB as it is.
	base := map[string]any{
		"slug": "angles-" + e.Domain[:8], "name": "Angles", "hostMemberId": h.MemberID, "type": "partner_program", "payment": "member",
		"primaryContact": map[string]any{"name": "A", "email": h.Notify}, "addendum": map[string]any{"version": "1", "text": "TEXT"},
	}
	raw := encodeRaw(t, base, strings.Repeat("<", 100000))
	res := e2etest.Expect(t, e.Do("POST", "/v1/programs", h.Admin, raw), 201, "an addendum of 100,000 '<'")
	prg := res.Str("id")
	if got := e2etest.Expect(t, e.Do("GET", "/v1/programs/"+prg, h.Admin, nil), 200, "reading it back"); len(got.Body) > 200000 {
		t.Fatalf("reading it back: %d, %d bytes", got.Status, len(got.Body))
	}
	// The next PATCH would make the stored program too large: 422 naming
	// the largest field, not a DynamoDB ValidationException.
	var pre []string
	label := strings.Repeat("a", 55)
	for i := range 1000 {
		pre = append(pre, fmt.Sprintf("%s.%s.%s.%s.p%04d.example", label, label, label, label, i))
	}
	res = e2etest.Expect(t, e.Do("PATCH", "/v1/programs/"+prg, h.Admin, map[string]any{"preApproved": pre}), 422, "a program too large to store")
	if res.ErrorFields()["preApproved"] == nil {
		t.Fatalf("a program too large to store: %d %.300s, want 422 naming preApproved", res.Status, res.Body)
	}

	path := "/v1/programs/" + h.Slug + "/registrations"
	e2etest.Expect(t, e.Do("POST", path, "", nil, "Content-Type", "text/plain"), 415, "an empty text/plain body")
	e2etest.Expect(t, e.Do("POST", path, "", "", "Content-Type", "application/json"), 400, "an empty JSON body")
}

// encodeRaw is body as JSON with the string "TEXT" replaced by text written
// as it is (Go's encoder would escape "<" as \u003c, as clients need not).
func encodeRaw(t *testing.T, body map[string]any, text string) []byte {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Replace(b, []byte(`"TEXT"`), []byte(`"`+text+`"`), 1)
}

// A program sends as its host's own domain only; its display name reaches
// the mail encoded per RFC 2047 and the mail is delivered.
func TestProgramMailSendsAsTheHostAndNamesItInAnyScript(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Societe", map[string]any{"name": "Société Générale Partner Connect"})
	hostDomain := "societe." + e.Domain
	for _, bad := range []string{"security@tandem.test", "alliances@" + e.Domain, "x@societe." + e.Domain + ".evil.example"} {
		res := e2etest.Expect(t, e.Do("PATCH", "/v1/programs/"+h.ProgramID, h.Admin, map[string]any{"sender": "host", "senderEmail": bad}), 422, "sender "+bad)
		if res.ErrorFields()["senderEmail"] == nil {
			t.Errorf("sender %s: %d %s, want 422 naming senderEmail", bad, res.Status, res.Body)
		}
	}
	for _, good := range []string{"partners@" + hostDomain, "news@mail." + hostDomain} {
		e2etest.Expect(t, e.Do("PATCH", "/v1/programs/"+h.ProgramID, h.Admin, map[string]any{"sender": "host", "senderEmail": good}), 200, "sender "+good)
	}
	e2etest.Expect(t, e.Do("PATCH", "/v1/programs/"+h.ProgramID, h.Admin, map[string]any{"sender": "platform", "senderEmail": ""}), 200, "back to the platform sender")
	addr := "ann@applicant." + e.Domain
	e2etest.SignupToken(t, e, h.Slug, addr)
	m := e.Mail(addr, "Confirm your email")
	name, err := (&mime.WordDecoder{}).DecodeHeader(m.From)
	if err != nil {
		t.Fatalf("From %q does not decode: %v", m.From, err)
	}
	if !strings.Contains(name, "Société Générale Partner Connect via Tandem") || !strings.Contains(m.From, "=?utf-8?") {
		t.Fatalf("From %q (decoded %q) is not the RFC 2047 encoded program name", m.From, name)
	}
}
