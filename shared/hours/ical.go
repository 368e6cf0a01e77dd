package hours

import (
	"fmt"
	"strings"
	"time"
)

// MaxICalBytes bounds an imported calendar.
const MaxICalBytes = 256 * 1024

// AllDayDates reads an iCalendar (RFC 5545) text and returns the dates of
// its all-day events (DTSTART;VALUE=DATE, or an 8-digit DTSTART), each day
// of a multi-day event (DTEND is exclusive). Timed events are left out:
// a meeting is not a holiday.
func AllDayDates(ics string) ([]string, error) {
	if len(ics) > MaxICalBytes {
		return nil, fmt.Errorf("the calendar is larger than %d KB", MaxICalBytes/1024)
	}
	if !strings.Contains(ics, "BEGIN:VCALENDAR") {
		return nil, fmt.Errorf("this is not an iCalendar (no BEGIN:VCALENDAR)")
	}
	// Unfold: a line starting with a space or tab continues the one before.
	ics = strings.NewReplacer("\r\n ", "", "\r\n\t", "", "\n ", "", "\n\t", "").Replace(ics)
	var out []string
	var start, end string
	in := false
	for _, line := range strings.Split(strings.ReplaceAll(ics, "\r\n", "\n"), "\n") {
		name, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		prop, _, _ := strings.Cut(name, ";")
		switch {
		case prop == "BEGIN" && value == "VEVENT":
			in, start, end = true, "", ""
		case prop == "END" && value == "VEVENT":
			in = false
			days, err := eventDays(start, end)
			if err != nil {
				return nil, err
			}
			out = append(out, days...)
			if len(out) > MaxHolidays {
				return nil, fmt.Errorf("the calendar holds more than %d all-day dates", MaxHolidays)
			}
		case in && prop == "DTSTART":
			start = value
		case in && prop == "DTEND":
			end = value
		}
	}
	return out, nil
}

// eventDays are the dates an all-day event covers ("" for a timed one).
func eventDays(start, end string) ([]string, error) {
	if len(start) != 8 {
		return nil, nil // timed (20261225T090000Z) or missing: not a holiday
	}
	from, err := time.Parse("20060102", start)
	if err != nil {
		return nil, fmt.Errorf("an event starts on %q, not a date", start)
	}
	to := from.AddDate(0, 0, 1)
	if len(end) == 8 {
		if t, err := time.Parse("20060102", end); err == nil && t.After(from) {
			to = t
		}
	}
	var days []string
	for d := from; d.Before(to) && len(days) <= MaxHolidays; d = d.AddDate(0, 0, 1) {
		days = append(days, d.Format(time.DateOnly))
	}
	return days, nil
}
