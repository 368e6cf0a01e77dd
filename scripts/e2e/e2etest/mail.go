package e2etest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/scripts/localstack"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/routes"
	"github.com/tandemhq/tandem/shared/suppression"
)

// LinkRE matches a link in a mail's text.
var LinkRE = regexp.MustCompile(`https?://\S+`)

// LinkIn returns the first link in a mail's text containing part.
func LinkIn(t *testing.T, m localtest.Mail, part string) string {
	t.Helper()
	for _, l := range LinkRE.FindAllString(m.Body.Text, -1) {
		if strings.Contains(l, part) {
			return l
		}
	}
	t.Fatalf("no link with %q in mail %q:\n%s", part, m.Subject, m.Body.Text)
	return ""
}

// CountMails is how many mails to addr the local SES holds that are
// subject (a template's name, or words of the subject: localtest.Mail.Is).
func CountMails(t *testing.T, e *localtest.Env, addr, subject string) int {
	t.Helper()
	n := 0
	for _, m := range e.MailsTo(addr) {
		if m.Is(subject) {
			n++
		}
	}
	return n
}

// SESEvent is the sample SES event of the module's events/ made about addr: a bounce of
// bounceType, or (bounceType "") a complaint.
func SESEvent(t *testing.T, addr, bounceType string) []byte {
	t.Helper()
	root, err := localstack.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "events", "mailevents-bounce.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	detail := ev["detail"].(map[string]any)
	if bounceType == "" {
		ev["detail-type"] = routes.SESComplaint
		delete(detail, "bounce")
		detail["eventType"] = "Complaint"
		detail["complaint"] = map[string]any{"complainedRecipients": []any{map[string]any{"emailAddress": addr}},
			"complaintFeedbackType": "abuse", "timestamp": "2027-01-15T09:12:40Z"}
	} else {
		b := detail["bounce"].(map[string]any)
		b["bounceType"] = bounceType
		b["bouncedRecipients"].([]any)[0].(map[string]any)["emailAddress"] = addr
		b["bouncedRecipients"].([]any)[0].(map[string]any)["diagnosticCode"] = "smtp; 550 5.1.1 <" + addr + ">: Recipient address rejected: User unknown"
	}
	out, _ := json.Marshal(ev)
	return out
}

// Feed hands an SES event to the mailevents function through the local
// gateway, as EventBridge would.
func Feed(t *testing.T, e *localtest.Env, raw []byte) suppression.Summary {
	t.Helper()
	out, err := e.Gateway.Invoke(context.Background(), routes.MailEvents, raw)
	if err != nil {
		t.Fatalf("mailevents: %v", err)
	}
	sum, ok := out.(suppression.Summary)
	if !ok {
		t.Fatalf("mailevents returned %T", out)
	}
	e.Flush()
	return sum
}
