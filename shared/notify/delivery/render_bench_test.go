package delivery

import (
	"os"
	"path/filepath"
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

// The notifier renders once per mail, so the cost that matters is one
// Render: the templates are parsed before the timer starts, as a warm
// function has them.
func BenchmarkRender(b *testing.B) {
	all := samples(b)
	b.Run("case_new", func(b *testing.B) {
		var m notify.Message
		for _, s := range all {
			if s.Template() == "case_new" {
				m = s
			}
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Render(m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("every_template", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, m := range all {
				if _, err := Render(m); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(all)), "ns/mail")
	})
}
