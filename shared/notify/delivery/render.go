package delivery

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/tmpl"
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
}

type mailTemplate struct {
	text *tmpl.Set
	html *tmpl.Set
}

var (
	loadOnce  sync.Once
	templates map[string]mailTemplate
	loadErr   error
)

// layout wraps every template's "html" part.
const layoutName = "_layout.tmpl"

func load() {
	templates = map[string]mailTemplate{}
	layout, err := fs.ReadFile(templateFS, "templates/"+layoutName)
	if err != nil {
		loadErr = err
		return
	}
	entries, err := fs.Glob(templateFS, "templates/*.tmpl")
	if err != nil {
		loadErr = err
		return
	}
	for _, path := range entries {
		name := strings.TrimSuffix(strings.TrimPrefix(path, "templates/"), ".tmpl")
		if name+".tmpl" == layoutName {
			continue
		}
		src, err := fs.ReadFile(templateFS, path)
		if err != nil {
			loadErr = err
			return
		}
		tt, err := tmpl.Parse(tmpl.Text, nil, string(src))
		if err != nil {
			loadErr = fmt.Errorf("template %s: %w", name, err)
			return
		}
		ht, err := tmpl.Parse(tmpl.HTML, nil, string(layout), string(src))
		if err != nil {
			loadErr = fmt.Errorf("template %s (html): %w", name, err)
			return
		}
		templates[name] = mailTemplate{text: tt, html: ht}
	}
}

// TemplateNames lists the mail templates, for tests.
func TemplateNames() []string {
	loadOnce.Do(load)
	names := make([]string, 0, len(templates))
	for n := range templates {
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
	loadOnce.Do(load)
	if loadErr != nil {
		return Mail{}, fmt.Errorf("load templates: %w: %w", loadErr, notify.ErrPermanent)
	}
	if m.Data == nil {
		return Mail{}, fmt.Errorf("mail %s has no data for a known template (or its stored data no longer fits it): %w", m.ID, notify.ErrPermanent)
	}
	name := m.Template()
	t, ok := templates[name]
	if !ok {
		return Mail{}, fmt.Errorf("no mail template %q: %w", name, notify.ErrPermanent)
	}
	var subject, text, html bytes.Buffer
	if err := t.text.Execute(&subject, "subject", m.Data); err != nil {
		return Mail{}, fmt.Errorf("render %s subject: %v: %w", name, err, notify.ErrPermanent)
	}
	if err := t.text.Execute(&text, "text", m.Data); err != nil {
		return Mail{}, fmt.Errorf("render %s text: %v: %w", name, err, notify.ErrPermanent)
	}
	if err := t.html.Execute(&html, "layout", page{Subject: strings.TrimSpace(subject.String()), Mail: m.Data}); err != nil {
		return Mail{}, fmt.Errorf("render %s html: %v: %w", name, err, notify.ErrPermanent)
	}
	return Mail{
		MessageID: m.ID,
		From:      m.From,
		To:        m.To,
		Cc:        m.Cc,
		Bcc:       m.Bcc,
		ReplyTo:   m.ReplyTo,
		Subject:   strings.Join(strings.Fields(subject.String()), " "),
		Text:      strings.TrimSpace(text.String()) + "\n",
		HTML:      html.String(),
	}, nil
}
