// Package department is a member's inbound support process for one or more
// programs: where cases go, when the people are there, whom to escalate to,
// and the form a case must fill in.
package department

import (
	"time"
	"unicode"

	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/member"
)

// Inbound is how a department takes cases in.
type Inbound struct {
	Email        string         `json:"email"`
	Phone        string         `json:"phone,omitempty"`
	WebhookURL   string         `json:"webhookUrl,omitempty"`
	Hours        hours.Hours    `json:"hours"`
	Instructions string         `json:"instructions,omitempty"`
	Escalation   member.Contact `json:"escalation"`
}

// Department is one inbound support process of a member.
type Department struct {
	ID string
	// UpdatedBy is who made the change being saved (its timeline's actor).
	UpdatedBy  string
	MemberID   string
	Name       string
	ProgramIDs []string
	Inbound    Inbound
	Form       form.Form
	// WebhookDisabled is set after 24 h of failed deliveries.
	WebhookDisabled bool
	// Unreachable is set when mail to the inbound address bounced for good
	// or was reported as spam: Tandem stopped mailing it until an admin
	// saves the inbound process again.
	Unreachable *Unreachable
	// Confirmed are the addresses whose owners confirmed they take this
	// department's mail (a confirmation link, or the sign-up's test case
	// acknowledged): Tandem mails no other.
	Confirmed confirmation.Confirmed
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
}

// Unreachable is why a department's inbound address gets no more mail.
type Unreachable struct {
	// Address is the inbound address that bounced or complained.
	Address string
	// Reason is what the receiving server (or the complaint) said.
	Reason string
	Since  time.Time
	// Complaint: the mail was reported as spam (else it bounced).
	Complaint bool
}

// Said is the reason as Tandem shows it to people. A bounce's diagnostic
// is the receiving server's own words — whatever it chose to say, which
// can read like Tandem speaking ("your account is suspended, call …") —
// so it is quoted and labelled as the server's; a complaint's reason is
// Tandem's wording of the report.
func (u Unreachable) Said() string {
	switch {
	case u.Reason == "":
		return ""
	case u.Complaint:
		r := []rune(u.Reason)
		return string(unicode.ToUpper(r[0])) + string(r[1:])
	}
	return "The receiving server said: “" + u.Reason + "”"
}

// What says what happened to the mail: "bounced" or "was reported as spam".
func (u Unreachable) What() string {
	if u.Complaint {
		return "was reported as spam"
	}
	return "bounced"
}

// Serves reports whether the department takes cases of program programID.
func (d Department) Serves(programID string) bool {
	for _, p := range d.ProgramIDs {
		if p == programID {
			return true
		}
	}
	return false
}

// InboundConfirmed reports whether the inbound address's owner confirmed
// it takes the department's mail.
func (d Department) InboundConfirmed() bool { return d.Confirmed.Has(d.Inbound.Email) }

// EscalationConfirmed reports the same of the escalation contact's address.
func (d Department) EscalationConfirmed() bool { return d.Confirmed.Has(d.Inbound.Escalation.Email) }

// InboundMail is the inbound address when Tandem may mail it, else "":
// until its owner confirms it, the department takes cases in the console,
// over the API and by webhook, and nobody is mailed.
func (d Department) InboundMail() string {
	if !d.InboundConfirmed() {
		return ""
	}
	return d.Inbound.Email
}

// EscalationMail is the escalation contact's address when Tandem may mail
// it, else "".
func (d Department) EscalationMail() string {
	if !d.EscalationConfirmed() {
		return ""
	}
	return d.Inbound.Escalation.Email
}

// Addresses are the department's addresses, each with what it receives;
// an address used twice is named once.
func (d Department) Addresses() []confirmation.Request {
	var rs []confirmation.Request
	if d.Inbound.Email != "" {
		rs = append(rs, confirmation.Request{Address: d.Inbound.Email, What: "the cases other companies send to its department " + d.Name})
	}
	if e := d.Inbound.Escalation.Email; e != "" {
		rs = append(rs, confirmation.Request{Address: e, What: "the escalations of its department " + d.Name + "'s unanswered cases"})
	}
	return confirmation.Merge(rs)
}

// Unconfirmed are the Addresses still waiting for their owners' word.
func (d Department) Unconfirmed() []confirmation.Request {
	var rs []confirmation.Request
	for _, r := range d.Addresses() {
		if !d.Confirmed.Has(r.Address) {
			rs = append(rs, r)
		}
	}
	return rs
}
