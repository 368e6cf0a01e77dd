// Package program is a host member's partner program: who may join and how,
// what it costs and who pays, its response-time SLAs, and its co-branded
// landing page.
package program

import (
	"net/mail"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/member"
)

// Type decides who may open cases with whom and what a case must carry.
type Type string

// Program types.
const (
	PartnerProgram     Type = "partner_program"
	SolutionSupport    Type = "solution_support"
	OEM                Type = "oem"
	ServiceProvider    Type = "service_provider"
	CriticalEscalation Type = "critical_escalation"
)

// Types lists every program type.
var Types = []Type{PartnerProgram, SolutionSupport, OEM, ServiceProvider, CriticalEscalation}

// NeedsCustomer reports whether cases in programs of this type must name the
// mutual customer (entitlement).
func (t Type) NeedsCustomer() bool {
	return t == PartnerProgram || t == SolutionSupport || t == CriticalEscalation
}

// HostCentric reports whether members reach only the host (and the host its
// partners), rather than every other active member.
func (t Type) HostCentric() bool {
	return t == PartnerProgram || t == OEM || t == ServiceProvider
}

// Priorities are the priorities a case of a program of this type may
// have, lowest first: a critical escalation program's cases are all
// critical.
func (t Type) Priorities() []Priority {
	if t == CriticalEscalation {
		return []Priority{Critical}
	}
	return []Priority{Low, Medium, High, Critical}
}

// Payment says who pays for a partner's membership.
type Payment string

// Payment models.
const (
	MemberPaid Payment = "member"
	HostPaid   Payment = "host"
)

// Priority of a case.
type Priority string

// Priorities.
const (
	Low      Priority = "low"
	Medium   Priority = "medium"
	High     Priority = "high"
	Critical Priority = "critical"
)

// SLA is the response time per priority.
type SLA struct {
	Low      time.Duration
	Medium   time.Duration
	High     time.Duration
	Critical time.Duration
}

// DefaultSLA is the standard response times.
var DefaultSLA = SLA{Low: 8 * time.Hour, Medium: 4 * time.Hour, High: 2 * time.Hour, Critical: 2 * time.Hour}

// For returns the response time of priority p.
func (s SLA) For(p Priority) time.Duration {
	switch p {
	case Low:
		return s.Low
	case Medium:
		return s.Medium
	case High:
		return s.High
	default:
		return s.Critical
	}
}

// Addendum is the program's legal addendum partners accept at sign-up.
type Addendum struct {
	Version string `json:"version"`
	Text    string `json:"text"`
}

// Link is a helpful link on the landing page.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Landing is the co-branded landing page's content.
type Landing struct {
	BannerURL string `json:"bannerUrl,omitempty"`
	About     string `json:"about,omitempty"`
	Links     []Link `json:"links,omitempty"`
}

// SignupMail is the host's own words in the mail partners get when they
// sign up: a subject and an opening paragraph, with placeholders
// ({contactName}, {companyName}, {programName}, {hostName}). Empty parts keep
// the defaults; what happens next (approval, test case, invoice) is always
// added by Tandem.
type SignupMail struct {
	Subject string `json:"subject,omitempty"`
	Intro   string `json:"intro,omitempty"`
}

// SignupPlaceholders are the placeholders a sign-up mail may use.
var SignupPlaceholders = []string{"{contactName}", "{companyName}", "{programName}", "{hostName}"}

// Fill replaces the placeholders of the host's text.
func (m SignupMail) Fill(contactName, companyName, programName, hostName string) SignupMail {
	r := strings.NewReplacer("{contactName}", contactName, "{companyName}", companyName, "{programName}", programName, "{hostName}", hostName)
	return SignupMail{Subject: r.Replace(m.Subject), Intro: r.Replace(m.Intro)}
}

// Band is a volume price: every member costs UnitCents when the count is at
// most UpTo (and above the previous band).
type Band struct {
	UpTo      int   `json:"upTo"`
	UnitCents int64 `json:"unitCents"`
}

