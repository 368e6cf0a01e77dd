package delivery

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"net/mail"
	"strings"
	"sync"

	htmltemplate "github.com/DataDog/datadog-agent/pkg/template/html"
	texttemplate "github.com/DataDog/datadog-agent/pkg/template/text"

	"github.com/tandemhq/tandem/shared/notify"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// Mail is a rendered message, ready for a Sender.
type Mail struct {
	MessageID string
	From      string
	To        []string
	Cc        []string
	Bcc       []string
	ReplyTo   []string
	Subject   string
	Text      string
	HTML      string
	// References names the thread the mail belongs to, "<id@domain>",
	// for the References and In-Reply-To headers ("" for none).
	References string
	// Template names what the mail is (case_new, case_escalated…): every
	// mail of a case has the same subject, so mail rules that sort
	// escalations or reminders read this (the X-Tandem-Template header).
	Template string
}

// The engines are Go's text/template (subject and text) and html/template
// (the HTML part, escaped by context), in DataDog's copy of them
// (github.com/DataDog/datadog-agent/pkg/template): the same code, taken
// from each Go release, less the calls of methods by name. The standard
// packages call reflect.Value.MethodByName with a name known only at run
// time, and then the linker must keep every exported method of every type
// in the binary: measured, the notifier's zip grew from 3.40 to 4.85 MiB and
// approval's from 3.96 to 4.95, past the 4 MiB budget. The templates read
// only the fields of notify's mail structs, which the copy does as the
// standard packages do.
//
// The templates are parsed once, on first use: every function links this
// package (through the store's jobs), and only those that render mail
// should carry the engines and pay for parsing. So the loaders are reached
// from Render alone, never from a package variable's initializer, which
// every function runs. The two parts load apart: a function that only
// previews a mail's text (approval's program editor) links no HTML escaper.
var (
	textOnce sync.Once
	texts    map[string]*texttemplate.Template
	textErr  error

	htmlOnce sync.Once
	htmls    map[string]*htmltemplate.Template
	htmlErr  error
)

// textTemplates holds each template's "subject" and "text" parts, plain text.
func textTemplates() (map[string]*texttemplate.Template, error) {
	textOnce.Do(func() {
		texts, textErr = parseEach(func(name, src string) (*texttemplate.Template, error) {
			return texttemplate.New(name).Option(strict).Parse(src)
		})
	})
	return texts, textErr
}

// htmlTemplates holds each template's "html" part inside the layout, for
// the contextual escaper: it escapes each value for where it lands (element
// text, attribute, URL) and turns a link that is not http(s), mailto or
// relative into "#ZgotmplZ".
func htmlTemplates() (map[string]*htmltemplate.Template, error) {
	htmlOnce.Do(func() {
		layout, err := fs.ReadFile(templateFS, "templates/"+layoutName)
		if err != nil {
			htmlErr = err
			return
		}
		base, err := htmltemplate.New(layoutName).Option(strict).Parse(string(layout))
		if err != nil {
			htmlErr = fmt.Errorf("template %s: %w", layoutName, err)
			return
		}
		htmls, htmlErr = parseEach(func(name, src string) (*htmltemplate.Template, error) {
			t, err := base.Clone()
			if err != nil {
				return nil, err
			}
			return t.Parse(src)
		})
	})
	return htmls, htmlErr
}

// strict makes a field the data lacks fail the render, and so dead-letter
// the mail, rather than print "<no value>".
const strict = "missingkey=error"

// layoutName is the file that wraps every template's "html" part.
const layoutName = "_layout.tmpl"

// parseEach parses every template file but the layout with parse.
func parseEach[T any](parse func(name, src string) (T, error)) (map[string]T, error) {
	entries, err := fs.Glob(templateFS, "templates/*.tmpl")
	if err != nil {
		return nil, err
	}
	out := map[string]T{}
	for _, path := range entries {
		name := strings.TrimSuffix(strings.TrimPrefix(path, "templates/"), ".tmpl")
		if name+".tmpl" == layoutName {
			continue
		}
		src, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return nil, err
		}
		if out[name], err = parse(name, string(src)); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
	}
	return out, nil
}

// TemplateNames lists the mail templates, for tests.
func TemplateNames() []string {
	all, _ := textTemplates()
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	return names
}

// page is what the HTML layout renders: the subject for its title, and the
// mail's own data for the template's "html" part.
type page struct {
	Subject string
	Mail    notify.MailData
}

// Render turns an email Message into a Mail. A missing template or data
// that does not fit it is a permanent failure: retrying will not fix it.
func Render(m notify.Message) (Mail, error) {
	subject, text, err := RenderText(m)
	if err != nil {
		return Mail{}, err
	}
	all, err := htmlTemplates()
	if err != nil {
		return Mail{}, fmt.Errorf("load templates: %w: %w", err, notify.ErrPermanent)
	}
	name := m.Template()
	var html bytes.Buffer
	if err := all[name].ExecuteTemplate(&html, "layout", page{Subject: subject, Mail: m.Data}); err != nil {
		return Mail{}, fmt.Errorf("render %s html: %v: %w", name, err, notify.ErrPermanent)
	}
	return Mail{
		MessageID:  m.ID,
		From:       m.From,
		To:         m.To,
		Cc:         m.Cc,
		Bcc:        m.Bcc,
		ReplyTo:    m.ReplyTo,
		Subject:    subject,
		Text:       text,
		HTML:       html.String(),
		References: references(m),
		Template:   name,
	}, nil
}

// references is the thread id of a threaded mail as a message id at the
// sender's domain, "<TDM-7K3Q9XW2@tandem.example>"; "" for other mail.
func references(m notify.Message) string {
	t, ok := m.Data.(notify.Threaded)
	if !ok || t.ThreadID() == "" {
		return ""
	}
	domain := "tandem.invalid"
	if a, err := mail.ParseAddress(m.From); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			domain = strings.ToLower(d)
		}
	}
	return "<" + t.ThreadID() + "@" + domain + ">"
}

// RenderText renders m's subject and text part only, as Render does: what
// a preview of the mail shows. The subject is one line, whatever the data
// holds (a line break in it would start a header of the sender's making).
func RenderText(m notify.Message) (subject, text string, err error) {
	all, err := textTemplates()
	if err != nil {
		return "", "", fmt.Errorf("load templates: %w: %w", err, notify.ErrPermanent)
	}
	if m.Data == nil {
		return "", "", fmt.Errorf("mail %s has no data for a known template (or its stored data no longer fits it): %w", m.ID, notify.ErrPermanent)
	}
	name := m.Template()
	t, ok := all[name]
	if !ok {
		return "", "", fmt.Errorf("no mail template %q: %w", name, notify.ErrPermanent)
	}
	var sb, tb bytes.Buffer
	if err := t.ExecuteTemplate(&sb, "subject", m.Data); err != nil {
		return "", "", fmt.Errorf("render %s subject: %v: %w", name, err, notify.ErrPermanent)
	}
	if err := t.ExecuteTemplate(&tb, "text", m.Data); err != nil {
		return "", "", fmt.Errorf("render %s text: %v: %w", name, err, notify.ErrPermanent)
	}
	return strings.Join(strings.Fields(sb.String()), " "), strings.TrimSpace(tb.String()) + "\n", nil
}
