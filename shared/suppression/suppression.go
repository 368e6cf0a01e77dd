// Package suppression is what Tandem does when mail bounces for good or is
// reported as spam: SES publishes the event (configuration set → EventBridge
// → the mailevents function), the address is suppressed — the notifier sends
// it nothing more until an admin changes it — and when it is a department's
// inbound address, the department is marked unreachable and its member's
// admins, the hosts of its programs and the operators are told, once.
package suppression

import (
	"net/mail"
	"strings"
	"time"
)

// Kind is why an address is suppressed.
type Kind string

// Kinds.
const (
	Bounce    Kind = "bounce"
	Complaint Kind = "complaint"
)

// Suppression is an address Tandem no longer mails.
type Suppression struct {
	Address string
	Kind    Kind
	// Reason is what the receiving server said, or the complaint's type.
	Reason string
	At     time.Time
	// MessageID is SES's id of the mail that bounced or was complained about.
	MessageID string
}

// Normalize is an address as suppressions and inbound entries key it: the
// bare address of "Name <addr>", lower-cased.
func Normalize(addr string) string {
	addr = strings.TrimSpace(addr)
	if a, err := mail.ParseAddress(addr); err == nil {
		addr = a.Address
	}
	return strings.ToLower(addr)
}

// Same reports whether a and b are one mailbox as far as suppression goes.
func Same(a, b string) bool { return Normalize(a) == Normalize(b) }
