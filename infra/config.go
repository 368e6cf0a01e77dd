package main

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
)

var certificateARN = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$`)

// Check refuses a configuration that would deploy and then fail quietly:
// a sender outside the domain SES verifies (every mail would be refused
// and dead-lettered), an API domain without its certificate, a base URL
// that is not an https origin (or not the API domain's) and, when
// deploying, a domain reserved for examples, whose DNS nobody can publish
// the DKIM records in.
func (c Config) Check() error {
	var errs []error
	addr, err := mail.ParseAddress(c.Sender)
	if err != nil {
		errs = append(errs, fmt.Errorf("sender %q is not a mail address (%v): set the context key sender to e.g. \"Tandem <no-reply@%s>\", or leave it out to get that", c.Sender, err, c.Domain))
	} else if _, at, _ := strings.Cut(addr.Address, "@"); !within(at, c.Domain) {
		errs = append(errs, fmt.Errorf("sender %q is not at the domain %q, the only one the stack verifies with SES: SES would refuse every mail; use an address at %s (or leave sender out: \"Tandem <no-reply@%s>\")", c.Sender, c.Domain, c.Domain, c.Domain))
	}
	if (c.APIDomain == "") != (c.APICertificateARN == "") {
		errs = append(errs, fmt.Errorf("apiDomain %q and apiCertificateArn %q go together: the domain needs an ACM certificate for it, in the stack's region; set both, or neither to use the API's own URL", c.APIDomain, c.APICertificateARN))
	} else if c.APICertificateARN != "" && !certificateARN.MatchString(c.APICertificateARN) {
		errs = append(errs, fmt.Errorf("apiCertificateArn %q is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)", c.APICertificateARN))
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		switch {
		case err != nil || u.Scheme != "https" || u.Host == "" || strings.Trim(u.Path, "/") != "":
			errs = append(errs, fmt.Errorf("baseUrl %q is not an https origin (https://host, no path): links in mail and the Secure session cookie need one; leave it empty to use the API's URL", c.BaseURL))
		case c.APIDomain != "" && !strings.EqualFold(u.Hostname(), c.APIDomain):
			errs = append(errs, fmt.Errorf("baseUrl %q is not at apiDomain %q: leave baseUrl empty, it follows apiDomain", c.BaseURL, c.APIDomain))
		}
	}
	if c.Deploy && exampleDomain(c.Domain) {
		errs = append(errs, fmt.Errorf("domain %q is reserved for examples: nobody can publish its DKIM records, so no mail would ever leave; set the context key domain (cdk.json, or -c domain=partners.yourcompany.com) to a domain whose DNS you control", c.Domain))
	}
	return errors.Join(errs...)
}

// within reports whether host is domain or one of its subdomains (SES
// sends from the subdomains of a verified domain).
func within(host, domain string) bool {
	host, domain = strings.ToLower(strings.TrimSuffix(host, ".")), strings.ToLower(strings.TrimSuffix(domain, "."))
	return domain != "" && (host == domain || strings.HasSuffix(host, "."+domain))
}

// exampleDomain reports whether d is reserved for documentation and tests
// (RFC 2606, RFC 6761: example.com/.net/.org and the .example, .test,
// .invalid and .localhost names) or for the local network (.local, RFC 6762).
func exampleDomain(d string) bool {
	for _, reserved := range []string{"example.com", "example.net", "example.org", "example", "test", "invalid", "localhost", "local"} {
		if within(d, reserved) {
			return true
		}
	}
	return false
}
