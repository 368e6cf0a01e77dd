package form

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/shared/apperr"
)

func TestCheckDefinition(t *testing.T) {
	bad := map[string]Form{
		"bad name":          {Fields: []Field{{Name: "1st", Label: "L", Type: Text}}},
		"duplicate name":    {Fields: []Field{{Name: "a", Label: "L", Type: Text}, {Name: "A", Label: "L", Type: Text}}},
		"select no opts":    {Fields: []Field{{Name: "a", Label: "L", Type: Select}}},
		"opts on text":      {Fields: []Field{{Name: "a", Label: "L", Type: Text, Options: []string{"x"}}}},
		"bad pattern":       {Fields: []Field{{Name: "a", Label: "L", Type: Text, Pattern: "(("}}},
		"unknown type":      {Fields: []Field{{Name: "a", Label: "L", Type: "color"}}},
		"no label":          {Fields: []Field{{Name: "a", Type: Text}}},
		"maxLength too big": {Fields: []Field{{Name: "a", Label: "L", Type: Text, MaxLength: 1 << 20}}},
	}
	for name, f := range bad {
		fs := apperr.Fields{}
		f.Check(fs, "form")
		if len(fs) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
	fs := apperr.Fields{}
	Default().Check(fs, "form")
	if len(fs) != 0 {
		t.Errorf("default form refused: %v", fs)
	}
}

func TestValues(t *testing.T) {
	f := Form{Fields: []Field{
		{Name: "product", Label: "Product", Type: Select, Required: true, Options: []string{"A", "B"}},
		{Name: "version", Label: "Version", Type: Text, Pattern: `\d+\.\d+`},
		{Name: "when", Label: "When", Type: Date},
		{Name: "mail", Label: "Mail", Type: Email},
		{Name: "n", Label: "N", Type: Number},
		{Name: "notes", Label: "Notes", Type: Textarea, MaxLength: 5},
	}}
	cases := []struct {
		name  string
		vals  map[string]any
		field string
	}{
		{"ok", map[string]any{"product": "A", "version": "1.2", "when": "2026-11-22", "mail": "a@b.example", "n": 3.5, "notes": "hey"}, ""},
		{"missing required", map[string]any{}, "fields.product"},
		{"blank required", map[string]any{"product": "  "}, "fields.product"},
		{"not an option", map[string]any{"product": "C"}, "fields.product"},
		{"pattern is anchored", map[string]any{"product": "A", "version": "x1.2y"}, "fields.version"},
		{"bad date", map[string]any{"product": "A", "when": "22/11/2026"}, "fields.when"},
		{"bad email", map[string]any{"product": "A", "mail": "nope"}, "fields.mail"},
		{"number as text", map[string]any{"product": "A", "n": "lots"}, "fields.n"},
		{"string expected", map[string]any{"product": 5}, "fields.product"},
		{"too long", map[string]any{"product": "A", "notes": "toolong"}, "fields.notes"},
		{"unknown", map[string]any{"product": "A", "x": 1}, "fields.x"},
	}
	for _, c := range cases {
		fs := apperr.Fields{}
		f.Values(fs, "fields", c.vals)
		if c.field == "" && len(fs) != 0 {
			t.Errorf("%s: %v", c.name, fs)
		}
		if c.field != "" {
			if _, ok := fs[c.field]; !ok {
				t.Errorf("%s: got %v, want %s named", c.name, fs, c.field)
			}
		}
	}
}

// A number typed as text is read whole and strictly: what a number input
// sends, nothing strconv.ParseFloat or fmt.Sscanf would also take.
func TestNumberAsText(t *testing.T) {
	f := Form{Fields: []Field{{Name: "n", Label: "N", Type: Number}}}
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"12", 12, true}, {" 12.5 ", 12.5, true}, {"-3e2", -300, true}, {"+4", 4, true}, {".5", 0.5, true}, {"5.", 5, true}, {"1E3", 1000, true},
		{"12abc", 0, false}, // fmt.Sscanf took it as 12
		{"12 34", 0, false}, {"1,5", 0, false}, {"abc", 0, false}, {"-", 0, false}, {".", 0, false}, {"e5", 0, false},
		{"NaN", 0, false}, {"Inf", 0, false}, {"-Infinity", 0, false}, // ParseFloat takes these
		{"0x1p4", 0, false}, {"0x10", 0, false}, {"1_000", 0, false}, // and these
		{"1e999", 0, false}, // overflows to infinity
	} {
		fs := apperr.Fields{}
		got := f.Values(fs, "fields", map[string]any{"n": tc.in})
		if ok := len(fs) == 0; ok != tc.ok {
			t.Errorf("%q: accepted %v (%v), want %v", tc.in, ok, fs, tc.ok)
			continue
		}
		if tc.ok && got["n"] != tc.want {
			t.Errorf("%q: got %v, want %v", tc.in, got["n"], tc.want)
		}
	}
}

// More values than any form has are one refusal, before any is looked at;
// unknown names are listed up to a bound, then counted.
func TestValuesBounded(t *testing.T) {
	f := Default()
	many := map[string]any{}
	for i := 0; i < 2000; i++ {
		many[fmt.Sprintf("f%04d", i)] = "1"
	}
	fs := apperr.Fields{}
	f.Values(fs, "fields", many)
	if len(fs) != 1 || !strings.Contains(fs["fields"], "at most 50") {
		t.Errorf("2,000 values: got %v, want one error under fields saying at most 50", fs)
	}
	unknown := map[string]any{"product": "A"}
	for i := 0; i < 40; i++ {
		unknown[fmt.Sprintf("x%02d", i)] = "1"
	}
	fs = apperr.Fields{}
	f.Values(fs, "fields", unknown)
	if len(fs) != maxUnknownNamed+1 || fs["fields.x00"] == "" || !strings.Contains(fs["fields"], "30 more") {
		t.Errorf("40 unknown names: got %d errors %v, want %d named and the rest counted", len(fs), fs, maxUnknownNamed)
	}
}
