// Package hours is a support process's business hours and the SLA clock that
// counts only inside them. Zones load from the system; provided.al2023 has
// none, so the functions that validate or clock hours embed time/tzdata.
package hours

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
)

// Hours is either 24x7 or a weekly window in an IANA time zone. A window
// whose end is before its start runs across midnight into the next day; the
// day it starts on is the one listed.
type Hours struct {
	Always bool
	Zone   string
	Days   []string // "mon".."sun"
	Start  string   // "08:00"
	End    string   // "18:00"
	// Holidays are dates (2026-12-25) on which the window does not open;
	// the SLA clock skips them. 24x7 has none.
	Holidays []string
}

// AlwaysOpen is 24x7.
var AlwaysOpen = Hours{Always: true}

var dayNames = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

type window struct {
	Timezone string   `json:"timezone"`
	Days     []string `json:"days"`
	Start    string   `json:"start"`
	End      string   `json:"end"`
	Holidays []string `json:"holidays,omitempty"`
}

// MarshalJSON writes "24x7" or the window object.
func (h Hours) MarshalJSON() ([]byte, error) {
	if h.Always {
		return []byte(`"24x7"`), nil
	}
	return json.Marshal(window{Timezone: h.Zone, Days: h.Days, Start: h.Start, End: h.End, Holidays: h.Holidays})
}

// UnmarshalJSON reads "24x7" or a window object (unknown keys refused).
func (h *Hours) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if s != "24x7" {
			return fmt.Errorf(`hours must be "24x7" or {"timezone","days","start","end"}`)
		}
		*h = AlwaysOpen
		return nil
	}
	var w window
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf(`hours must be "24x7" or {"timezone","days","start","end","holidays"}`)
	}
	*h = Hours{Zone: w.Timezone, Days: w.Days, Start: w.Start, End: w.End, Holidays: w.Holidays}
	return nil
}

// IsZero reports an unset value.
func (h Hours) IsZero() bool {
	return !h.Always && h.Zone == "" && len(h.Days) == 0 && h.Start == "" && h.End == ""
}

// Check validates h under path; unset hours are required.
func (h Hours) Check(f apperr.Fields, path string) Hours {
	if h.Always {
		return AlwaysOpen
	}
	if h.IsZero() {
		f.Add(path, `is required: "24x7" or {"timezone","days","start","end"}`)
		return h
	}
	if _, err := Zone(h.Zone); err != nil {
		f.Add(path+".timezone", "must be an IANA time zone like Europe/Berlin")
	}
	out := Hours{Zone: h.Zone, Start: h.Start, End: h.End}
	if len(h.Days) == 0 {
		f.Add(path+".days", "must list at least one day (mon … sun)")
	}
	for i, d := range h.Days {
		d = strings.ToLower(strings.TrimSpace(d))
		if len(d) > 3 {
			d = d[:3]
		}
		if !slices.Contains(dayNames, d) {
			f.Add(fmt.Sprintf("%s.days[%d]", path, i), "must be one of mon, tue, wed, thu, fri, sat, sun")
			continue
		}
		if !slices.Contains(out.Days, d) {
			out.Days = append(out.Days, d)
		}
	}
	slices.SortFunc(out.Days, func(a, b string) int { return slices.Index(dayNames, a) - slices.Index(dayNames, b) })
	if len(h.Holidays) > MaxHolidays {
		f.Add(path+".holidays", fmt.Sprintf("must list at most %d dates", MaxHolidays))
	}
	for i, d := range h.Holidays {
		d = strings.TrimSpace(d)
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			f.Add(fmt.Sprintf("%s.holidays[%d]", path, i), "must be a date like 2026-12-25")
			continue
		}
		if !slices.Contains(out.Holidays, d) {
			out.Holidays = append(out.Holidays, d)
		}
	}
	slices.Sort(out.Holidays)
	s, okS := clock(h.Start)
	e, okE := clock(h.End)
	if !okS {
		f.Add(path+".start", "must be a time like 08:00")
	}
	if !okE {
		f.Add(path+".end", "must be a time like 18:00 (24:00 for midnight)")
	}
	if okS && okE && s == e {
		f.Add(path+".end", "must differ from start; use \"24x7\" for always open")
	} else if okS && okE && windowMinutes(s, e) < MinWindow {
		f.Add(path+".end", fmt.Sprintf("must be at least %d minutes after start: a shorter window cannot hold a response time", MinWindow))
	}
	return out
}

