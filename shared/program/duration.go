package program

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

var isoRE = regexp.MustCompile(`^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// ParseDuration reads an ISO 8601 duration of weeks, days, hours, minutes
// and seconds (PT4H, P1DT12H, PT90M). Years and months are refused: their
// length depends on the calendar, and an SLA must not.
func ParseDuration(s string) (time.Duration, error) {
	m := isoRE.FindStringSubmatch(s)
	if m == nil || s == "P" || s == "PT" || s[len(s)-1] == 'T' {
		return 0, fmt.Errorf("%q is not an ISO 8601 duration like PT4H or P1DT12H", s)
	}
	units := []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second}
	var d time.Duration
	for i, u := range units {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.ParseInt(m[i+1], 10, 32)
		if err != nil || n > 100000 {
			return 0, fmt.Errorf("%q is too long", s)
		}
		d += time.Duration(n) * u
	}
	return d, nil
}

// FormatDuration writes d as ISO 8601 (PT4H, P1DT2H30M).
func FormatDuration(d time.Duration) string {
	if d <= 0 {
		return "PT0S"
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	d -= h * time.Hour
	mi := d / time.Minute
	d -= mi * time.Minute
	sec := d / time.Second
	out := "P"
	if days > 0 {
		out += fmt.Sprintf("%dD", days)
	}
	if h > 0 || mi > 0 || sec > 0 {
		out += "T"
		if h > 0 {
			out += fmt.Sprintf("%dH", h)
		}
		if mi > 0 {
			out += fmt.Sprintf("%dM", mi)
		}
		if sec > 0 {
			out += fmt.Sprintf("%dS", sec)
		}
	}
	return out
}
