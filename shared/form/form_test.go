package form

import (
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
