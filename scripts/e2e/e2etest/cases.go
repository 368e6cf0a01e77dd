package e2etest

import (
	"net/url"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/localtest"
)

// CaseBody is a valid case from the department dep under programID, with
// the fields the programs' standard form asks for.
func CaseBody(dep, programID string) map[string]any {
	return map[string]any{
		"departmentId": dep, "programId": programID, "priority": "high",
		"summary": "VMs freeze during array snapshots", "description": "Since firmware 9.2 every nightly snapshot stalls guests for 40 s.",
		"customer":            map[string]any{"company": "Initech", "contactName": "Peter Gibbons", "contactEmail": "peter@initech.example", "caseNumber": "INI-42"},
		"submitterCaseNumber": "PTR-1001",
		"fields":              map[string]any{"product": "Array 9000", "version": "9.2.1", "serialNumber": "SN-123", "nodes": 4},
	}
}

// ConfirmNth confirms addr through the nth confirmation mail Tandem sent
// it, as its owner does: the page behind the mail's link, then its button.
func ConfirmNth(t *testing.T, e *localtest.Env, addr string, n int) {
	t.Helper()
	link := LinkIn(t, e.NthMail(addr, "takes Tandem mail", n), "/e/")
	if p := Expect(t, Page(t, "GET", link, nil), 200, "confirmation page of "+addr); !strings.Contains(p.Body, "Confirm "+addr) {
		t.Fatalf("confirmation page of %s: %d %s", addr, p.Status, mainOf(p.Body))
	}
	if p := Expect(t, Page(t, "POST", link, url.Values{}), 200, "confirming "+addr); !strings.Contains(p.Body, addr+" is confirmed") {
		t.Fatalf("confirming %s: %d %s", addr, p.Status, mainOf(p.Body))
	}
}

// mainOf is a page's main content, without the head's styles.
func mainOf(page string) string {
	if _, after, ok := strings.Cut(page, "<main>"); ok {
		return after
	}
	return page
}

// RefOf is the reference (TDM-…) of case id, read as tok: what every mail
// of the case has in its subject.
func RefOf(t *testing.T, e *localtest.Env, tok, id string) string {
	t.Helper()
	ref := Expect(t, e.Do("GET", "/v1/cases/"+id, tok, nil), 200, "case "+id).Str("ref")
	if ref == "" {
		t.Fatalf("case %s has no reference", id)
	}
	return ref
}
