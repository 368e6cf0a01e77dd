package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
)

// Setting only the domain over cdk.json's context (as -c domain=… does)
// gives a sender at it: cdk.json pins no sender. -c deploy=true turns on
// the deploy-time checks.
func TestConfigFromContext(t *testing.T) {
	b, err := os.ReadFile("../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	var cdkJSON struct{ Context map[string]any }
	if err := json.Unmarshal(b, &cdkJSON); err != nil {
		t.Fatal(err)
	}
	ctx := cdkJSON.Context
	ctx["domain"], ctx["deploy"] = "partners.acme.io", "true"
	var cfg Config
	assert(t, "read context", func() { cfg = ConfigFromContext(awscdk.NewApp(&awscdk.AppProps{Context: &ctx})) })
	if err := cfg.Check(); err != nil {
		t.Errorf("cdk.json with only the domain set: %v", err)
	}
	if cfg.Sender != "Tandem <no-reply@partners.acme.io>" || !cfg.Deploy {
		t.Errorf("got sender %q, deploy %v; want Tandem <no-reply@partners.acme.io>, true", cfg.Sender, cfg.Deploy)
	}
	assert(t, "read context", func() { cfg = ConfigFromContext(awscdk.NewApp(nil)) })
	if cfg.Deploy || cfg.Check() != nil {
		t.Errorf("the defaults (deploy %v) do not synthesize offline: %v", cfg.Deploy, cfg.Check())
	}
}

func TestConfigCheck(t *testing.T) {
	const cert = "arn:aws:acm:eu-west-1:123456789012:certificate/0c1d2e3f-aaaa-bbbb-cccc-0123456789ab"
	for _, c := range []struct {
		name   string
		cfg    Config
		refuse string // part of the error; empty: accepted
	}{
		{"derived sender", Config{Domain: "partners.acme.io", Sender: "Tandem <no-reply@partners.acme.io>"}, ""},
		{"bare address", Config{Domain: "partners.acme.io", Sender: "no-reply@partners.acme.io"}, ""},
		{"display name beyond Latin-1", Config{Domain: "acme.io", Sender: "Acme — Partner Desk <desk@acme.io>"}, ""},
		{"case and trailing dot", Config{Domain: "Acme.IO.", Sender: "desk@acme.io"}, ""},
		{"subdomain of the domain", Config{Domain: "acme.io", Sender: "desk@mail.acme.io"}, ""},
		{"example domain, synth only", Config{Domain: "tandem.example.com", Sender: "Tandem <no-reply@tandem.example.com>"}, ""},
		{"real domain, deploy", Config{Domain: "partners.acme.io", Sender: "no-reply@partners.acme.io", Deploy: true}, ""},
		{"sender left at the example", Config{Domain: "partners.acme.io", Sender: "Tandem <no-reply@tandem.example.com>"}, "is not at the domain"},
		{"look-alike domain", Config{Domain: "acme.io", Sender: "desk@notacme.io"}, "is not at the domain"},
		{"parent of the domain", Config{Domain: "partners.acme.io", Sender: "desk@acme.io"}, "is not at the domain"},
		{"not an address", Config{Domain: "acme.io", Sender: "Tandem"}, "is not a mail address"},
		{"empty domain", Config{Sender: "desk@acme.io"}, "is not at the domain"},
		{"example.com, deploy", Config{Domain: "tandem.example.com", Sender: "no-reply@tandem.example.com", Deploy: true}, "reserved for examples"},
		{".test, deploy", Config{Domain: "tandem.test", Sender: "no-reply@tandem.test", Deploy: true}, "reserved for examples"},
		{".example, deploy", Config{Domain: "tandem.example", Sender: "no-reply@tandem.example", Deploy: true}, "reserved for examples"},
		{".localhost, deploy", Config{Domain: "mail.localhost", Sender: "no-reply@mail.localhost", Deploy: true}, "reserved for examples"},
		{"example.org, deploy", Config{Domain: "EXAMPLE.ORG", Sender: "no-reply@example.org", Deploy: true}, "reserved for examples"},
		{"API domain with its certificate", Config{Domain: "acme.io", Sender: "desk@acme.io", APIDomain: "partners.acme.io", APICertificateARN: cert, BaseURL: "https://partners.acme.io"}, ""},
		{"base URL of a front of one's own", Config{Domain: "acme.io", Sender: "desk@acme.io", BaseURL: "https://partners.acme.io/"}, ""},
		{"API domain without certificate", Config{Domain: "acme.io", Sender: "desk@acme.io", APIDomain: "partners.acme.io"}, "go together"},
		{"certificate without API domain", Config{Domain: "acme.io", Sender: "desk@acme.io", APICertificateARN: cert}, "go together"},
		{"certificate not from ACM", Config{Domain: "acme.io", Sender: "desk@acme.io", APIDomain: "p.acme.io", APICertificateARN: "arn:aws:iam::123456789012:server-certificate/x"}, "not an ACM certificate"},
		{"base URL elsewhere than the API domain", Config{Domain: "acme.io", Sender: "desk@acme.io", APIDomain: "partners.acme.io", APICertificateARN: cert, BaseURL: "https://www.acme.io"}, "not at apiDomain"},
		{"base URL over http", Config{Domain: "acme.io", Sender: "desk@acme.io", BaseURL: "http://partners.acme.io"}, "not an https origin"},
		{"base URL with a path", Config{Domain: "acme.io", Sender: "desk@acme.io", BaseURL: "https://acme.io/tandem"}, "not an https origin"},
		{"both wrong, deploy", Config{Domain: "example.net", Sender: "no-reply@acme.io", Deploy: true}, "reserved for examples"},
	} {
		err := c.cfg.Check()
		switch {
		case c.refuse == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.refuse != "" && err == nil:
			t.Errorf("%s: accepted, want a refusal saying %q", c.name, c.refuse)
		case c.refuse != "" && !strings.Contains(err.Error(), c.refuse):
			t.Errorf("%s: got %v, want it to say %q", c.name, err, c.refuse)
		}
	}
}

// The domains people use for real are not taken for examples.
func TestExampleDomain(t *testing.T) {
	for d, want := range map[string]bool{
		"example.com": true, "a.b.example.com": true, "example.net": true, "x.example": true, "x.test": true,
		"x.invalid": true, "localhost": true, "printer.local": true,
		"example.co.uk": false, "myexample.com": false, "examples.com": false, "test.acme.io": false, "acme.io": false, "testing.dev": false,
	} {
		if got := exampleDomain(d); got != want {
			t.Errorf("exampleDomain(%q) = %v, want %v", d, got, want)
		}
	}
}
