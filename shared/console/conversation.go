package console

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/program"
)

// conversation is a case as the people on it read it: the facts in a
// compact header, the timeline as messages in order, and, unless
// ReadOnly, the reply box and the steps the viewer may take. The signed
// read-only link of an escalation contact shows it with ReadOnly set: no
// form at all.
type conversation struct {
	ID, Ref, Summary, Status string
	Overdue                  bool
	// RespondBy is when the receiver's first response is due, while the
	// clock runs.
	RespondBy string
	Facts     []fact
	Messages  []caseMessage
	// Process is how the receiving department works, for its submitter.
	Process *process
	// ReadOnly drops the reply box and the steps (and every form).
	ReadOnly bool
	// FormToken goes with every form of the page.
	FormToken string
	// Reply is the one reply box (a note, or the answer to a question);
	// nil when the viewer may not write.
	Reply *actionFormData
	// Steps are the viewer's other steps (accept, ask, reject, close),
	// each a button that opens its small form.
	Steps []actionFormData
}

// caseMessage is one entry of a case's conversation.
type caseMessage struct {
	// Kind sets the entry apart: opened, question, answer, note, action,
	// escalation or system.
	Kind string
	// Label is what the kind reads as ("Question", "Accepted").
	Label string
	// Side is the side's member ("Acme Storage, receiver"); empty for the
	// schedules.
	Side, Who, At, Text string
	// Fields are the opening's process-form fields, by label.
	Fields []fact
}

// messageKind sorts an event into the kinds of a conversation.
func messageKind(ev collab.Event) (kind, label string) {
	switch ev.Action {
	case "open":
		return "opened", "Opened the case"
	case collab.RequestInfo:
		return "question", "Question"
	case collab.Note:
		if ev.Side == collab.Submitter && ev.From == collab.InformationRequested {
			return "answer", "Answer"
		}
		return "note", "Note"
	case collab.Accept:
		return "action", "Accepted"
	case collab.Reject:
		return "action", "Rejected"
	case collab.Close:
		return "action", "Closed"
	case collab.Escalate:
		return "escalation", fmt.Sprintf("Escalated (level %d)", ev.Level)
	case collab.Remind:
		return "escalation", "Reminder"
	}
	return "system", capitalize(human(string(ev.Action)))
}

// messagesOf is case c's conversation: the opening description first, then
// its events in order. form is the receiving department's process form
// (its labels and order), as it is now.
func messagesOf(c collab.Case, events []collab.Event, pf form.Form, loc *time.Location) []caseMessage {
	sideName := func(s collab.Side) string {
		switch s {
		case collab.Submitter:
			return c.SubmitterName + ", submitter"
		case collab.Receiver:
			return c.ReceiverName + ", receiver"
		}
		return ""
	}
	opening := caseMessage{Kind: "opened", Label: "Opened the case", Side: sideName(collab.Submitter), Who: c.SubmitterEmail,
		At: c.CreatedAt.In(loc).Format(timeLayout), Text: c.Description, Fields: fieldsByLabel(c.Fields, pf)}
	if c.NoteToManager != "" {
		opening.Fields = append(opening.Fields, fact{Label: "Note to the support manager", Value: c.NoteToManager})
	}
	events = slices.Clone(events)
	slices.SortStableFunc(events, func(a, b collab.Event) int { return a.At.Compare(b.At) })
	out := []caseMessage{opening}
	for _, ev := range events {
		kind, label := messageKind(ev)
		if kind == "opened" {
			out[0].Who, out[0].At = personOf(ev.Actor), ev.At.In(loc).Format(timeLayout)
			continue
		}
		out = append(out, caseMessage{Kind: kind, Label: label, Side: sideName(ev.Side), Who: personOf(ev.Actor), At: ev.At.In(loc).Format(timeLayout), Text: ev.Text})
	}
	return out
}

// fieldsByLabel are a case's process-form fields as its department's form
// names and orders them; a field the form no longer has comes last, by its
// key.
func fieldsByLabel(fields map[string]any, pf form.Form) []fact {
	known, gone := pf.Answers(fields)
	var out []fact
	for _, a := range slices.Concat(known, gone) {
		out = append(out, fact{Label: a.Label, Value: toString(a.Value)})
	}
	return out
}

// process is how a receiving department works, as its submitter is told
// before opening a case and on the case: instructions, hours, response
// times, phone, and whether its address takes mail.
type process struct {
	Department   string
	Instructions string
	// Hours are the department's business hours as it set them.
	Hours string
	// Opening is "Open now" or when it next opens, in the viewer's zone.
	Opening string
	Open    bool
	Phone   string
	// Confirmed: the department's inbound address takes Tandem's mail.
	Confirmed bool
	// ResponseTimes are the first-response times per priority.
	ResponseTimes []fact
}

// processOf is department dep's process as of now; responseTimes are the
// rows of the response-time table.
func processOf(dep department.Department, responseTimes []fact, now time.Time, loc *time.Location, zone string) *process {
	p := &process{Department: dep.Name, Instructions: dep.Inbound.Instructions, Phone: dep.Inbound.Phone,
		Confirmed: dep.InboundConfirmed() && dep.Unreachable == nil, Hours: hoursText(dep.Inbound.Hours), ResponseTimes: responseTimes}
	open, next, err := dep.Inbound.Hours.OpenNow(now)
	switch {
	case err != nil:
		p.Opening = ""
	case open:
		p.Opening, p.Open = "Open now", true
	default:
		p.Opening = "Opens " + next.In(loc).Format("Mon 2 Jan 15:04") + " " + zone
	}
	return p
}

// responseTimes are program sla's first-response times for priorities at
// a department open h: critical runs around the clock, the others count
// business hours only (collab.ClockFor).
func responseTimes(sla program.SLA, priorities []program.Priority, h hours.Hours) []fact {
	var out []fact
	for _, p := range priorities {
		out = append(out, fact{Label: string(p), Value: responseTime(sla.For(p), collab.ClockFor(h, p).Always)})
	}
	return out
}

// responseTime reads d as people do: "4 h of business hours", "2 h around
// the clock".
func responseTime(d time.Duration, always bool) string {
	s := humanDuration(d)
	if always {
		return s + " around the clock"
	}
	return s + " of business hours"
}

func humanDuration(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%d h %d min", h, m)
	case h > 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d min", m)
}

// hoursText is a department's business hours as it set them.
func hoursText(h hours.Hours) string {
	if h.Always {
		return "Around the clock (24x7)"
	}
	if h.IsZero() {
		return ""
	}
	days := make([]string, len(h.Days))
	for i, d := range h.Days {
		days[i] = capitalize(d)
	}
	return strings.Join(days, ", ") + " " + h.Start + "–" + h.End + " (" + h.Zone + ")"
}

// capitalize upper-cases s's first letter.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// personOf is the name of an event's actor ("Eng Host <eng@acme.example>"
// reads as Eng Host); an actor without a name is shown whole.
func personOf(actor string) string {
	if name, _, ok := strings.Cut(actor, " <"); ok && name != "" {
		return name
	}
	return actor
}
