package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
)

// livePartner seeds an active partner of h's program as onboarding leaves
// it — the member with its admin (also an engineer), its department serving
// the program with the program's form, its active enrollment — without
// walking through onboarding (TestOnboardingThroughTheMails does that): for
// tests whose subject is what a live partner does. It returns the partner
// and its admin's token.
func livePartner(t *testing.T, e *localtest.Env, h host, company string) (partner, string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	domain := strings.ToLower(strings.ReplaceAll(company, " ", "")) + "." + e.Domain
	p := partner{Domain: domain, Email: "primary@" + domain}
	contact := func(role string) member.Contact {
		return member.Contact{Name: strings.ToUpper(role[:1]) + role[1:] + " Person", Email: role + "@" + domain, Phone: "+49 30 123456"}
	}
	m, admin, cred, token := member.Build(member.NewMember{
		Name: company, Domain: domain, Kind: member.Limited,
		Contacts: member.Contacts{Primary: contact("primary"), Escalation: contact("escalation"), Billing: contact("billing")},
	}, now)
	if err := e.App.Store.CreateMember(ctx, m, admin, cred, nil, idem.None); err != nil {
		t.Fatalf("seed %s: %v", company, err)
	}
	prg, err := e.App.Store.GetProgram(ctx, h.ProgramID)
	if err != nil {
		t.Fatal(err)
	}
	dep := department.Department{
		ID: ident.New(ident.Department, now), MemberID: m.ID, Name: company + " support", ProgramIDs: []string{prg.ID}, Form: prg.Form,
		Inbound: department.Inbound{
			Email: "support@" + domain, Phone: "+49 30 999", Escalation: contact("escalation"), Instructions: "Quote the customer's serial number.",
			Hours: hours.Hours{Zone: "Europe/Berlin", Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00"},
		},
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	// A live partner's addresses were confirmed when it went live.
	dep.Confirmed = confirmation.Confirmed{}.With(dep.Inbound.Email).With(dep.Inbound.Escalation.Email)
	if err := e.App.Store.CreateDepartment(ctx, dep, nil, idem.None); err != nil {
		t.Fatalf("seed %s's department: %v", company, err)
	}
	en := enrollment.Enrollment{
		ID: ident.New(ident.Enrollment, now), ProgramID: prg.ID, MemberID: m.ID, MemberName: m.Name, HostMemberID: prg.HostMemberID,
		Status: enrollment.Active, Email: p.Email, Company: enrollment.Company{Name: company, Website: "https://" + domain, Country: "DE"},
		Contacts:     enrollment.Contacts{Primary: contact("primary"), Support: contact("support"), Escalation: contact("escalation"), Billing: contact("billing")},
		DepartmentID: dep.ID, Addendum: enrollment.Acceptance{Version: prg.Addendum.Version, Name: "Pat Partner", Title: "CEO", At: now},
		HostPaid: prg.Payment == program.HostPaid, Paid: prg.Payment == program.MemberPaid, GoLiveAt: now,
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if !en.HostPaid {
		en.RenewalDate = billing.AddYears(now, 1)
	}
	if err := e.App.Store.Seed().Enrollments(ctx, []enrollment.Enrollment{en}); err != nil {
		t.Fatalf("seed %s's enrollment: %v", company, err)
	}
	p.EnrollmentID, p.MemberID = en.ID, m.ID
	return p, token
}

// expect fails the test unless res answered status; what names the step.
func expect(t *testing.T, res localtest.Response, status int, what string) localtest.Response {
	t.Helper()
	if res.Status != status {
		t.Fatalf("%s: got %d %s, want %d", what, res.Status, res.Body, status)
	}
	return res
}
