package delivery

import (
	"strings"
	"testing"
)

// FuzzRender puts any text into every field of every template's data (and
// any link into its link fields): each renders without failing or
// panicking, no "<" of the data reaches the HTML part unescaped, and the
// subject stays one line.
func FuzzRender(f *testing.F) {
	f.Add("Globex <b>Storage</b> & \"Co\"", "https://tandem.example/cases/cas_X")
	f.Add("line one\r\nBcc: x@evil.example", "javascript:alert(1)")
	f.Add("<img src=x onerror=alert(1)>", `https://x.example/" onmouseover="alert(1)`)
	f.Add("2", "mailto:a@b.example?subject=<x>")
	f.Add("\xff\xfe<\x00", "//evil.example/<script>")
	all := samples(f)
	f.Fuzz(func(t *testing.T, text, link string) {
		fill := func(text, link string) func(string) string {
			return func(field string) string {
				if isLink(field) {
					return link
				}
				return text
			}
		}
		noLT := func(s string) string { return strings.ReplaceAll(s, "<", "x") }
		for _, m := range all {
			got := render(t, m, withStrings(m.Data, fill(text, link)))
			// The same data without a "<" takes the same branches of the
			// template (none tests for one), so it renders the template's
			// own markup: any "<" more came from the data.
			plain := render(t, m, withStrings(m.Data, fill(noLT(text), noLT(link))))
			if n, want := strings.Count(got.HTML, "<"), strings.Count(plain.HTML, "<"); n != want {
				t.Fatalf("%s: the HTML part has %d \"<\", want the template's own %d:\n%s", m.Template(), n, want, got.HTML)
			}
			if strings.ContainsAny(got.Subject, "\r\n") {
				t.Fatalf("%s: the subject %q spans lines", m.Template(), got.Subject)
			}
		}
	})
}
