package suppression

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Event is one bounce or complaint as SES publishes it.
type Event struct {
	Kind Kind
	// Permanent is a hard bounce or a complaint: only those suppress. A
	// transient bounce (a full mailbox, a server that is down) does not.
	Permanent  bool
	Recipients []Recipient
	// MessageID is SES's id of the mail.
	MessageID string
	// At is when SES saw the bounce or the complaint.
	At time.Time
}

// Recipient is one address the event is about.
type Recipient struct {
	Address string
	// Reason is the server's diagnostic, or the complaint's type.
	Reason string
}

// sesRecord is the part of SES's event record Tandem reads; the rest (and
// fields SES adds later) is ignored.
type sesRecord struct {
	EventType string `json:"eventType"`
	Bounce    *struct {
		BounceType        string `json:"bounceType"`
		BounceSubType     string `json:"bounceSubType"`
		BouncedRecipients []struct {
			EmailAddress   string `json:"emailAddress"`
			Status         string `json:"status"`
			DiagnosticCode string `json:"diagnosticCode"`
		} `json:"bouncedRecipients"`
		Timestamp time.Time `json:"timestamp"`
	} `json:"bounce"`
	Complaint *struct {
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
		ComplaintFeedbackType string    `json:"complaintFeedbackType"`
		ComplaintSubType      string    `json:"complaintSubType"`
		Timestamp             time.Time `json:"timestamp"`
	} `json:"complaint"`
	Mail struct {
		MessageID string `json:"messageId"`
	} `json:"mail"`
}

// maxReason bounds a server's diagnostic as Tandem keeps and mails it.
const maxReason = 300

// ParseSES reads an SES event record (the detail of an EventBridge event
// from source aws.ses, or an SNS notification's message). Records of other
// types are refused: the rule sends only bounces and complaints.
func ParseSES(detail []byte) (Event, error) {
	var r sesRecord
	if err := json.Unmarshal(detail, &r); err != nil {
		return Event{}, fmt.Errorf("ses event: %w", err)
	}
	ev := Event{MessageID: r.Mail.MessageID}
	switch {
	case r.EventType == "Bounce" && r.Bounce != nil:
		b := r.Bounce
		ev.Kind, ev.Permanent, ev.At = Bounce, b.BounceType == "Permanent", b.Timestamp
		for _, rc := range b.BouncedRecipients {
			reason := firstOf(rc.DiagnosticCode, rc.Status, b.BounceType+" bounce ("+b.BounceSubType+")")
			ev.Recipients = append(ev.Recipients, Recipient{Address: rc.EmailAddress, Reason: clip(reason)})
		}
	case r.EventType == "Complaint" && r.Complaint != nil:
		c := r.Complaint
		ev.Kind, ev.Permanent, ev.At = Complaint, true, c.Timestamp
		reason := "the recipient reported the mail as spam"
		if t := firstOf(c.ComplaintFeedbackType, c.ComplaintSubType); t != "" {
			reason += " (" + t + ")"
		}
		for _, rc := range c.ComplainedRecipients {
			ev.Recipients = append(ev.Recipients, Recipient{Address: rc.EmailAddress, Reason: clip(reason)})
		}
	default:
		return Event{}, fmt.Errorf("ses event: type %q is neither a bounce nor a complaint", r.EventType)
	}
	var kept []Recipient
	for _, rc := range ev.Recipients {
		if a := Normalize(rc.Address); strings.Contains(a, "@") {
			rc.Address = a
			kept = append(kept, rc)
		}
	}
	if len(kept) == 0 {
		return Event{}, fmt.Errorf("ses event: no recipient address in the %s", ev.Kind)
	}
	ev.Recipients = kept
	return ev, nil
}

func firstOf(xs ...string) string {
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" {
			return x
		}
	}
	return ""
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxReason {
		return string(r[:maxReason-1]) + "…"
	}
	return s
}
