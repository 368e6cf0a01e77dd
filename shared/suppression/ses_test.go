package suppression

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestParseSES(t *testing.T) {
	bounce := func(kind, addr string) string {
		return `{"eventType":"Bounce","bounce":{"bounceType":"` + kind + `","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"` + addr +
			`","status":"5.1.1","diagnosticCode":"smtp; 550 user\n unknown"}],"timestamp":"2027-01-15T09:12:40.512Z"},"mail":{"messageId":"m-1","newField":1}}`
	}
	for _, tc := range []struct {
		name, in  string
		kind      Kind
		permanent bool
		addr      string
		reason    string
		err       string
	}{
		{name: "hard bounce", in: bounce("Permanent", "Support <Support@Partner.Example>"), kind: Bounce, permanent: true, addr: "support@partner.example", reason: "smtp; 550 user unknown"},
		{name: "soft bounce", in: bounce("Transient", "a@b.example"), kind: Bounce, addr: "a@b.example", reason: "smtp; 550 user unknown"},
		{name: "complaint", in: `{"eventType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"x@y.example"}],"complaintFeedbackType":"abuse","timestamp":"2027-01-15T09:12:40Z"},"mail":{"messageId":"m-2"}}`,
			kind: Complaint, permanent: true, addr: "x@y.example", reason: "the recipient reported the mail as spam (abuse)"},
		{name: "delivery", in: `{"eventType":"Delivery","delivery":{},"mail":{}}`, err: "neither a bounce nor a complaint"},
		{name: "bounce without its object", in: `{"eventType":"Bounce","mail":{}}`, err: "neither"},
		{name: "no address", in: bounce("Permanent", "not an address"), err: "no recipient address"},
		{name: "not JSON", in: `{"eventType":`, err: "ses event"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := ParseSES([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want an error with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ev.Kind != tc.kind || ev.Permanent != tc.permanent || len(ev.Recipients) != 1 || ev.At.IsZero() {
				t.Fatalf("got %+v", ev)
			}
			if r := ev.Recipients[0]; r.Address != tc.addr || r.Reason != tc.reason {
				t.Errorf("recipient %+v, want %s: %s", r, tc.addr, tc.reason)
			}
		})
	}
}

// The sample event in events/ is what SES publishes, and reads as a hard bounce.
func TestSampleEventIsAHardBounce(t *testing.T) {
	raw, err := os.ReadFile("../../events/mailevents-bounce.json")
	if err != nil {
		t.Fatal(err)
	}
	var sample struct{ Detail json.RawMessage }
	if err := json.Unmarshal(raw, &sample); err != nil {
		t.Fatal(err)
	}
	ev, err := ParseSES(sample.Detail)
	if err != nil {
		t.Fatal(err)
	}
	if !ev.Permanent || ev.Recipients[0].Address != "support@gone-partner.example" || !strings.Contains(ev.Recipients[0].Reason, "User unknown") {
		t.Errorf("got %+v", ev)
	}
}

func TestClipBoundsReasons(t *testing.T) {
	long := strings.Repeat("é", 1000)
	if got := []rune(clip(long)); len(got) != maxReason {
		t.Errorf("clipped to %d runes, want %d", len(got), maxReason)
	}
}
