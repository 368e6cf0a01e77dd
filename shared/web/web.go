// Package web is what every page of Tandem shares — the layout, the
// stylesheet, the content security policy, the labelled input — and the
// public pages: the co-branded landing, sign-up and marketplace pages and
// the error pages. The console's pages are package console's. Pages work
// without JavaScript, escape everything users typed (templ's context-aware
// escaping), and are served with a strict content security policy that
// allows no script at all. Generated *_templ.go files are committed; make
// test fails when they are stale.
package web

//go:generate go run github.com/a-h/templ/cmd/templ@v0.3.1100 generate

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"strconv"

	"github.com/a-h/templ"

	"github.com/tandemhq/tandem/shared/program"
)

//go:embed site.css
var css string

// cssHash is the stylesheet's hash, the only style the CSP allows.
var cssHash = func() string {
	sum := sha256.Sum256([]byte(css))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// Brand is a host program's co-branding.
type Brand struct {
	ProgramName string
	HostName    string
	BannerURL   string
	Contact     string
}

// BrandOf is prg's co-branding.
func BrandOf(prg program.Program) *Brand {
	return &Brand{ProgramName: prg.Name, HostName: prg.HostName, BannerURL: prg.Landing.BannerURL, Contact: prg.PrimaryContact.Email}
}

// FieldError is one invalid input, named by its path.
type FieldError struct{ Field, Why string }

// Field is one labelled text input of a form, with its value and error.
type Field struct {
	ID, Name, Label, Type, Auto, Hint, Value, Error string
	Required                                        bool
}

// Render renders a page component.
func Render(ctx context.Context, c templ.Component) ([]byte, error) {
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// SecurityHeaders are sent with every page: no script at all, styles only
// from the page's own stylesheet (by hash), images only over https, forms
// only to this origin, never framed. No Referer leaves the site
// (same-origin); unlike no-referrer, that policy lets the browser send the
// page's true Origin with its own forms, which sign-in checks (no-referrer
// makes it "null", like a sandboxed page's elsewhere).
func SecurityHeaders() map[string]string {
	return map[string]string{
		"content-security-policy": "default-src 'none'; style-src " + cssHash + "; img-src https: data:; " +
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"x-frame-options":            "DENY",
		"x-content-type-options":     "nosniff",
		"referrer-policy":            "same-origin",
		"permissions-policy":         "camera=(), microphone=(), geolocation=()",
		"cross-origin-opener-policy": "same-origin",
	}
}
