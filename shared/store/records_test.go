package store

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
)

// Stored nested values keep the keys the table has always held, whatever
// the API or the domain types call their fields; each reads back whole.
func TestStoredShapesStayPut(t *testing.T) {
	c := member.Contact{Name: "Ann", Email: "ann@x.example", Phone: "+1 2"}
	week := hours.Hours{Zone: "Europe/Berlin", Days: []string{"mon"}, Start: "08:00", End: "18:00"}
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		got  string
		want string
	}{
		{"contact", jsonAttr(toContactRec(c)), `{"name":"Ann","email":"ann@x.example","phone":"+1 2"}`},
		{"member contacts", jsonAttr(toMemberContactsRec(member.Contacts{Primary: c})),
			`{"primary":{"name":"Ann","email":"ann@x.example","phone":"+1 2"},"escalation":{"name":"","email":""},"billing":{"name":"","email":""}}`},
		{"company", jsonAttr(companyRec(enrollment.Company{Name: "G", Website: "https://g.example", Country: "DE"})), `{"name":"G","website":"https://g.example","country":"DE"}`},
		{"unreachable", jsonAttr(unreachableRec(department.Unreachable{Address: "s@x.example", Reason: "550", Since: at, Complaint: true})),
			`{"address":"s@x.example","reason":"550","since":"2026-12-02T09:00:00Z","complaint":true}`},
		{"acceptance", jsonAttr(acceptanceRec(enrollment.Acceptance{Version: "1", Name: "P", Title: "CEO", At: at})), `{"version":"1","name":"P","title":"CEO","at":"2026-12-02T09:00:00Z"}`},
		{"inbound 24x7", jsonAttr(toInboundRec(department.Inbound{Email: "s@x.example", Hours: hours.AlwaysOpen, Escalation: c})),
			`{"email":"s@x.example","hours":"24x7","escalation":{"name":"Ann","email":"ann@x.example","phone":"+1 2"}}`},
		{"inbound window", jsonAttr(toInboundRec(department.Inbound{Email: "s@x.example", Phone: "1", WebhookURL: "https://h.example", Hours: week, Instructions: "i"})),
			`{"email":"s@x.example","phone":"1","webhookUrl":"https://h.example","hours":{"timezone":"Europe/Berlin","days":["mon"],"start":"08:00","end":"18:00"},"instructions":"i","escalation":{"name":"","email":""}}`},
		{"form", jsonAttr(toFormRec(form.Form{Fields: []form.Field{{Name: "p", Label: "P", Type: form.Select, Required: true, Options: []string{"a"}, MaxLength: 5}}})),
			`{"fields":[{"name":"p","label":"P","type":"select","required":true,"options":["a"],"maxLength":5}]}`},
		{"customer", jsonAttr(toCustomerRec(collab.Customer{Company: "I", ContactName: "P", ContactEmail: "p@i.example"})),
			`{"company":"I","contactName":"P","contactEmail":"p@i.example"}`},
		{"lines", jsonAttr(toLineRecs([]billing.Line{{Description: "d", Quantity: 2, UnitCents: 5, AmountCents: 10}})),
			`[{"description":"d","quantity":2,"unitCents":5,"amountCents":10}]`},
		{"addendum", jsonAttr(addendumRec(program.Addendum{Version: "1", Text: "<b>"})), `{"version":"1","text":"<b>"}`},
		{"landing", jsonAttr(toLandingRec(program.Landing{About: "a", Links: []program.Link{{Title: "t", URL: "https://u.example"}}})),
			`{"about":"a","links":[{"title":"t","url":"https://u.example"}]}`},
		{"bands", jsonAttr(toBandRecs([]program.Band{{UpTo: 25, UnitCents: 20000}})), `[{"upTo":25,"unitCents":20000}]`},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("%s stored as\n %s\nwant\n %s", tc.name, tc.got, tc.want)
		}
	}
	// Round trips.
	var in inboundRec
	if err := fromJSON(jsonAttr(toInboundRec(department.Inbound{Email: "s@x.example", Hours: week})), &in); err != nil || in.domain().Hours.Zone != "Europe/Berlin" {
		t.Errorf("inbound window round trip: %+v %v", in, err)
	}
	if err := fromJSON(jsonAttr(toInboundRec(department.Inbound{Hours: hours.AlwaysOpen})), &in); err != nil || !in.domain().Hours.Always {
		t.Errorf("inbound 24x7 round trip: %+v %v", in, err)
	}
}
