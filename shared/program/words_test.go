package program

import (
	"strings"
	"testing"
	"time"
)

func TestResponseTimeWords(t *testing.T) {
	for _, tc := range []struct {
		p    Priority
		d    time.Duration
		want string
	}{
		{High, 4 * time.Hour, "4 business hours"},
		{Low, time.Hour, "1 business hour"},
		{Medium, 48 * time.Hour, "48 business hours"},
		{Low, 30 * time.Minute, "30 minutes of business hours"},
		{Medium, 90 * time.Minute, "1 hour 30 minutes of business hours"},
		{Critical, 2 * time.Hour, "2 hours around the clock"},
		{Critical, 24 * time.Hour, "1 day around the clock"},
		{Critical, 25 * time.Hour, "25 hours around the clock"},
		{Critical, 45 * time.Second, "45 seconds around the clock"},
	} {
		if got := ResponseTimeWords(tc.p, tc.d); got != tc.want {
			t.Errorf("ResponseTimeWords(%s, %v) = %q, want %q", tc.p, tc.d, got, tc.want)
		}
	}
}

// The editor's lists: every choice posts the ISO duration the API stores
// and reads back as itself; the program's value is selected, and one that
// is not a choice is kept (in its place by length) so saving changes
// nothing; a value typed wrong comes back as typed.
func TestResponseTimeOptions(t *testing.T) {
	for _, d := range ResponseTimeChoices {
		back, err := ParseDuration(FormatDuration(d))
		if err != nil || back != d {
			t.Errorf("choice %v posts %q, which reads back as %v, %v", d, FormatDuration(d), back, err)
		}
	}
	labels := func(os []ResponseTimeOption) (values []string, selected []string) {
		for _, o := range os {
			values = append(values, o.Value)
			if o.Selected {
				selected = append(selected, o.Value+"="+o.Label)
			}
		}
		return values, selected
	}
	for _, tc := range []struct {
		p                  Priority
		current            string
		wantSelected       string
		wantAt             int // index of the selected option
		wantLen            int
		wantValueBeforeSel string
	}{
		{High, "PT4H", "PT4H=4 business hours", 4, len(ResponseTimeChoices), "PT3H"},
		{Low, "P1D", "P1D=24 business hours", 9, len(ResponseTimeChoices), "PT16H"},
		{Low, "PT24H", "P1D=24 business hours", 9, len(ResponseTimeChoices), "PT16H"},
		{Critical, "PT2H", "PT2H=2 hours around the clock", 2, len(ResponseTimeChoices), "PT1H"},
		{Medium, "PT3H30M", "PT3H30M=3 hours 30 minutes of business hours", 4, len(ResponseTimeChoices) + 1, "PT3H"},
		{Medium, "PT10M", "PT10M=10 minutes of business hours", 0, len(ResponseTimeChoices) + 1, ""},
		{Low, "P30D", "P30D=720 business hours", len(ResponseTimeChoices), len(ResponseTimeChoices) + 1, "P2D"},
		{High, "two hours", "two hours=two hours (not a duration)", len(ResponseTimeChoices), len(ResponseTimeChoices) + 1, "P2D"},
	} {
		os := ResponseTimeOptions(tc.p, tc.current)
		values, selected := labels(os)
		if len(os) != tc.wantLen {
			t.Errorf("%s %q: %d options %v, want %d", tc.p, tc.current, len(os), values, tc.wantLen)
		}
		if len(selected) != 1 || selected[0] != tc.wantSelected {
			t.Errorf("%s %q: selected %v, want %q", tc.p, tc.current, selected, tc.wantSelected)
			continue
		}
		if !os[tc.wantAt].Selected {
			t.Errorf("%s %q: the selected option is not at %d: %v", tc.p, tc.current, tc.wantAt, values)
		}
		if tc.wantAt > 0 && values[tc.wantAt-1] != tc.wantValueBeforeSel {
			t.Errorf("%s %q: before the selected option comes %q, want %q (ordered by length)", tc.p, tc.current, values[tc.wantAt-1], tc.wantValueBeforeSel)
		}
	}
	if _, sel := labels(ResponseTimeOptions(Low, "")); len(sel) != 1 || sel[0] != "PT8H=8 business hours" {
		t.Errorf("no value: selected %v, want the default, 8 business hours", sel)
	}
}

func TestProgramResponseTimes(t *testing.T) {
	p := Program{Type: PartnerProgram, SLA: DefaultSLA}
	var got []string
	for _, r := range p.ResponseTimes() {
		got = append(got, string(r.Priority)+": "+r.Words)
	}
	want := "critical: 2 hours around the clock; high: 2 business hours; medium: 4 business hours; low: 8 business hours"
	if strings.Join(got, "; ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "; "), want)
	}
	p.Type = CriticalEscalation
	if rs := p.ResponseTimes(); len(rs) != 1 || rs[0].Priority != Critical {
		t.Errorf("a critical escalation program's response times: %v, want critical only", rs)
	}
}
