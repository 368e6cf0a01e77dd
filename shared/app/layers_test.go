package app

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/tandemhq/tandem/"

// outer are the packages under shared/ that may speak HTTP, AWS or a
// template engine, or wire the others together: the edge of the house.
// Every other package under shared/ is domain, found by listing the tree,
// so a new package is held to the domain's rules until it is named here.
var outer = map[string]string{
	"shared/api":                    "JSON handlers",
	"shared/app":                    "wiring of the services and the jobs",
	"shared/httpapp":                "wiring of the HTTP functions",
	"shared/awsclient":              "AWS SDK clients",
	"shared/console":                "pages",
	"shared/jobs":                   "Lambda entry points of the stream and the schedules",
	"shared/notify/delivery":        "mail rendering and the outbox's delivery",
	"shared/notify/sesmail":         "SES adapter (sending mail)",
	"shared/payment/stripecheckout": "Stripe adapter (Checkout Sessions, webhook signatures)",
	"shared/router":                 "HTTP transport",
	"shared/sending/sesidentity":    "SES adapter (hosts' sending domains)",
	"shared/store":                  "DynamoDB, with its test helpers and fakes below it",
	"shared/web":                    "layout, stylesheet and the public pages",
	"shared/webhook/hookhttp":       "webhook adapter (HTTPS delivery)",
}

// isOuter reports whether pkg (a path under the module) is an outer
// package or below one (shared/store/storetest, shared/app/...).
func isOuter(pkg string) bool {
	for o := range outer {
		if pkg == o || strings.HasPrefix(pkg, o+"/") {
			return true
		}
	}
	return false
}

// forbidden says why a domain package may not depend on dep ("" when it
// may): HTTP, the AWS SDK, a template engine, or any outer package.
func forbidden(dep string) string {
	switch {
	case dep == "net/http" || strings.HasPrefix(dep, "net/http/"):
		return "HTTP"
	case strings.HasPrefix(dep, "github.com/aws/"):
		return "AWS (the SDK or the Lambda library)"
	case dep == "text/template" || dep == "html/template", strings.HasPrefix(dep, "github.com/DataDog/datadog-agent/pkg/template/"),
		dep == "github.com/a-h/templ" || strings.HasPrefix(dep, "github.com/a-h/templ/"):
		return "a template engine"
	case strings.HasPrefix(dep, module) && isOuter(strings.TrimPrefix(dep, module)):
		return "an outer package (" + outer[strings.TrimPrefix(dep, module)] + ")"
	}
	return ""
}

// The domain is plain Go: no domain package reaches HTTP, the AWS SDK, a
// template engine or an outer package (the store among them), directly or
// through another package. Kinds of failure are the domain's; statuses
// are the router's. package net is allowed: webhook's Guard resolves a
// receiver's name to judge its addresses; the socket is hookhttp's.
func TestDomainPackagesImportNoTransport(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Deps", module+"shared/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var domain []string
	listed := map[string]bool{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath string
			Deps       []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(p.ImportPath, module)
		listed[rel] = true
		if isOuter(rel) {
			continue
		}
		domain = append(domain, strings.TrimPrefix(rel, "shared/"))
		// One line per reason, naming its first dependency (Deps is
		// sorted: net/http comes before net/http/httptrace).
		said := map[string]bool{}
		for _, dep := range p.Deps {
			if why := forbidden(dep); why != "" && !said[why] {
				said[why] = true
				t.Errorf("%s depends on %s: %s", rel, dep, why)
			}
		}
	}
	// A name left here after its package went would hide nothing, but
	// the list must read as the tree is.
	for o := range outer {
		if !listed[o] {
			t.Errorf("outer package %s does not exist; take it off the list", o)
		}
	}
	slices.Sort(domain)
	if len(domain) < 20 {
		t.Fatalf("only %d domain packages found (%v): the listing is wrong", len(domain), domain)
	}
	t.Logf("%d domain packages: %s", len(domain), strings.Join(domain, " "))
}
