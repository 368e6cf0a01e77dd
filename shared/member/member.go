// Package member is the companies that use Tandem and their users.
package member

import (
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/input"
)

// Kind decides who a member can reach: limited members only the programs they
// joined; full members also every other full member.
type Kind string

// Kinds.
const (
	Full    Kind = "full"
	Limited Kind = "limited"
)

// Contact is a person to reach.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone,omitempty"`
}

// Check validates c under path; phone is optional.
func (c Contact) Check(f apperr.Fields, path string) Contact {
	return Contact{
		Name:  input.Text(f, path+".name", c.Name, 200),
		Email: input.Email(f, path+".email", c.Email),
		Phone: input.Phone(f, path+".phone", c.Phone, false),
	}
}

// Contacts are a member's standing contacts.
type Contacts struct {
	Primary    Contact `json:"primary"`
	Escalation Contact `json:"escalation"`
	Billing    Contact `json:"billing"`
}

// Member is a company using Tandem.
type Member struct {
	ID string
	// UpdatedBy is who made the change being saved (its timeline's actor).
	UpdatedBy string
	Name      string
	Domain    string
	Kind      Kind
	Contacts  Contacts
	// Bcc are the member's capture addresses: copies of the mail of every
	// case it opens (outbound) and receives (inbound).
	Bcc Bcc
	// Confirmed are the capture addresses whose owners confirmed they take
	// the member's copies: Tandem mails no other.
	Confirmed confirmation.Confirmed
	// Sending is the member's own sending domain, once registered.
	Sending SendingDomain
	// MergedInto is the member this one is being (Merging) or was merged
	// into; empty for a member standing on its own.
	MergedInto string
	// Merge is where the merger stands: "", MergeRunning or MergeDone.
	Merge     MergeState
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
}

// MergeState is where a member's merger into another stands.
type MergeState string

// Merge states.
const (
	MergeRunning MergeState = "merging"
	MergeDone    MergeState = "merged"
)

// Status is how the member reads in lists: "active", "merging" or "merged".
func (m Member) Status() string {
	if m.Merge == "" {
		return "active"
	}
	return string(m.Merge)
}

// CaptureOutbound is where copies of the mail of the cases the member opens
// go: its outbound capture address once confirmed, else "".
func (m Member) CaptureOutbound() string {
	if !m.Confirmed.Has(m.Bcc.Outbound) {
		return ""
	}
	return m.Bcc.Outbound
}

// CaptureInbound is CaptureOutbound for the cases the member receives.
func (m Member) CaptureInbound() string {
	if !m.Confirmed.Has(m.Bcc.Inbound) {
		return ""
	}
	return m.Bcc.Inbound
}

// CaptureAddresses are the member's capture addresses, each with what it
// receives.
func (m Member) CaptureAddresses() []confirmation.Request {
	var rs []confirmation.Request
	if m.Bcc.Outbound != "" {
		rs = append(rs, confirmation.Request{Address: m.Bcc.Outbound, What: "copies of the mail of the cases it opens with other companies (a capture address)"})
	}
	if m.Bcc.Inbound != "" {
		rs = append(rs, confirmation.Request{Address: m.Bcc.Inbound, What: "copies of the mail of the cases other companies open with it (a capture address)"})
	}
	return confirmation.Merge(rs)
}

// Unconfirmed are the CaptureAddresses still waiting for their owners' word.
func (m Member) Unconfirmed() []confirmation.Request {
	var rs []confirmation.Request
	for _, r := range m.CaptureAddresses() {
		if !m.Confirmed.Has(r.Address) {
			rs = append(rs, r)
		}
	}
	return rs
}

// Bcc is where a member's copies of case mail go, per direction; empty
// takes none.
type Bcc struct {
	Outbound string `json:"outbound,omitempty"`
	Inbound  string `json:"inbound,omitempty"`
}

// SendingDomain is a member's domain registered with SES to send from.
type SendingDomain struct {
	Domain   string
	Verified bool
	Status   string
	Records  []DNSRecord
}

// DNSRecord is one record the member publishes for its sending domain.
type DNSRecord struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// SendsFrom reports whether address is at the member's verified sending
// domain (or a subdomain of it).
func (m Member) SendsFrom(address string) bool {
	if !m.Sending.Verified || m.Sending.Domain == "" {
		return false
	}
	_, domain, _ := strings.Cut(strings.ToLower(address), "@")
	own := strings.ToLower(m.Sending.Domain)
	return domain == own || strings.HasSuffix(domain, "."+own)
}

// UserStatus says whether a user's token still works.
type UserStatus string

// User statuses.
const (
	UserActive  UserStatus = "active"
	UserRevoked UserStatus = "revoked"
)

// User is a person acting for a member, with roles and one API token.
type User struct {
	ID string
	// UpdatedBy is who made the change being saved (the member's timeline).
	UpdatedBy string
	MemberID  string
	Name      string
	Email     string
	Roles     []string
	// ProgramIDs are the restricted programs the member's admin let this
	// user open cases in.
	ProgramIDs []string
	Status     UserStatus
	// TokenHash identifies the user's credential; never shown.
	TokenHash string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
}

// Principal is the identity u acts as: its member and roles.
func (u User) Principal() auth.Principal {
	return auth.Principal{MemberID: u.MemberID, UserID: u.ID, Roles: u.Roles}
}

// Credential is the stored form of an API token: its hash and whose it is.
type Credential struct {
	Hash     string
	UserID   string
	MemberID string
	Roles    []string
	Operator bool
	Revoked  bool
}

// AdminAddresses are the addresses of users' active admins: whom Tandem
// tells when something of their member needs fixing.
func AdminAddresses(users []User) []string {
	var out []string
	for _, u := range users {
		if u.Status == UserActive && u.Email != "" && slices.Contains(u.Roles, auth.RoleAdmin) {
			out = append(out, u.Email)
		}
	}
	return out
}

// AdminsOrPrimary are whom to ask or tell about m: its active admins or,
// while it has none, its primary contact.
func AdminsOrPrimary(m Member, users []User) []string {
	out := AdminAddresses(users)
	if len(out) == 0 && m.Contacts.Primary.Email != "" {
		out = []string{m.Contacts.Primary.Email}
	}
	return out
}
