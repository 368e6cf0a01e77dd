// Package notify is Tandem's outbox as the domain sees it: the
// notifications a state change causes are Messages, each mail with the typed
// data of its template, written in the same transaction as the change.
// Package delivery later renders and sends each one exactly once, retrying
// transient failures and dead-lettering permanent ones.
package notify

import (
	"errors"
	"time"
)

// Channel is how a message travels.
type Channel string

// Channels.
const (
	Email   Channel = "email"
	Webhook Channel = "webhook"
)

// Message is one outbox item: a mail to render from a template, or a signed
// webhook call to make.
type Message struct {
	ID      string
	Channel Channel
	From    string
	To      []string
	Cc      []string
	// Bcc are capture copies (members' BCC addresses), unseen by the others.
	Bcc     []string
	ReplyTo []string
	// Data is a mail's template input (its type names the template); it
	// is stored as JSON.
	Data MailData
	// Hook is set for webhook messages.
	Hook *HookCall
	// Ref names the object the message is about, for logs and dead letters.
	Ref       string
	CreatedAt time.Time
	// NotBefore holds the message back until then (an escalation outside
	// the recipient's business hours); zero sends at once.
	NotBefore time.Time
}

// Template names the mail template the message fills ("" for webhooks).
func (m Message) Template() string {
	if m.Data == nil {
		return ""
	}
	return m.Data.Template()
}

// FirstSweepDelay is when the redrive sweep first looks at a new message,
// in case the stream never delivered it.
const FirstSweepDelay = 2 * time.Minute

// HookCall is an outbound webhook delivery.
type HookCall struct {
	MemberID     string
	DepartmentID string
	URL          string
	EventType    string
	// Body is the exact JSON payload; its bytes are what gets signed.
	Body []byte
}

// State of an outbox item.
type State string

// States.
const (
	Pending State = "pending"
	Sending State = "sending"
	Sent    State = "sent"
	Dead    State = "dead"
	// Resent: an operator sent a dead letter again, as a new message.
	Resent State = "resent"
)

// ErrPermanent marks a delivery failure that retrying cannot fix (the address
// was rejected, the template is broken); the message is dead-lettered.
var ErrPermanent = errors.New("permanent delivery failure")

// ErrNotClaimable means the item is sent, dead, or leased by another worker.
var ErrNotClaimable = errors.New("outbox item not claimable")

// DeadLetter is a message that could not be delivered, kept for operators.
type DeadLetter struct {
	ID       string
	Channel  Channel
	Template string
	To       []string
	Ref      string
	Reason   string
	Attempts int
	DeadAt   time.Time
}

// Again is m to be sent once more as a new message (an operator's resend
// of a dead letter): same recipients and content, a new id and time.
func (m Message) Again(id string, now time.Time) Message {
	m.ID, m.CreatedAt = id, now
	return m
}

// Origin is where the platform's own mail comes from and where its links
// point.
type Origin struct {
	// From is the platform's From address.
	From string
	// BaseURL is the public base of links in mail, without a trailing slash.
	BaseURL string
}