// DefaultBands are the standard host-paid prices.
var DefaultBands = []Band{{25, 20000}, {50, 15000}, {100, 10000}, {200, 7500}, {400, 5000}}

// UnitPrice is the price of every member when count members are billed:
// the band the count falls in; above the last band, the last band's price.
func UnitPrice(count int, bands []Band) int64 {
	if len(bands) == 0 {
		bands = DefaultBands
	}
	for _, b := range bands {
		if count <= b.UpTo {
			return b.UnitCents
		}
	}
	return bands[len(bands)-1].UnitCents
}

// Program is a host's partner program.
type Program struct {
	ID string
	// UpdatedBy is who made the change being saved (its timeline's actor).
	UpdatedBy      string
	Slug           string
	Name           string
	HostMemberID   string
	HostName       string
	Type           Type
	Payment        Payment
	PrimaryContact member.Contact
	NotifyEmails   []string
	SLA            SLA
	Access         string // "open" or "restricted"
	Sender         string // "host" or "platform"
	SenderEmail    string
	// SenderVerified says SES verified the host's domain of SenderEmail:
	// only then does mail come from it.
	SenderVerified bool
	Addendum       Addendum
	Landing        Landing
	PreApproved    []string
	PriceBands     []Band
	// StartDate is a civil date (YYYY-MM-DD): host billing anniversaries.
	StartDate string
	// Form is the default process form of partners' first departments.
	Form form.Form
	// SignupMail is the host's text of the partners' sign-up mail.
	SignupMail SignupMail
	// BilledYears counts the host-billing years invoiced so far.
	BilledYears int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int
}

// Access modes.
const (
	Open       = "open"
	Restricted = "restricted"
)

// Sender modes.
const (
	SenderHost     = "host"
	SenderPlatform = "platform"
)

// From is the From address of the program's mail: the host's own address
// when it sends as itself, else the platform's, named for the program.
// Display names are RFC 2047 encoded where they are not plain ASCII ("Société
// Générale Partner Connect" travels as =?utf-8?q?Soci=C3=A9t=C3=A9…?=),
// as SES requires.
func (p Program) From(platform string) string {
	if p.sendsAsHost() && p.SenderVerified {
		return Address(p.Name, p.SenderEmail)
	}
	addr := platform
	if a, err := mail.ParseAddress(platform); err == nil {
		addr = a.Address
	}
	if p.sendsAsHost() {
		// The host's domain is not verified with SES yet: its name, the
		// platform's address, answers to the host (HostReplyTo).
		return Address(p.HostName+" via Tandem", addr)
	}
	return Address(p.Name+" via Tandem", addr)
}

func (p Program) sendsAsHost() bool { return p.Sender == SenderHost && p.SenderEmail != "" }

// HostReplyTo is where answers to the program's mail go while it sends as
// its host from the platform's address (the host's domain not verified
// yet): the host's sending address. Nil otherwise.
func (p Program) HostReplyTo() []string {
	if p.sendsAsHost() && !p.SenderVerified {
		return []string{p.SenderEmail}
	}
	return nil
}

// Address formats a mail address with a display name: quoted when ASCII,
// RFC 2047 encoded otherwise; line breaks in the name become spaces.
func Address(name, addr string) string {
	name = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, name)
	return (&mail.Address{Name: name, Address: addr}).String()
}

// Public is what a program's partners may read of it: everything but the
// host's own lists (pre-approved and notify addresses), its prices, its
// sender address and its billing state.
func (p Program) Public() Program {
	p.PreApproved, p.NotifyEmails, p.PriceBands = nil, nil, nil
	p.SenderEmail, p.StartDate = "", ""
	return p
}

// PreApprovedFor reports whether the address or its domain is pre-approved.
func (p Program) PreApprovedFor(email string) bool {
	at := strings.IndexByte(email, '@')
	domain := ""
	if at >= 0 {
		domain = email[at+1:]
	}
	for _, a := range p.PreApproved {
		if strings.EqualFold(a, email) || (domain != "" && strings.EqualFold(a, domain)) {
			return true
		}
	}
	return false
}
