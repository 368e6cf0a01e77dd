package delivery

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/tandemhq/tandem/shared/notify"
)

// samples are every template's sample message, in name order.
func samples(tb testing.TB) []notify.Message {
	tb.Helper()
	names := TemplateNames()
	sort.Strings(names)
	out := make([]notify.Message, 0, len(names))
	for _, name := range names {
		raw, err := os.ReadFile(filepath.Join("testdata", name+".json"))
		if err != nil {
			tb.Fatal(err)
		}
		data, err := notify.DecodeData(name, raw)
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		out = append(out, notify.Message{ID: "obx_X", From: "f@x.example", To: []string{"t@x.example"}, Data: data})
	}
	return out
}

// withStrings is a copy of data with every string field, in embedded
// structs and in lists too, set to what value gives for the field's name.
// An empty list gets one element, so its fields are rendered as well.
func withStrings(data notify.MailData, value func(field string) string) notify.MailData {
	v := reflect.New(reflect.TypeOf(data)).Elem()
	v.Set(reflect.ValueOf(data))
	setStrings(v, value)
	return v.Interface().(notify.MailData)
}

func setStrings(v reflect.Value, value func(field string) string) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if f.Kind() == reflect.String {
				f.SetString(value(v.Type().Field(i).Name))
				continue
			}
			setStrings(f, value)
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		} else {
			// A copy: the sample's own list is shared with other renders.
			c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			reflect.Copy(c, v)
			v.Set(c)
		}
		for i := range v.Len() {
			setStrings(v.Index(i), value)
		}
	}
}
