// Package input checks the shapes of values people type: addresses, domains,
// URLs, names. Each check records a reason a person can act on under the
// field's JSON path, so one response names every problem at once.
package input

import (
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/tandemhq/tandem/shared/apperr"
)

// Text requires a non-blank value of at most max characters (trimmed).
func Text(f apperr.Fields, path, v string, max int) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		f.Add(path, "is required")
	case utf8.RuneCountInString(v) > max:
		f.Add(path, "must be at most "+itoa(max)+" characters")
	case !utf8.ValidString(v):
		f.Add(path, "must be valid UTF-8")
	}
	return v
}

// OptionalText allows an empty value; otherwise as Text.
func OptionalText(f apperr.Fields, path, v string, max int) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	return Text(f, path, v, max)
}

// Email requires a single plain address (no display name), lower-cases its
// domain and returns it.
func Email(f apperr.Fields, path, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		f.Add(path, "is required")
		return ""
	}
	if !ValidEmail(v) {
		f.Add(path, "must be an email address like name@example.com")
		return v
	}
	local, domain, _ := strings.Cut(v, "@")
	return local + "@" + strings.ToLower(domain)
}

// ValidEmail reports whether v is a plain address with a dotted domain.
func ValidEmail(v string) bool {
	if len(v) > 254 || strings.ContainsAny(v, " <>\"\r\n,;") {
		return false
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return false
	}
	_, domain, ok := strings.Cut(v, "@")
	return ok && ValidDomain(strings.ToLower(domain))
}

var labelRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// ValidDomain reports whether v is a lower-case DNS name with at least two labels.
func ValidDomain(v string) bool {
	if len(v) > 253 || !strings.Contains(v, ".") || net.ParseIP(v) != nil {
		return false
	}
	for _, l := range strings.Split(v, ".") {
		if !labelRE.MatchString(l) {
			return false
		}
	}
	return true
}

// Domain requires a DNS name such as example.com and returns it lower-cased.
func Domain(f apperr.Fields, path, v string) string {
	v = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(v), "."))
	if v == "" {
		f.Add(path, "is required")
	} else if !ValidDomain(v) {
		f.Add(path, "must be a domain name like example.com")
	}
	return v
}

// URL requires an absolute http(s) URL; httpsOnly refuses plain http.
func URL(f apperr.Fields, path, v string, httpsOnly bool) string {
	v = strings.TrimSpace(v)
	if v == "" {
		f.Add(path, "is required")
		return ""
	}
	u, err := url.Parse(v)
	switch {
	case err != nil || u.Host == "" || u.User != nil || len(v) > 2000:
		f.Add(path, "must be an absolute URL like https://example.com/page")
	case u.Scheme != "https" && (httpsOnly || u.Scheme != "http"):
		if httpsOnly {
			f.Add(path, "must start with https://")
		} else {
			f.Add(path, "must start with https:// or http://")
		}
	}
	return v
}

// OptionalURL allows an empty value; otherwise as URL.
func OptionalURL(f apperr.Fields, path, v string, httpsOnly bool) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	return URL(f, path, v, httpsOnly)
}

var phoneRE = regexp.MustCompile(`^\+?[0-9 ().\-/]{5,30}$`)

// Phone allows an empty value or a plausible phone number.
func Phone(f apperr.Fields, path, v string, required bool) string {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			f.Add(path, "is required")
		}
		return ""
	}
	if !phoneRE.MatchString(v) {
		f.Add(path, "must be a phone number like +49 30 1234567")
	}
	return v
}

// OneOf requires v to be one of allowed.
func OneOf(f apperr.Fields, path, v string, allowed ...string) string {
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	if v == "" {
		f.Add(path, "is required (one of "+strings.Join(allowed, ", ")+")")
	} else {
		f.Add(path, "must be one of "+strings.Join(allowed, ", "))
	}
	return v
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$`)

// ValidSlug reports whether s is a URL-safe program slug: 3–63 lower-case
// letters, digits and hyphens, not starting or ending with a hyphen.
func ValidSlug(s string) bool { return slugRE.MatchString(s) }
