// Package web renders Tandem's server-side pages: the co-branded landing and
// sign-up pages, one-click confirmations, and error pages. Pages work without
// JavaScript, escape everything users typed (package tmpl), and are served
// with a strict content security policy that allows no script at all.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/tandemhq/tandem/shared/tmpl"
)

//go:embed pages/*.html pages/site.css
var files embed.FS

var (
	once     sync.Once
	pages    map[string]*tmpl.Set
	css      string
	cssHash  string
	parseErr error
)

func load() {
	b, err := fs.ReadFile(files, "pages/site.css")
	if err != nil {
		parseErr = err
		return
	}
	css = string(b)
	sum := sha256.Sum256(b)
	cssHash = "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	layout, err := fs.ReadFile(files, "pages/layout.html")
	if err != nil {
		parseErr = err
		return
	}
	pages = map[string]*tmpl.Set{}
	funcs := map[string]tmpl.Func{"css": func([]any) (any, error) { return tmpl.Raw(css), nil }}
	names, _ := fs.Glob(files, "pages/*.html")
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "pages/"), ".html")
		if name == "layout" {
			continue
		}
		src, err := fs.ReadFile(files, n)
		if err != nil {
			parseErr = err
			return
		}
		t, err := tmpl.Parse(tmpl.HTML, funcs, string(layout), string(src))
		if err != nil {
			parseErr = fmt.Errorf("page %s: %w", name, err)
			return
		}
		t.Lenient = true
		pages[name] = t
	}
}

// Page is what every page template receives.
type Page struct {
	// Title goes in <title> and the top heading.
	Title string
	// Brand is the program's co-branding, when the page belongs to one.
	Brand *Brand
	// Data is the page's own content.
	Data any
}

// Brand is a host program's co-branding.
type Brand struct {
	ProgramName string
	HostName    string
	BannerURL   string
	Contact     string
}

// Render executes page name.
func Render(name string, p Page) ([]byte, error) {
	once.Do(load)
	if parseErr != nil {
		return nil, parseErr
	}
	t, ok := pages[name]
	if !ok {
		return nil, fmt.Errorf("no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, "layout", p); err != nil {
		return nil, fmt.Errorf("render page %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// SecurityHeaders are sent with every page: no script at all, styles only
// from the page's own stylesheet (by hash), images only over https, forms
// only to this origin, never framed.
func SecurityHeaders() map[string]string {
	once.Do(load)
	return map[string]string{
		"content-security-policy": "default-src 'none'; style-src " + cssHash + "; img-src https: data:; " +
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"x-frame-options":            "DENY",
		"x-content-type-options":     "nosniff",
		"referrer-policy":            "no-referrer",
		"permissions-policy":         "camera=(), microphone=(), geolocation=()",
		"cross-origin-opener-policy": "same-origin",
	}
}
