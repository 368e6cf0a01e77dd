package program

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	good := map[string]time.Duration{
		"PT4H": 4 * time.Hour, "PT90M": 90 * time.Minute, "P1DT12H": 36 * time.Hour, "P1W": 7 * 24 * time.Hour, "PT30S": 30 * time.Second,
	}
	for in, want := range good {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
		if back, _ := ParseDuration(FormatDuration(got)); back != got {
			t.Errorf("FormatDuration(%v) = %q does not round-trip", got, FormatDuration(got))
		}
	}
	for _, bad := range []string{"", "P", "PT", "4H", "P1Y", "P1M", "PT-1H", "P1DT", "PT1.5H", "2 hours"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) accepted", bad)
		}
	}
}

func TestUnitPrice(t *testing.T) {
	cases := map[int]int64{0: 20000, 25: 20000, 26: 15000, 30: 15000, 50: 15000, 51: 10000, 100: 10000, 200: 7500, 201: 5000, 400: 5000, 401: 5000, 5000: 5000}
	for n, want := range cases {
		if got := UnitPrice(n, nil); got != want {
			t.Errorf("UnitPrice(%d) = %d, want %d", n, got, want)
		}
	}
}

// A program that sends as its host uses the host's address only once SES
// has verified the host's domain; until then the platform's address in the
// host's name, answers to the host.
func TestHostSenderWaitsForVerification(t *testing.T) {
	p := Program{Name: "Acme Connect", HostName: "Acme", Sender: SenderHost, SenderEmail: "partners@acme.example"}
	if got := p.From("Tandem <no-reply@tandem.example>"); got != `"Acme via Tandem" <no-reply@tandem.example>` {
		t.Errorf("unverified: From %s", got)
	}
	if got := p.HostReplyTo(); len(got) != 1 || got[0] != "partners@acme.example" {
		t.Errorf("unverified: Reply-To %v", got)
	}
	p.SenderVerified = true
	if got := p.From("Tandem <no-reply@tandem.example>"); got != `"Acme Connect" <partners@acme.example>` || p.HostReplyTo() != nil {
		t.Errorf("verified: From %s, Reply-To %v", got, p.HostReplyTo())
	}
	plat := Program{Name: "Acme Connect", HostName: "Acme", Sender: SenderPlatform}
	if got := plat.From("Tandem <no-reply@tandem.example>"); got != `"Acme Connect via Tandem" <no-reply@tandem.example>` || plat.HostReplyTo() != nil {
		t.Errorf("platform sender: From %s", got)
	}
}
