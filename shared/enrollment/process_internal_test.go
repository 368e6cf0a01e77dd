package enrollment

import (
	"testing"

	"github.com/tandemhq/tandem/shared/department"
)

// A host sees a partner's process only while validating it, and a webhook
// only by its scheme and host: its path and query often carry a secret.
func TestHostSeesTheProcessOnlyWhileValidating(t *testing.T) {
	for _, st := range Statuses {
		want := st == PendingMemberConsent || st == PendingApproval || st == Validating || st == ValidationFailed
		if validates(st) != want {
			t.Errorf("validates(%s) = %v, want %v", st, !want, want)
		}
	}
	for in, want := range map[string]string{
		"https://hooks.example/tandem/T0K3N?secret=abc": "https://hooks.example",
		"http://127.0.0.1:9000/in":                      "http://127.0.0.1:9000",
		"":                                              "",
		"not a url with a host":                         "(set)",
	} {
		if got := shown(department.Inbound{WebhookURL: in}).WebhookURL; got != want {
			t.Errorf("shown(%q) = %q, want %q", in, got, want)
		}
	}
}
