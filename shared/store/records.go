package store

import (
	"encoding/json"
	"fmt"
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

// Nested values are stored as JSON in one attribute, in shapes the store
// owns: the API's field names can change without changing stored data, and
// stored data keeps its keys whatever the domain types are called. The keys
// below are the ones the table has always held (TestStoredShapesStayPut).

type contactRec struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone,omitempty"`
}

func toContactRec(c member.Contact) contactRec { return contactRec(c) }
func (r contactRec) domain() member.Contact    { return member.Contact(r) }

type memberContactsRec struct {
	Primary    contactRec `json:"primary"`
	Escalation contactRec `json:"escalation"`
	Billing    contactRec `json:"billing"`
}

func toMemberContactsRec(c member.Contacts) memberContactsRec {
	return memberContactsRec{toContactRec(c.Primary), toContactRec(c.Escalation), toContactRec(c.Billing)}
}

func (r memberContactsRec) domain() member.Contacts {
	return member.Contacts{Primary: r.Primary.domain(), Escalation: r.Escalation.domain(), Billing: r.Billing.domain()}
}

type companyRec struct {
	Name    string `json:"name"`
	Website string `json:"website"`
	Country string `json:"country"`
}

type enrollmentContactsRec struct {
	Primary    contactRec `json:"primary"`
	Support    contactRec `json:"support"`
	Escalation contactRec `json:"escalation"`
	Billing    contactRec `json:"billing"`
}

func toEnrollmentContactsRec(c enrollment.Contacts) enrollmentContactsRec {
	return enrollmentContactsRec{toContactRec(c.Primary), toContactRec(c.Support), toContactRec(c.Escalation), toContactRec(c.Billing)}
}

func (r enrollmentContactsRec) domain() enrollment.Contacts {
	return enrollment.Contacts{Primary: r.Primary.domain(), Support: r.Support.domain(), Escalation: r.Escalation.domain(), Billing: r.Billing.domain()}
}

type acceptanceRec struct {
	Version string    `json:"version"`
	Name    string    `json:"name"`
	Title   string    `json:"title"`
	At      time.Time `json:"at"`
}

// unreachableRec is why a department's inbound address gets no more mail.
type unreachableRec struct {
	Address   string    `json:"address"`
	Reason    string    `json:"reason"`
	Since     time.Time `json:"since"`
	Complaint bool      `json:"complaint,omitempty"`
}

// hoursRec is business hours: "24x7", or the weekly window.
type hoursRec struct {
	Always bool
	Window hoursWindowRec
}

type hoursWindowRec struct {
	Timezone string   `json:"timezone"`
	Days     []string `json:"days"`
	Start    string   `json:"start"`
	End      string   `json:"end"`
	Holidays []string `json:"holidays,omitempty"`
}

func toHoursRec(h hours.Hours) hoursRec {
	return hoursRec{Always: h.Always, Window: hoursWindowRec{Timezone: h.Zone, Days: h.Days, Start: h.Start, End: h.End, Holidays: h.Holidays}}
}

func (r hoursRec) domain() hours.Hours {
	if r.Always {
		return hours.AlwaysOpen
	}
	return hours.Hours{Zone: r.Window.Timezone, Days: r.Window.Days, Start: r.Window.Start, End: r.Window.End, Holidays: r.Window.Holidays}
}

func (r hoursRec) MarshalJSON() ([]byte, error) {
	if r.Always {
		return []byte(`"24x7"`), nil
	}
	return json.Marshal(r.Window)
}

func (r *hoursRec) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		if s != "24x7" {
			return fmt.Errorf("stored hours %q", s)
		}
		*r = hoursRec{Always: true}
		return nil
	}
	*r = hoursRec{}
	return json.Unmarshal(b, &r.Window)
}

type inboundRec struct {
	Email        string     `json:"email"`
	Phone        string     `json:"phone,omitempty"`
	WebhookURL   string     `json:"webhookUrl,omitempty"`
	Hours        hoursRec   `json:"hours"`
	Instructions string     `json:"instructions,omitempty"`
	Escalation   contactRec `json:"escalation"`
}

func toInboundRec(in department.Inbound) inboundRec {
	return inboundRec{Email: in.Email, Phone: in.Phone, WebhookURL: in.WebhookURL, Hours: toHoursRec(in.Hours),
		Instructions: in.Instructions, Escalation: toContactRec(in.Escalation)}
}

func (r inboundRec) domain() department.Inbound {
	return department.Inbound{Email: r.Email, Phone: r.Phone, WebhookURL: r.WebhookURL, Hours: r.Hours.domain(),
		Instructions: r.Instructions, Escalation: r.Escalation.domain()}
}

