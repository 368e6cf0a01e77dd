package web

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/shared/program"
)

func TestTitle(t *testing.T) {
	for _, tc := range []struct {
		parts []string
		want  string
	}{
		{[]string{"Acme Partner Program", "Acme Partner Program"}, "Acme Partner Program"},
		{[]string{"Sign up", "Acme Partner Program"}, "Sign up · Acme Partner Program"},
		{[]string{"Validated configurations · Acme", "Acme"}, "Validated configurations · Acme"},
		{[]string{"acme", "Acme"}, "acme"},
		{[]string{"", "Tandem"}, "Tandem"},
		{[]string{"Inbox", "Tandem"}, "Inbox · Tandem"},
		{[]string{"Tandem", "Tandem"}, "Tandem"},
	} {
		if got := Title(tc.parts...); got != tc.want {
			t.Errorf("Title(%q) = %q, want %q", tc.parts, got, tc.want)
		}
	}
	if got := pageTitle("Acme Partner Program", &Brand{ProgramName: "Acme Partner Program"}); got != "Acme Partner Program" {
		t.Errorf("a landing page's title: %q", got)
	}
}

// The done page's steps, in words for each way a sign-up can end: never a
// status name, the addresses mail goes to, the price only when the
// partner pays.
func TestSignupDoneNext(t *testing.T) {
	member := program.Program{Name: "Acme Partner Program", HostName: "Acme", Payment: program.MemberPaid}
	host := member
	host.Payment = program.HostPaid
	d := SignupDone{Company: "Shop", Email: "me@shop.example", Primary: "boss@shop.example", Billing: "bills@shop.example", Inbound: "support@shop.example"}
	for _, tc := range []struct {
		prg       program.Program
		status    string
		want, not []string
	}{
		{member, "pending_approval", []string{"Acme reviews your sign-up. We write to boss@shop.example and me@shop.example", "Once you are approved, a test case goes to your support address, support@shop.example",
			"USD 500.00 a year, is mailed to your billing contact, bills@shop.example", "When you go live, boss@shop.example"}, []string{"pre-approved"}},
		{host, "validating", []string{"You are pre-approved", "A test case is on its way to your support address, support@shop.example"}, []string{"USD", "invoice", "reviews"}},
		{host, "pending_member_consent", []string{"already uses Tandem", "its admins must confirm", "Then Acme reviews your sign-up"}, []string{"USD"}},
	} {
		d.Program, d.Status = tc.prg, tc.status
		text := strings.Join(d.Next(), " ")
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s, %s pays: lacks %q: %s", tc.status, tc.prg.Payment, w, text)
			}
		}
		for _, w := range append(tc.not, tc.status, "_") {
			if strings.Contains(text, w) {
				t.Errorf("%s, %s pays: says %q: %s", tc.status, tc.prg.Payment, w, text)
			}
		}
	}
}
