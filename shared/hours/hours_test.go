package hours

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/tandemhq/tandem/shared/apperr"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestAdd(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	tokyo := mustZone(t, "Asia/Tokyo")
	ny := mustZone(t, "America/New_York")
	weekdays := []string{"mon", "tue", "wed", "thu", "fri"}
	office := Hours{Zone: "Europe/Berlin", Days: weekdays, Start: "08:00", End: "18:00"}
	cases := []struct {
		name string
		h    Hours
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"24x7", AlwaysOpen, time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC), 4 * time.Hour,
			time.Date(2026, 11, 20, 21, 0, 0, 0, time.UTC)},
		{"inside one day", office, time.Date(2026, 11, 18, 9, 0, 0, 0, berlin), 4 * time.Hour,
			time.Date(2026, 11, 18, 13, 0, 0, 0, berlin)},
		{"friday evening in Berlin runs into monday", office, time.Date(2026, 11, 20, 17, 0, 0, 0, berlin), 4 * time.Hour,
			time.Date(2026, 11, 23, 11, 0, 0, 0, berlin)},
		{"friday after closing waits for monday", office, time.Date(2026, 11, 20, 19, 30, 0, 0, berlin), 2 * time.Hour,
			time.Date(2026, 11, 23, 10, 0, 0, 0, berlin)},
		{"saturday morning", office, time.Date(2026, 11, 21, 10, 0, 0, 0, berlin), 8 * time.Hour,
			time.Date(2026, 11, 23, 16, 0, 0, 0, berlin)},
		{"before opening", office, time.Date(2026, 11, 18, 6, 0, 0, 0, berlin), 30 * time.Minute,
			time.Date(2026, 11, 18, 8, 30, 0, 0, berlin)},
		{"exactly at closing", office, time.Date(2026, 11, 18, 18, 0, 0, 0, berlin), time.Hour,
			time.Date(2026, 11, 19, 9, 0, 0, 0, berlin)},
		// 2026-03-29 02:00 CET → 03:00 CEST: the night shift 22:00–06:00 is
		// one hour shorter (7 real hours).
		{"DST spring-forward night shift", Hours{Zone: "Europe/Berlin", Days: []string{"sat"}, Start: "22:00", End: "06:00"},
			time.Date(2026, 3, 28, 22, 0, 0, 0, berlin), 7 * time.Hour,
			time.Date(2026, 3, 29, 6, 0, 0, 0, berlin)},
		{"DST spring-forward overflows to next week", Hours{Zone: "Europe/Berlin", Days: []string{"sat"}, Start: "22:00", End: "06:00"},
			time.Date(2026, 3, 28, 22, 0, 0, 0, berlin), 7*time.Hour + 30*time.Minute,
			time.Date(2026, 4, 4, 22, 30, 0, 0, berlin)},
		// 2026-10-25 03:00 CEST → 02:00 CET: the same shift is 9 real hours.
		{"DST fall-back night shift", Hours{Zone: "Europe/Berlin", Days: []string{"sat"}, Start: "22:00", End: "06:00"},
			time.Date(2026, 10, 24, 22, 0, 0, 0, berlin), 9 * time.Hour,
			time.Date(2026, 10, 25, 6, 0, 0, 0, berlin)},
		{"US DST day in New York", Hours{Zone: "America/New_York", Days: []string{"sun"}, Start: "00:00", End: "24:00"},
			time.Date(2026, 3, 8, 0, 0, 0, 0, ny), 23 * time.Hour,
			time.Date(2026, 3, 9, 0, 0, 0, 0, ny).Add(0)},
		{"overnight window in Tokyo", Hours{Zone: "Asia/Tokyo", Days: weekdays, Start: "21:00", End: "05:00"},
			time.Date(2026, 11, 18, 23, 0, 0, 0, tokyo), 4 * time.Hour,
			time.Date(2026, 11, 19, 3, 0, 0, 0, tokyo)},
		{"Tokyo overnight across its end", Hours{Zone: "Asia/Tokyo", Days: weekdays, Start: "21:00", End: "05:00"},
			time.Date(2026, 11, 19, 3, 0, 0, 0, tokyo), 4 * time.Hour,
			time.Date(2026, 11, 19, 23, 0, 0, 0, tokyo)},
		{"Tokyo friday night shift ends saturday morning", Hours{Zone: "Asia/Tokyo", Days: weekdays, Start: "21:00", End: "05:00"},
			time.Date(2026, 11, 21, 2, 0, 0, 0, tokyo), 4 * time.Hour,
			time.Date(2026, 11, 23, 22, 0, 0, 0, tokyo)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.h.Add(c.from, c.d)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(c.want) {
				t.Errorf("got %v, want %v", got.In(c.want.Location()), c.want)
			}
		})
	}
}

