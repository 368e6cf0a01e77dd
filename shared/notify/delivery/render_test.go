package delivery

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/notify"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Every mail template has sample data in testdata/<name>.json, renders
// without error, escapes what users typed in its HTML part, and matches its
// golden text rendering.
func TestTemplatesRenderTheirSamples(t *testing.T) {
	names := TemplateNames()
	if len(names) == 0 {
		t.Fatal("no templates loaded")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", name+".json"))
			if err != nil {
				t.Fatalf("template %s has no sample data: %v", name, err)
			}
			// The sample must fit the template's data type exactly: a
			// field the type lacks is an error, as it is for stored mail.
			data, err := notify.DecodeData(name, raw)
			if err != nil {
				t.Fatalf("sample data: %v", err)
			}
			m, err := Render(notify.Message{ID: "obx_X", From: "f@x.example", To: []string{"t@x.example"}, Data: data})
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			if strings.Contains(m.HTML, "<script>") {
				t.Errorf("the HTML part contains an unescaped <script>")
			}
			// The escaper refuses a link it cannot prove safe ("#ZgotmplZ");
			// the samples' links are the https links Tandem makes, and must
			// stay links that work.
			for _, href := range hrefs(m.HTML) {
				if !strings.HasPrefix(href, "https://") {
					t.Errorf("a link in the HTML part is %q, want the sample's https link", href)
				}
			}
			got := "Subject: " + m.Subject + "\n\n" + m.Text
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("no golden file (run go test ./shared/notify -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("rendering changed:\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// What users typed comes out of every template's HTML part inert, whichever
// field it is in: markup as text, a quote in a link as part of the link, a
// javascript: link as no link; and the subject stays one line.
func TestHTMLEscapesWhatUsersTyped(t *testing.T) {
	const markup = `<img src=x onerror="alert(1)"> <script>alert('x')</script> & "quoted" 'single'`
	hostile := []struct {
		name string
		link string
	}{
		{"a javascript: link", "javascript:alert(1)"},
		{"a quote that would end the attribute", `https://x.example/" onmouseover="alert(1)`},
		{"a link-shaped tag", `https://x.example/"><img src=x onerror=alert(1)>`},
	}
	for _, m := range samples(t) {
		for _, h := range hostile {
			t.Run(m.Template()+"/"+h.name, func(t *testing.T) {
				typed := func(text string) func(string) string {
					return func(field string) string {
						if isLink(field) {
							return h.link
						}
						return text + "\nSubject: injected"
					}
				}
				got := render(t, m, withStrings(m.Data, typed(markup)))
				// The same data without a "<" renders the template's own
				// markup only: any "<" more came from the data.
				plain := render(t, m, withStrings(m.Data, typed(strings.ReplaceAll(markup, "<", "x"))))
				if n, want := strings.Count(got.HTML, "<"), strings.Count(plain.HTML, "<"); n != want {
					t.Errorf("the HTML part has %d \"<\", want the template's own %d:\n%s", n, want, got.HTML)
				}
				// No tag the template wrote gained an attribute.
				if got, want := attributes(got.HTML), attributes(plain.HTML); !slices.Equal(got, want) {
					t.Errorf("the HTML part's attributes are\n%q, want the template's own\n%q", got, want)
				}
				for _, href := range hrefs(got.HTML) {
					if strings.Contains(strings.ToLower(href), "javascript:") || strings.ContainsAny(href, `"<> `) {
						// A link, escaped, has none of these.
						t.Errorf("a link in the HTML part is %q", href)
					}
				}
				if strings.ContainsAny(got.Subject, "\r\n") {
					t.Errorf("the subject %q spans lines", got.Subject)
				}
			})
		}
	}
}

// isLink says whether a mail data field holds a URL (AcceptLink, BaseURL…).
func isLink(field string) bool {
	return strings.HasSuffix(field, "Link") || strings.HasSuffix(field, "URL")
}

func render(t *testing.T, m notify.Message, data notify.MailData) Mail {
	t.Helper()
	m.Data = data
	out, err := Render(m)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return out
}

// hrefs are the values of the href attributes in html, as written.
func hrefs(html string) []string {
	var out []string
	for _, part := range strings.Split(html, `href="`)[1:] {
		v, _, _ := strings.Cut(part, `"`)
		out = append(out, v)
	}
	return out
}

// attributes are the names of the attributes of every tag in html, in
// order: the text between "<" and ">" less its quoted values.
func attributes(html string) []string {
	var out []string
	for _, tag := range strings.Split(html, "<")[1:] {
		tag, _, _ = strings.Cut(tag, ">")
		var words []string
		for i, part := range strings.Split(tag, `"`) {
			if i%2 == 0 { // outside a quoted value
				words = append(words, strings.Fields(part)...)
			}
		}
		for _, w := range words[min(1, len(words)):] { // the first is the tag's name
			name, _, _ := strings.Cut(w, "=")
			out = append(out, name)
		}
	}
	return out
}

func TestRenderFailuresArePermanent(t *testing.T) {
	for name, m := range map[string]notify.Message{
		"no data":          {ID: "obx_1"},
		"unknown template": {ID: "obx_2", Data: unknownMail{}},
	} {
		if _, err := Render(m); !errors.Is(err, notify.ErrPermanent) {
			t.Errorf("%s: got %v, want a permanent error", name, err)
		}
	}
}

type unknownMail struct{}

func (unknownMail) Template() string { return "nope" }

// Every data type has a template and every template a data type.
func TestEveryTemplateHasItsDataType(t *testing.T) {
	types := map[string]bool{}
	for _, n := range notify.Templates() {
		types[n] = true
	}
	for _, n := range TemplateNames() {
		if !types[n] {
			t.Errorf("template %s has no data type in package notify", n)
		}
		delete(types, n)
	}
	for n := range types {
		t.Errorf("data type for %s has no template", n)
	}
}

func TestBackoffGrowsAndIsBounded(t *testing.T) {
	prevMax := time.Duration(0)
	for attempt := 1; attempt <= 12; attempt++ {
		for i := 0; i < 50; i++ {
			d := Backoff(attempt)
			if d <= 0 || d > time.Hour {
				t.Fatalf("Backoff(%d) = %v, want within (0, 1h]", attempt, d)
			}
			if d > prevMax {
				prevMax = d
			}
		}
	}
	if min := Backoff(1); min < 15*time.Second || min > 30*time.Second {
		t.Errorf("Backoff(1) = %v, want 15–30 s", min)
	}
	if Backoff(20) < 30*time.Minute {
		t.Errorf("Backoff(20) = %v, want at least 30 min (the cap's lower half)", Backoff(20))
	}
}

// A capture copy of a mail with action links carries none of them: the
// links act without a sign-in, so they are the recipient's alone.
func TestCaptureCopiesCarryNoActionLinks(t *testing.T) {
	for _, name := range []string{"case_new", "case_reminder"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			data, err := notify.DecodeData(name, raw)
			if err != nil {
				t.Fatal(err)
			}
			am, ok := data.(notify.ActionMail)
			if !ok {
				t.Fatalf("%T carries action links but is not a notify.ActionMail", data)
			}
			full, err := Render(notify.Message{ID: "obx_X", From: "f@x.example", To: []string{"t@x.example"}, Data: data})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(full.Text, "/r/") || !strings.Contains(full.HTML, "/r/") {
				t.Fatalf("the sample's own rendering has no action link; the test would prove nothing:\n%s", full.Text)
			}
			m, err := Render(notify.Message{ID: "obx_X", From: "f@x.example", To: []string{"crm@x.example"}, Data: am.WithoutActions()})
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			for part, body := range map[string]string{"text": m.Text, "html": m.HTML} {
				if strings.Contains(body, "/r/") {
					t.Errorf("the capture copy's %s part carries an action link:\n%s", part, body)
				}
				if !strings.Contains(body, "copy for your records") {
					t.Errorf("the capture copy's %s part does not say it is a copy:\n%s", part, body)
				}
				if !strings.Contains(body, "https://tandem.example/cases/cas_X") {
					t.Errorf("the capture copy's %s part lost the case's own link:\n%s", part, body)
				}
			}
		})
	}
}

// Every mail of a case has one subject, "[ref] summary", and names the
// case's thread in References at the sender's domain, so mail clients
// show the case's mail as one conversation; mail about no case names no
// thread.
func TestCaseMailIsOneThread(t *testing.T) {
	cm := notify.CaseMail{CaseID: "cas_1", Ref: "TDM-7K3Q9XW2", Summary: "Array offline", Link: "https://tandem.example/cases/cas_1"}
	from := "Acme via Tandem <partners@Mail.Acme.example>"
	for _, d := range []notify.MailData{
		notify.CaseNew{CaseMail: cm, AcceptLink: "https://tandem.example/r/a"},
		notify.CaseOpened{CaseMail: cm},
		notify.CaseUpdate{CaseMail: cm, Action: "accept", ActionText: "accepted the case", Actor: "Ann"},
		notify.CaseReminder{CaseMail: cm},
		notify.CaseEscalated{CaseMail: cm, Level: "1"},
		notify.CaseIdle{CaseMail: cm, Since: "1 May"},
		notify.CaseAssigned{CaseMail: cm, AssigneeName: "Bo", AssignedBy: "Ann"},
	} {
		m, err := Render(notify.Message{ID: "obx_1", From: from, To: []string{"t@x.example"}, Data: d})
		if err != nil {
			t.Fatalf("%s: %v", d.Template(), err)
		}
		if m.Subject != "[TDM-7K3Q9XW2] Array offline" {
			t.Errorf("%s: subject %q, want the case's one subject", d.Template(), m.Subject)
		}
		if m.References != "<TDM-7K3Q9XW2@mail.acme.example>" {
			t.Errorf("%s: References %q, want the case's thread at the sender's domain", d.Template(), m.References)
		}
	}
	m, err := Render(notify.Message{ID: "obx_2", From: from, To: []string{"t@x.example"},
		Data: notify.LoginLink{Link: "https://tandem.example/login/x", Minutes: 15}})
	if err != nil {
		t.Fatal(err)
	}
	if m.References != "" {
		t.Errorf("a sign-in mail names a thread: %q", m.References)
	}
}

// The escalation contact's mail carries its read-only link in both parts
// and says what it is; the others' mail links to the case page. (The HTML
// part, which most clients show, once had no link at all.)
func TestEscalationMailLinksInBothParts(t *testing.T) {
	cm := notify.CaseMail{CaseID: "cas_1", Ref: "TDM-7K3Q9XW2", Summary: "Array offline"}
	for _, tc := range []struct {
		readOnly bool
		link     string
		says     string
	}{
		{true, "https://tandem.example/s/tok.sig", "no sign-in needed"},
		{false, "https://tandem.example/cases/cas_1", "Open the case in Tandem"},
	} {
		cm.Link = tc.link
		m, err := Render(notify.Message{ID: "obx_1", From: "t@tandem.example", To: []string{"boss@x.example"},
			Data: notify.CaseEscalated{CaseMail: cm, Level: "1", ReadOnly: tc.readOnly}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(hrefs(m.HTML), tc.link) || !strings.Contains(m.HTML, tc.says) {
			t.Errorf("read-only %v: the HTML part links %v, want %s saying %q", tc.readOnly, hrefs(m.HTML), tc.link, tc.says)
		}
		if !strings.Contains(m.Text, tc.link) || !strings.Contains(m.Text, tc.says) {
			t.Errorf("read-only %v: the text part lacks the link or what it is:\n%s", tc.readOnly, m.Text)
		}
	}
}
