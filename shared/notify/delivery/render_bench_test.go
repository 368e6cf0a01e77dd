package delivery

import (
	"testing"

	"github.com/tandemhq/tandem/shared/notify"
)

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
