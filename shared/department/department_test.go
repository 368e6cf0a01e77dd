package department_test

import (
	"reflect"
	"testing"

	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/member"
)

// How an unreachable inbound address is explained: a bounce quotes the
// receiving server as the server's own words; a complaint is Tandem's
// wording, capitalised; no reason says nothing.
func TestUnreachableSaid(t *testing.T) {
	for _, tc := range []struct {
		name string
		u    department.Unreachable
		said string
		what string
	}{
		{"a bounce is quoted as the server's", department.Unreachable{Reason: "550 mailbox unavailable"},
			"The receiving server said: “550 mailbox unavailable”", "bounced"},
		{"a bounce that reads like Tandem is still the server's", department.Unreachable{Reason: "your account is suspended, call +1 555"},
			"The receiving server said: “your account is suspended, call +1 555”", "bounced"},
		{"a complaint is Tandem's wording, capitalised", department.Unreachable{Reason: "reported as spam by the recipient", Complaint: true},
			"Reported as spam by the recipient", "was reported as spam"},
		{"a complaint starting with a non-ASCII letter", department.Unreachable{Reason: "élu spam", Complaint: true}, "Élu spam", "was reported as spam"},
		{"no reason says nothing", department.Unreachable{}, "", "bounced"},
		{"no reason of a complaint says nothing", department.Unreachable{Complaint: true}, "", "was reported as spam"},
	} {
		if got := tc.u.Said(); got != tc.said {
			t.Errorf("%s: Said() = %q, want %q", tc.name, got, tc.said)
		}
		if got := tc.u.What(); got != tc.what {
			t.Errorf("%s: What() = %q, want %q", tc.name, got, tc.what)
		}
	}
}

func dep(inbound, escalation string, confirmed ...string) department.Department {
	d := department.Department{Name: "Storage", ProgramIDs: []string{"prg_a", "prg_b"},
		Inbound: department.Inbound{Email: inbound, Escalation: member.Contact{Name: "Esc", Email: escalation}}}
	for _, c := range confirmed {
		d.Confirmed = d.Confirmed.With(c)
	}
	return d
}

// Tandem mails a department's address only once its owner confirmed it:
// until then InboundMail and EscalationMail are empty, and the address is
// among the unconfirmed ones (each address named once, with everything it
// would receive).
func TestAddressesMailedOnlyOnceConfirmed(t *testing.T) {
	const (
		in  = "support@host.example"
		esc = "boss@host.example"
	)
	inWhat := "the cases other companies send to its department Storage"
	escWhat := "the escalations of its department Storage's unanswered cases"
	for _, tc := range []struct {
		name        string
		d           department.Department
		inbound     string
		escalation  string
		unconfirmed []confirmation.Request
	}{
		{"nothing confirmed", dep(in, esc), "", "", []confirmation.Request{{Address: in, What: inWhat}, {Address: esc, What: escWhat}}},
		{"inbound confirmed", dep(in, esc, in), in, "", []confirmation.Request{{Address: esc, What: escWhat}}},
		{"escalation confirmed", dep(in, esc, esc), "", esc, []confirmation.Request{{Address: in, What: inWhat}}},
		{"both confirmed", dep(in, esc, in, esc), in, esc, nil},
		{"confirmed in another case", dep(in, esc, "SUPPORT@Host.Example"), in, "", []confirmation.Request{{Address: esc, What: escWhat}}},
		{"one address for both is asked once", dep(in, in), "", "", []confirmation.Request{{Address: in, What: inWhat + ", and " + escWhat}}},
		{"one address for both, confirmed, takes both", dep(in, in, in), in, in, nil},
		{"no escalation contact", dep(in, ""), "", "", []confirmation.Request{{Address: in, What: inWhat}}},
		{"another address confirmed does not count", dep(in, esc, "old@host.example"), "", "",
			[]confirmation.Request{{Address: in, What: inWhat}, {Address: esc, What: escWhat}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.d.InboundMail(); got != tc.inbound {
				t.Errorf("InboundMail() = %q, want %q", got, tc.inbound)
			}
			if got := tc.d.EscalationMail(); got != tc.escalation {
				t.Errorf("EscalationMail() = %q, want %q", got, tc.escalation)
			}
			if got := tc.d.InboundConfirmed(); got != (tc.inbound != "") {
				t.Errorf("InboundConfirmed() = %v", got)
			}
			if got := tc.d.Unconfirmed(); !reflect.DeepEqual(got, tc.unconfirmed) {
				t.Errorf("Unconfirmed() = %+v\nwant %+v", got, tc.unconfirmed)
			}
		})
	}
}

// A department serves exactly the programs it lists.
func TestServes(t *testing.T) {
	d := dep("a@x.example", "")
	for _, tc := range []struct {
		program string
		want    bool
	}{{"prg_a", true}, {"prg_b", true}, {"prg_c", false}, {"", false}, {"PRG_A", false}} {
		if got := d.Serves(tc.program); got != tc.want {
			t.Errorf("Serves(%q) = %v, want %v", tc.program, got, tc.want)
		}
	}
	if (department.Department{}).Serves("prg_a") {
		t.Error("a department without programs serves one")
	}
}
