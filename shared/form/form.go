// Package form is a department's process form: the typed fields a receiver
// needs to take a case in (product, version, serial number…), and the
// validation of a case's values against them.
package form

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/input"
)

// FieldType is a field's kind of value.
type FieldType string

// Field types.
const (
	Text     FieldType = "text"
	Textarea FieldType = "textarea"
	Email    FieldType = "email"
	Number   FieldType = "number"
	Date     FieldType = "date"
	Select   FieldType = "select"
)

// Limits of a form definition.
const (
	MaxFields       = 50
	DefaultMaxLen   = 2000
	MaxTextareaLen  = 20000
	maxPatternBytes = 500
)

// Field is one input of a form.
type Field struct {
	Name      string    `json:"name"`
	Label     string    `json:"label"`
	Type      FieldType `json:"type"`
	Required  bool      `json:"required,omitempty"`
	Options   []string  `json:"options,omitempty"`
	Pattern   string    `json:"pattern,omitempty"`
	MaxLength int       `json:"maxLength,omitempty"`
	Help      string    `json:"help,omitempty"`
}

// Form is a list of fields.
type Form struct {
	Fields []Field `json:"fields"`
}

// Default is the form programs start with.
func Default() Form {
	return Form{Fields: []Field{
		{Name: "product", Label: "Product", Type: Text, Required: true, MaxLength: 200},
		{Name: "version", Label: "Version", Type: Text, MaxLength: 100},
		{Name: "serialNumber", Label: "Serial number", Type: Text, MaxLength: 100},
	}}
}

var nameRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,39}$`)

// ValidName reports whether name can be a field's name: a page forwards
// only such names, so a posted form's other keys cost nothing.
func ValidName(name string) bool { return nameRE.MatchString(name) }

// maxUnknownNamed bounds the unknown names a refusal lists one by one: a
// client that sent a thousand gets a readable answer, not a thousand lines.
const maxUnknownNamed = 10

// Check validates a form definition under path and returns it normalised.
func (f Form) Check(fs apperr.Fields, path string) Form {
	if len(f.Fields) > MaxFields {
		fs.Add(path+".fields", fmt.Sprintf("must have at most %d fields", MaxFields))
		return f
	}
	seen := map[string]bool{}
	out := Form{Fields: make([]Field, 0, len(f.Fields))}
	for i, fl := range f.Fields {
		p := fmt.Sprintf("%s.fields[%d]", path, i)
		fl.Name = strings.TrimSpace(fl.Name)
		switch {
		case !nameRE.MatchString(fl.Name):
			fs.Add(p+".name", "must start with a letter and hold only letters, digits and _ (at most 40)")
		case seen[strings.ToLower(fl.Name)]:
			fs.Add(p+".name", "is used by another field")
		}
		seen[strings.ToLower(fl.Name)] = true
		fl.Label = input.Text(fs, p+".label", fl.Label, 200)
		input.OneOf(fs, p+".type", string(fl.Type), string(Text), string(Textarea), string(Email), string(Number), string(Date), string(Select))
		if fl.Type == Select {
			if len(fl.Options) == 0 || len(fl.Options) > 200 {
				fs.Add(p+".options", "a select needs 1 to 200 options")
			}
			opts := map[string]bool{}
			for j, o := range fl.Options {
				if strings.TrimSpace(o) == "" || utf8.RuneCountInString(o) > 200 || opts[o] {
					fs.Add(fmt.Sprintf("%s.options[%d]", p, j), "must be a distinct, non-blank option of at most 200 characters")
				}
				opts[o] = true
			}
		} else if len(fl.Options) > 0 {
			fs.Add(p+".options", "only select fields have options")
		}
		if fl.Pattern != "" {
			if len(fl.Pattern) > maxPatternBytes {
				fs.Add(p+".pattern", "must be at most 500 bytes")
			} else if _, err := regexp.Compile(fl.Pattern); err != nil {
				fs.Add(p+".pattern", "is not a valid regular expression (RE2 syntax): "+err.Error())
			}
		}
		max := DefaultMaxLen
		if fl.Type == Textarea {
			max = MaxTextareaLen
		}
		if fl.MaxLength < 0 || fl.MaxLength > max {
			fs.Add(p+".maxLength", fmt.Sprintf("must be from 1 to %d", max))
		}
		fl.Help = input.OptionalText(fs, p+".help", fl.Help, 500)
		out.Fields = append(out.Fields, fl)
	}
	return out
}

// CheckCount refuses (under path) n values when no form has that many
// fields. Callers check it before any other work, so a request carrying
// thousands of values costs no more than one carrying a few.
func CheckCount(fs apperr.Fields, path string, n int) bool {
	if n > MaxFields {
		fs.Add(path, fmt.Sprintf("has %d entries; a department's form has at most %d fields", n, MaxFields))
		return false
	}
	return true
}

// Values validates a case's field values against the form: no unknown
// fields, required ones present, each of its type. It returns them
// normalised (numbers as float64, strings trimmed).
func (f Form) Values(fs apperr.Fields, path string, vals map[string]any) map[string]any {
	out := map[string]any{}
	known := map[string]Field{}
	for _, fl := range f.Fields {
		known[fl.Name] = fl
	}
	if !CheckCount(fs, path, len(vals)) {
		return out
	}
	var unknown []string
	for k := range vals {
		if _, ok := known[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for i, k := range unknown {
		if i == maxUnknownNamed {
			fs.Add(path, fmt.Sprintf("%d more names are not fields of this department's form", len(unknown)-maxUnknownNamed))
			break
		}
		fs.Add(path+"."+k, "is not a field of this department's form")
	}
	for _, fl := range f.Fields {
		p := path + "." + fl.Name
		v, present := vals[fl.Name]
		if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
			present = false
		}
		if !present || v == nil {
			if fl.Required {
				fs.Add(p, "is required ("+fl.Label+")")
			}
			continue
		}
		if val, ok := fl.value(fs, p, v); ok {
			out[fl.Name] = val
		}
	}
	return out
}

func (fl Field) value(fs apperr.Fields, p string, v any) (any, bool) {
	if fl.Type == Number {
		var n float64
		switch x := v.(type) {
		case float64:
			n = x
		case json.Number:
			f, err := x.Float64()
			if err != nil {
				fs.Add(p, "must be a number")
				return nil, false
			}
			n = f
		case string:
			var ok bool
			if n, ok = parseNumber(x); !ok {
				fs.Add(p, "must be a number like 12 or 3.5")
				return nil, false
			}
		default:
			fs.Add(p, "must be a number")
			return nil, false
		}
		if math.IsNaN(n) || math.IsInf(n, 0) {
			fs.Add(p, "must be a finite number")
			return nil, false
		}
		return n, true
	}
	s, ok := v.(string)
	if !ok {
		fs.Add(p, "must be a string")
		return nil, false
	}
	s = strings.TrimSpace(s)
	max := fl.MaxLength
	if max == 0 {
		max = DefaultMaxLen
		if fl.Type == Textarea {
			max = MaxTextareaLen
		}
	}
	if utf8.RuneCountInString(s) > max {
		fs.Add(p, fmt.Sprintf("must be at most %d characters", max))
		return nil, false
	}
	switch fl.Type {
	case Email:
		if !input.ValidEmail(s) {
			fs.Add(p, "must be an email address")
			return nil, false
		}
	case Date:
		if _, err := time.Parse("2006-01-02", s); err != nil {
			fs.Add(p, "must be a date like 2026-11-22")
			return nil, false
		}
	case Select:
		found := false
		for _, o := range fl.Options {
			if o == s {
				found = true
			}
		}
		if !found {
			fs.Add(p, "must be one of: "+strings.Join(fl.Options, ", "))
			return nil, false
		}
	}
	if fl.Pattern != "" {
		re, err := regexp.Compile(`^(?:` + fl.Pattern + `)$`)
		if err == nil && !re.MatchString(s) {
			fs.Add(p, "does not have the expected format")
			return nil, false
		}
	}
	return s, true
}

// decimalRE is the only number syntax a form takes as text: digits with an
// optional sign, decimal point and exponent — what a number input sends.
// strconv.ParseFloat alone would also take "NaN", "Inf", hex floats
// ("0x1p4") and underscores ("1_000"), none of which a person means.
var decimalRE = regexp.MustCompile(`^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)

// parseNumber reads a number typed as text, strictly: the whole (trimmed)
// string must be a decimal number of finite size ("12abc" is not 12, as
// fmt.Sscanf took it, and "1e999" is not infinity).
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if !decimalRE.MatchString(s) {
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil && !math.IsInf(n, 0) && !math.IsNaN(n)
}

// Answer is one value a case gave a form's field, under the field's label.
type Answer struct {
	Label string
	Value any
}

// Answers are vals as form f names and orders them: its fields' labels,
// in its order (known), then the values of names f no longer has, each
// under its name, by name (gone).
func (f Form) Answers(vals map[string]any) (known, gone []Answer) {
	for _, fl := range f.Fields {
		if v, ok := vals[fl.Name]; ok {
			known = append(known, Answer{Label: fl.Label, Value: v})
		}
	}
	var names []string
	for k := range vals {
		if !slices.ContainsFunc(f.Fields, func(fl Field) bool { return fl.Name == k }) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		gone = append(gone, Answer{Label: k, Value: vals[k]})
	}
	return known, gone
}