func TestJSONAndCheck(t *testing.T) {
	var h Hours
	if err := json.Unmarshal([]byte(`"24x7"`), &h); err != nil || !h.Always {
		t.Fatalf("24x7: %+v %v", h, err)
	}
	if err := json.Unmarshal([]byte(`{"timezone":"Europe/Berlin","days":["Mon","fri","mon"],"start":"08:00","end":"18:00"}`), &h); err != nil {
		t.Fatal(err)
	}
	f := apperr.Fields{}
	h = h.Check(f, "hours")
	if len(f) != 0 || len(h.Days) != 2 || h.Days[0] != "mon" {
		t.Fatalf("check: %+v %v", h, f)
	}
	b, _ := json.Marshal(h)
	if string(b) != `{"timezone":"Europe/Berlin","days":["mon","fri"],"start":"08:00","end":"18:00"}` {
		t.Errorf("marshal: %s", b)
	}
	for _, bad := range []string{`"9to5"`, `{"timezone":"x","extra":1}`, `5`} {
		if err := json.Unmarshal([]byte(bad), &h); err == nil {
			t.Errorf("unmarshal %s accepted", bad)
		}
	}
	for name, in := range map[string]Hours{
		"unknown zone": {Zone: "Mars/Olympus", Days: []string{"mon"}, Start: "08:00", End: "18:00"},
		"local zone":   {Zone: "Local", Days: []string{"mon"}, Start: "08:00", End: "18:00"},
		"no days":      {Zone: "UTC", Start: "08:00", End: "18:00"},
		"bad day":      {Zone: "UTC", Days: []string{"funday"}, Start: "08:00", End: "18:00"},
		"bad time":     {Zone: "UTC", Days: []string{"mon"}, Start: "8am", End: "18:00"},
		"25:00":        {Zone: "UTC", Days: []string{"mon"}, Start: "08:00", End: "25:00"},
		"empty window": {Zone: "UTC", Days: []string{"mon"}, Start: "08:00", End: "08:00"},
		"unset":        {},
	} {
		f := apperr.Fields{}
		in.Check(f, "hours")
		if len(f) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A window too short to hold a response time is refused when saved, naming
// the field; an hour, also across midnight, is enough.
func TestCheckRefusesWindowsThatCannotHoldAnSLA(t *testing.T) {
	for _, tc := range []struct {
		start, end string
		ok         bool
	}{
		{"00:00", "00:01", false},
		{"23:30", "00:10", false},
		{"09:00", "09:59", false},
		{"09:00", "10:00", true},
		{"23:30", "00:30", true},
		{"08:00", "18:00", true},
	} {
		f := apperr.Fields{}
		Hours{Zone: "Europe/Berlin", Days: []string{"mon"}, Start: tc.start, End: tc.end}.Check(f, "inbound.hours")
		_, bad := f["inbound.hours.end"]
		if bad == tc.ok {
			t.Errorf("%s–%s: field errors %v, want ok=%v", tc.start, tc.end, f, tc.ok)
		}
	}
}

// Holidays close the window of their day: the clock skips Christmas (a
// Friday in 2026) and the weekend after it; invalid dates are refused.
func TestHolidaysAreSkipped(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h := Hours{Zone: "Europe/Berlin", Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00", Holidays: []string{"2026-12-25"}}
	got, err := h.Add(time.Date(2026, 12, 24, 17, 0, 0, 0, berlin), 2*time.Hour)
	if want := time.Date(2026, 12, 28, 9, 0, 0, 0, berlin); err != nil || !got.Equal(want) {
		t.Errorf("2 h from Thursday 17:00 over Christmas: %v %v, want %v", got, err, want)
	}
	h.Holidays = nil
	if got, _ := h.Add(time.Date(2026, 12, 24, 17, 0, 0, 0, berlin), 2*time.Hour); !got.Equal(time.Date(2026, 12, 25, 9, 0, 0, 0, berlin)) {
		t.Errorf("without the holiday: %v", got)
	}
	f := apperr.Fields{}
	out := Hours{Zone: "Europe/Berlin", Days: []string{"mon"}, Start: "08:00", End: "18:00", Holidays: []string{"2026-12-26", "2026-12-25", "2026-12-25", "25.12.2026"}}.Check(f, "hours")
	if f["hours.holidays[3]"] == "" || len(out.Holidays) != 2 || out.Holidays[0] != "2026-12-25" {
		t.Errorf("checking holidays: %v, kept %v", f, out.Holidays)
	}
}

func TestAllDayDatesOfACalendar(t *testing.T) {
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Christmas\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\nEND:VEVENT\r\n" +
		"BEGIN:VEVENT\r\nSUMMARY:Team meeting\r\nDTSTART:20261228T090000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:New Year\r\nDTSTART;VALUE=DATE:2027010\r\n 1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	got, err := AllDayDates(ics)
	if err != nil || strings.Join(got, ",") != "2026-12-25,2026-12-26,2027-01-01" {
		t.Errorf("all-day dates: %v %v", got, err)
	}
	if _, err := AllDayDates("hello"); err == nil {
		t.Errorf("a text that is no calendar was read")
	}
	if _, err := AllDayDates("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2026AB25\nEND:VEVENT\nEND:VCALENDAR"); err == nil {
		t.Errorf("a bad date was read")
	}
}

func TestOpenAt(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	h := Hours{Zone: "Europe/Berlin", Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00"}
	for _, tc := range []struct{ at, want time.Time }{
		{time.Date(2026, 11, 24, 10, 0, 0, 0, berlin), time.Date(2026, 11, 24, 10, 0, 0, 0, berlin)}, // open: now
		{time.Date(2026, 11, 24, 20, 0, 0, 0, berlin), time.Date(2026, 11, 25, 8, 0, 0, 0, berlin)},  // evening: next morning
		{time.Date(2026, 11, 28, 12, 0, 0, 0, berlin), time.Date(2026, 11, 30, 8, 0, 0, 0, berlin)},  // Saturday: Monday
	} {
		if got, err := h.OpenAt(tc.at); err != nil || !got.Equal(tc.want) {
			t.Errorf("OpenAt(%v) = %v %v, want %v", tc.at, got, err, tc.want)
		}
	}
}

func TestOpenNow(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	week := Hours{Zone: "Europe/Berlin", Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00"}
	night := Hours{Zone: "Europe/Berlin", Days: []string{"mon"}, Start: "22:00", End: "06:00"}
	holiday := week
	holiday.Holidays = []string{"2026-11-24"}
	at := func(day, h, m int) time.Time { return time.Date(2026, 11, day, h, m, 0, 0, berlin) } // 23 November 2026 is a Monday
	for _, tc := range []struct {
		name     string
		h        Hours
		t        time.Time
		wantOpen bool
		wantNext time.Time
	}{
		{"24x7 is always open", AlwaysOpen, at(28, 3, 0), true, at(28, 3, 0)},
		{"inside the window", week, at(24, 10, 0), true, at(24, 10, 0)},
		{"the minute it opens", week, at(24, 8, 0), true, at(24, 8, 0)},
		{"before it opens", week, at(24, 7, 59), false, at(24, 8, 0)},
		{"the minute it closes", week, at(24, 18, 0), false, at(25, 8, 0)},
		{"Friday evening: Monday", week, at(27, 19, 0), false, at(30, 8, 0)},
		{"Saturday: Monday", week, at(28, 12, 0), false, at(30, 8, 0)},
		{"a holiday: the next day", holiday, at(24, 10, 0), false, at(25, 8, 0)},
		{"overnight, after midnight", night, at(24, 2, 0), true, at(24, 2, 0)},
		{"overnight, after it closes", night, at(24, 7, 0), false, at(30, 22, 0)},
	} {
		open, next, err := tc.h.OpenNow(tc.t)
		if err != nil || open != tc.wantOpen || !next.Equal(tc.wantNext) {
			t.Errorf("%s: OpenNow(%v) = %v, %v, %v; want %v, %v", tc.name, tc.t, open, next, err, tc.wantOpen, tc.wantNext)
		}
	}
	if _, _, err := (Hours{Zone: "Nowhere/Else", Days: []string{"mon"}, Start: "08:00", End: "18:00"}).OpenNow(at(24, 10, 0)); err == nil {
		t.Error("OpenNow of hours in an unknown zone: no error")
	}
}
