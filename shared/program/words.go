package program

import (
	"fmt"
	"strings"
	"time"
)

// ResponseTimeChoices are the response times a program's editor offers,
// shortest first. The API takes any duration from a minute to 30 days
// (checkSLA); a program saved with another keeps it (ResponseTimeOptions).
var ResponseTimeChoices = []time.Duration{
	30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour, 6 * time.Hour, 8 * time.Hour,
	12 * time.Hour, 16 * time.Hour, 24 * time.Hour, 48 * time.Hour,
}

// ResponseTimeOption is one response time a select offers: Value is the
// ISO 8601 duration the API stores, Label says it in words.
type ResponseTimeOption struct {
	Value, Label string
	Selected     bool
}

// ResponseTimeOptions are the choices for priority p's response time, the
// one equal to current (an ISO 8601 duration, as the form posted it or
// the program has it) selected. A current value that is not one of the
// choices is kept, in its place by length, so saving the form does not
// change it; one that does not parse (a form sent back with an error) is
// offered as it was typed. No value selects the default, as the API
// takes an omitted one.
func ResponseTimeOptions(p Priority, current string) []ResponseTimeOption {
	if current == "" {
		current = FormatDuration(DefaultSLA.For(p))
	}
	cur, err := ParseDuration(current)
	known := err == nil
	var out []ResponseTimeOption
	placed := false
	add := func(d time.Duration) {
		out = append(out, ResponseTimeOption{Value: FormatDuration(d), Label: ResponseTimeWords(p, d), Selected: known && d == cur})
	}
	for _, d := range ResponseTimeChoices {
		if known && !placed && cur <= d {
			if cur != d {
				add(cur)
			}
			placed = true
		}
		add(d)
	}
	switch {
	case known && !placed:
		add(cur)
	case !known:
		out = append(out, ResponseTimeOption{Value: current, Label: current + " (not a duration)", Selected: true})
	}
	return out
}

// ResponseTimeWords says priority p's response time d as partners read it:
// critical runs around the clock ("2 hours around the clock"), the others
// count the receiving department's business hours ("4 business hours").
func ResponseTimeWords(p Priority, d time.Duration) string {
	if p == Critical {
		return DurationWords(d) + " around the clock"
	}
	if d >= time.Hour && d%time.Hour == 0 {
		return plural(int(d/time.Hour), "business hour")
	}
	return DurationWords(d) + " of business hours"
}

// DurationWords says d in words: "30 minutes", "1 hour", "1 hour 30
// minutes", "2 days" (whole days only from 24 hours on).
func DurationWords(d time.Duration) string {
	if d <= 0 {
		return "no time"
	}
	var parts []string
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return plural(int(d/(24*time.Hour)), "day")
	}
	if h := int(d / time.Hour); h > 0 {
		parts = append(parts, plural(h, "hour"))
	}
	if m := int(d % time.Hour / time.Minute); m > 0 {
		parts = append(parts, plural(m, "minute"))
	}
	if s := int(d % time.Minute / time.Second); s > 0 || len(parts) == 0 {
		parts = append(parts, plural(s, "second"))
	}
	return strings.Join(parts, " ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// ResponseTime is one priority's response time in words.
type ResponseTime struct {
	Priority Priority
	Words    string
}

// ResponseTimes are the program's response times in words, for the
// priorities its cases may have, most urgent first.
func (p Program) ResponseTimes() []ResponseTime {
	ps := p.Type.Priorities()
	out := make([]ResponseTime, 0, len(ps))
	for i := len(ps) - 1; i >= 0; i-- {
		out = append(out, ResponseTime{Priority: ps[i], Words: ResponseTimeWords(ps[i], p.SLA.For(ps[i]))})
	}
	return out
}
