// Package audit is the timeline every object keeps: who did what to it,
// when, and from which state to which (or which fields changed).
package audit

import (
	"sort"
	"strings"
	"time"
)

// Event is one step of an object's timeline.
type Event struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to,omitempty"`
	Reason string    `json:"reason,omitempty"`
}

// System is the actor of what Tandem does by itself (schedules, mail
// events), and of writes whose author is not known.
const System = "tandem"

// ActorOr is actor, or System when empty.
func ActorOr(actor string) string {
	if actor == "" {
		return System
	}
	return actor
}

// Changed names the fields whose values differ between before and after
// (maps of field name to value as stored), sorted, leaving out ignore.
func Changed[V comparable](before, after map[string]V, ignore ...string) []string {
	skip := map[string]bool{}
	for _, k := range ignore {
		skip[k] = true
	}
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]V{before, after} {
		for k := range m {
			if seen[k] || skip[k] {
				continue
			}
			seen[k] = true
			b, inB := before[k]
			a, inA := after[k]
			if inA != inB || a != b {
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// ChangedText says which fields changed: "changed name, notifyEmails".
func ChangedText(fields []string) string {
	if len(fields) == 0 {
		return "saved without changes"
	}
	return "changed " + strings.Join(fields, ", ")
}
