package merger

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/member"
)

func TestPlaceOf(t *testing.T) {
	for _, c := range []struct {
		st   enrollment.Status
		held bool
		want Place
	}{
		{enrollment.Active, false, TakePlace},
		{enrollment.Active, true, PlaceTaken},
		{enrollment.Lapsed, false, TakePlace},
		{enrollment.Removed, true, PlaceTaken}, // holds its place until rejected: given back either way
		{enrollment.PendingMemberConsent, false, NoPlace},
		{enrollment.PendingMemberConsent, true, NoPlace},
		{enrollment.Rejected, true, NoPlace},
	} {
		if got := PlaceOf(enrollment.Enrollment{Status: c.st}, c.held); got != c.want {
			t.Errorf("PlaceOf(%s, A holds %v) = %d, want %d", c.st, c.held, got, c.want)
		}
	}
}

func TestMovedEndsOnlyALiveEnrollmentWhoseTargetHasAPlace(t *testing.T) {
	m := Merger{From: "mem_B", Into: "mem_A", FromName: "Beta", IntoName: "Acme"}
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	e := enrollment.Enrollment{ID: "enr_1", MemberID: "mem_B", MemberName: "Beta", Status: enrollment.Active, Version: 3}

	took := Moved(e, m, member.Member{}, TakePlace, now)
	if took.MemberID != "mem_A" || took.MemberName != "Acme" || took.Status != enrollment.Active || took.Version != 4 || !took.UpdatedAt.Equal(now) {
		t.Errorf("taking the place: %+v", took)
	}
	ended := Moved(e, m, member.Member{}, PlaceTaken, now)
	if ended.Status != enrollment.Removed || ended.Reason == "" || ended.MemberID != "mem_A" {
		t.Errorf("A already in the program: %+v", ended)
	}
	e.Status = enrollment.Terminated
	if st := Moved(e, m, member.Member{}, PlaceTaken, now).Status; st != enrollment.Terminated {
		t.Errorf("an ended enrollment changed status to %s", st)
	}
	if e.MemberID != "mem_B" {
		t.Error("Moved changed its argument")
	}
}

// A moved enrollment is the acquirer's: its company is named A and its
// contacts are A's (primary, escalation, billing; A's primary as the
// support contact, a member having none), in whatever status it ends. A
// contact A has no address for stays the enrollment's own.
func TestMovedTakesTheAcquirersNameAndContacts(t *testing.T) {
	m := Merger{From: "mem_B", Into: "mem_A", FromName: "Beta", IntoName: "Acme"}
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	c := func(who string) member.Contact { return member.Contact{Name: who, Email: who + "@x.example"} }
	beta := enrollment.Contacts{Primary: c("b-primary"), Support: c("b-support"), Escalation: c("b-esc"), Billing: c("b-bill")}
	e := enrollment.Enrollment{ID: "enr_1", MemberID: "mem_B", MemberName: "Beta", Status: enrollment.Active, Version: 3,
		Company: enrollment.Company{Name: "Beta Inc", Website: "https://beta.example", Country: "DE"}, Contacts: beta}
	for _, tc := range []struct {
		name  string
		acme  member.Contacts
		place Place
		want  enrollment.Contacts
	}{
		{"taking the place", member.Contacts{Primary: c("a-primary"), Escalation: c("a-esc"), Billing: c("a-bill")}, TakePlace,
			enrollment.Contacts{Primary: c("a-primary"), Support: c("a-primary"), Escalation: c("a-esc"), Billing: c("a-bill")}},
		{"ended as A had a place", member.Contacts{Primary: c("a-primary"), Escalation: c("a-esc"), Billing: c("a-bill")}, PlaceTaken,
			enrollment.Contacts{Primary: c("a-primary"), Support: c("a-primary"), Escalation: c("a-esc"), Billing: c("a-bill")}},
		{"A without a billing address", member.Contacts{Primary: c("a-primary"), Escalation: c("a-esc"), Billing: member.Contact{Name: "nobody"}}, TakePlace,
			enrollment.Contacts{Primary: c("a-primary"), Support: c("a-primary"), Escalation: c("a-esc"), Billing: c("b-bill")}},
		{"A with no contacts on record", member.Contacts{}, TakePlace, beta},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Moved(e, m, member.Member{ID: "mem_A", Name: "Acme", Contacts: tc.acme}, tc.place, now)
			if got.Contacts != tc.want {
				t.Errorf("contacts %+v\nwant %+v", got.Contacts, tc.want)
			}
			if got.Company != (enrollment.Company{Name: "Acme", Website: "https://beta.example", Country: "DE"}) {
				t.Errorf("company %+v, want named Acme (website and country as signed up)", got.Company)
			}
		})
	}
	if e.Contacts != beta || e.Company.Name != "Beta Inc" {
		t.Error("Moved changed its argument")
	}
}

func TestTellHost(t *testing.T) {
	for _, c := range []struct {
		st    enrollment.Status
		place Place
		want  bool
	}{
		{enrollment.Active, TakePlace, true},
		{enrollment.Validating, PlaceTaken, true},
		{enrollment.Terminated, TakePlace, false},
		{enrollment.Removed, PlaceTaken, false},
		{enrollment.Rejected, NoPlace, false},
	} {
		if got := TellHost(enrollment.Enrollment{Status: c.st}, c.place); got != c.want {
			t.Errorf("TellHost(%s, %d) = %v", c.st, c.place, got)
		}
	}
}

func TestCountsText(t *testing.T) {
	if got := (Counts{}).text(); got != "nothing to move" {
		t.Errorf("empty: %q", got)
	}
	c := Counts{Users: 2, Cases: 10, HostsTold: 3}
	if got := c.text(); got != "2 users, 10 cases moved" {
		t.Errorf("text: %q", got)
	}
	if c.Total() != 12 {
		t.Errorf("total %d, want 12 (hosts told are mail, not objects)", c.Total())
	}
}