type proposalRec struct {
	DepartmentName string     `json:"departmentName"`
	Inbound        inboundRec `json:"inbound"`
}

type fieldRec struct {
	Name      string   `json:"name"`
	Label     string   `json:"label"`
	Type      string   `json:"type"`
	Required  bool     `json:"required,omitempty"`
	Options   []string `json:"options,omitempty"`
	Pattern   string   `json:"pattern,omitempty"`
	MaxLength int      `json:"maxLength,omitempty"`
	Help      string   `json:"help,omitempty"`
}

type formRec struct {
	Fields []fieldRec `json:"fields"`
}

func toFormRec(f form.Form) formRec {
	out := formRec{Fields: make([]fieldRec, len(f.Fields))}
	for i, x := range f.Fields {
		out.Fields[i] = fieldRec{Name: x.Name, Label: x.Label, Type: string(x.Type), Required: x.Required, Options: x.Options,
			Pattern: x.Pattern, MaxLength: x.MaxLength, Help: x.Help}
	}
	return out
}

func (r formRec) domain() form.Form {
	out := form.Form{Fields: make([]form.Field, len(r.Fields))}
	for i, x := range r.Fields {
		out.Fields[i] = form.Field{Name: x.Name, Label: x.Label, Type: form.FieldType(x.Type), Required: x.Required, Options: x.Options,
			Pattern: x.Pattern, MaxLength: x.MaxLength, Help: x.Help}
	}
	return out
}

type customerRec struct {
	Company      string `json:"company"`
	ContactName  string `json:"contactName"`
	ContactEmail string `json:"contactEmail"`
	CaseNumber   string `json:"caseNumber,omitempty"`
}

type lineRec struct {
	Description string `json:"description"`
	Quantity    int    `json:"quantity"`
	UnitCents   int64  `json:"unitCents"`
	AmountCents int64  `json:"amountCents"`
}

func toLineRecs(ls []billing.Line) []lineRec {
	out := make([]lineRec, len(ls))
	for i, l := range ls {
		out[i] = lineRec(l)
	}
	return out
}

func lineDomain(rs []lineRec) []billing.Line {
	out := make([]billing.Line, len(rs))
	for i, r := range rs {
		out[i] = billing.Line(r)
	}
	return out
}

type addendumRec struct {
	Version string `json:"version"`
	Text    string `json:"text"`
}

type linkRec struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

type landingRec struct {
	BannerURL string    `json:"bannerUrl,omitempty"`
	About     string    `json:"about,omitempty"`
	Links     []linkRec `json:"links,omitempty"`
}

func toLandingRec(l program.Landing) landingRec {
	out := landingRec{BannerURL: l.BannerURL, About: l.About}
	for _, x := range l.Links {
		out.Links = append(out.Links, linkRec(x))
	}
	return out
}

func (r landingRec) domain() program.Landing {
	out := program.Landing{BannerURL: r.BannerURL, About: r.About}
	for _, x := range r.Links {
		out.Links = append(out.Links, program.Link(x))
	}
	return out
}

type bandRec struct {
	UpTo      int   `json:"upTo"`
	UnitCents int64 `json:"unitCents"`
}

func toBandRecs(bs []program.Band) []bandRec {
	out := make([]bandRec, len(bs))
	for i, b := range bs {
		out[i] = bandRec(b)
	}
	return out
}

func bandDomain(rs []bandRec) []program.Band {
	if len(rs) == 0 {
		return nil
	}
	out := make([]program.Band, len(rs))
	for i, r := range rs {
		out[i] = program.Band(r)
	}
	return out
}

// caseCustomer and friends convert a case's nested values.
func toCustomerRec(c collab.Customer) customerRec { return customerRec(c) }
func (r customerRec) domain() collab.Customer     { return collab.Customer(r) }

// sendingRec is a member's sending domain as stored.
type sendingRec struct {
	Domain   string             `json:"domain"`
	Verified bool               `json:"verified"`
	Status   string             `json:"status"`
	Records  []member.DNSRecord `json:"records"`
}

func sendingAttr(d member.SendingDomain) string {
	if d.Domain == "" {
		return ""
	}
	return jsonAttr(sendingRec{Domain: d.Domain, Verified: d.Verified, Status: d.Status, Records: d.Records})
}

// slaRec is a program's response times; its keys are the field names.
type slaRec struct {
	Low, Medium, High, Critical time.Duration
}