// MaxHolidays bounds a department's holiday list (a few years ahead).
const MaxHolidays = 400

// MinWindow is the shortest daily window, in minutes, that business hours
// may have: the SLA clock must be able to count a response time in them.
const MinWindow = 60

// windowMinutes is how long a window from s to e lasts (across midnight
// when e is not after s).
func windowMinutes(s, e int) int {
	if e > s {
		return e - s
	}
	return 24*60 - s + e
}

// Zone loads an IANA zone; "Local" and "" are refused.
func Zone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("no time zone")
	}
	return time.LoadLocation(name)
}

// clock parses "HH:MM" into minutes after midnight (24:00 allowed).
func clock(s string) (int, bool) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil {
		return 0, false
	}
	if m < 0 || m > 59 || h < 0 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// maxDays bounds the clock's search (a valid window opens every week).
const maxDays = 800

// Add returns the instant when d of working time has passed after from,
// counting only inside the hours (always, for 24x7). Windows are computed on
// wall-clock times in the zone, so DST changes shorten or lengthen the day
// as they do for the people working it.
func (h Hours) Add(from time.Time, d time.Duration) (time.Time, error) {
	if h.Always || d <= 0 {
		return from.Add(max(d, 0)), nil
	}
	loc, err := Zone(h.Zone)
	if err != nil {
		return time.Time{}, err
	}
	s, okS := clock(h.Start)
	e, okE := clock(h.End)
	if !okS || !okE || s == e || len(h.Days) == 0 {
		return time.Time{}, fmt.Errorf("invalid business hours")
	}
	local := from.In(loc)
	// Start a day early: yesterday's overnight window may still be open.
	day := time.Date(local.Year(), local.Month(), local.Day()-1, 0, 0, 0, 0, loc)
	left := d
	cur := from
	for i := 0; i < maxDays; i++ {
		dd := day.AddDate(0, 0, i)
		if !slices.Contains(h.Days, dayNames[dd.Weekday()]) || h.holiday(dd) {
			continue
		}
		open := at(dd, s, loc)
		endDay := dd
		if e <= s {
			endDay = dd.AddDate(0, 0, 1)
		}
		closeAt := at(endDay, e, loc)
		if !closeAt.After(cur) {
			continue
		}
		if open.Before(cur) {
			open = cur
		}
		avail := closeAt.Sub(open)
		if avail >= left {
			return open.Add(left), nil
		}
		left -= avail
		cur = closeAt
	}
	return time.Time{}, fmt.Errorf("business hours never open within %d days", maxDays)
}

// holiday reports whether the window of day does not open (a holiday).
func (h Hours) holiday(day time.Time) bool {
	return len(h.Holidays) > 0 && slices.Contains(h.Holidays, day.Format(time.DateOnly))
}

// OpenAt is t when the hours are open then, else when they next open.
func (h Hours) OpenAt(t time.Time) (time.Time, error) {
	next, err := h.Add(t, time.Nanosecond)
	if err != nil {
		return time.Time{}, err
	}
	return next.Add(-time.Nanosecond), nil
}

// OpenNow reports whether the hours are open at t and, when they are
// not, when they next open (for a page: "Open now", "Opens Mon 08:00").
// An instant the window closes at is outside it.
func (h Hours) OpenNow(t time.Time) (open bool, next time.Time, err error) {
	next, err = h.OpenAt(t)
	if err != nil {
		return false, time.Time{}, err
	}
	if !next.After(t) {
		return true, t, nil
	}
	return false, next, nil
}

func at(day time.Time, minutes int, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), minutes/60, minutes%60, 0, 0, loc)
}
