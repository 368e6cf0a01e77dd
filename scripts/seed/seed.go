// Package seed writes demo data for `make run`, through the same services the
// API uses, so what a newcomer sees is what the product does.
//
// Demo seeds only what is missing: `make run` keeps its table across
// restarts, so on a seeded table it finds each demo object (by the domain,
// slug, name or place that makes it unique) and writes nothing twice; what
// a newcomer changed or added stays as they left it.
package seed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
)

// The demo's unique names: what Demo looks for before it writes.
const (
	hostDomain    = "acme-storage.example"
	hostAdmin     = "alliances@acme-storage.example"
	programSlug   = "acme-partners"
	depName       = "Acme storage support"
	partnerDomain = "hypervisor-co.example"
	partnerAdmin  = "pat@hypervisor-co.example"
)

// partnerContacts are the demo partner's contacts: its member's and its
// enrollment's (mail about its place goes to them).
var partnerContacts = member.Contacts{
	Primary:    member.Contact{Name: "Pat Partner", Email: partnerAdmin, Phone: "+1 555 0200"},
	Escalation: member.Contact{Name: "Eli Escalation", Email: "escalations@hypervisor-co.example"},
	Billing:    member.Contact{Name: "Bea Billing", Email: "billing@hypervisor-co.example"},
}

// Demo seeds a demo host member, its program and department, a partner
// live in the program with a case open to the host, and returns lines to
// print about them. Run again on a seeded table it adds only what is
// missing (see the package comment).
func Demo(ctx context.Context, a *app.App, now time.Time) (string, error) {
	op := auth.Principal{Operator: true, UserID: "seed"}
	host, hostToken, err := demoMember(ctx, a, op, member.NewMember{
		Name: "Acme Storage", Domain: hostDomain, Kind: member.Full,
		Contacts: member.Contacts{
			Primary:    member.Contact{Name: "Alex Host", Email: hostAdmin, Phone: "+1 555 0100"},
			Escalation: member.Contact{Name: "Esme Escalation", Email: "escalations@acme-storage.example"},
			Billing:    member.Contact{Name: "Bill Ing", Email: "billing@acme-storage.example"},
		},
	})
	if err != nil {
		return "", fmt.Errorf("demo host: %w", err)
	}
	hostUser, err := adminUser(ctx, a, host.ID, hostAdmin)
	if err != nil {
		return "", fmt.Errorf("demo host: %w", err)
	}
	prg, err := demoProgram(ctx, a, hostUser.Principal(), host.ID)
	if err != nil {
		return "", fmt.Errorf("demo program: %w", err)
	}
	dep, err := demoDepartment(ctx, a, hostUser.Principal(), host.ID, prg.ID)
	if err != nil {
		return "", fmt.Errorf("demo department: %w", err)
	}
	// A partner already live in the program, with a case open to the host.
	partner, partnerToken, err := demoMember(ctx, a, op, member.NewMember{
		Name: "Hypervisor Co", Domain: partnerDomain, Kind: member.Limited, Contacts: partnerContacts,
	})
	if err != nil {
		return "", fmt.Errorf("demo partner: %w", err)
	}
	partnerUser, err := adminUser(ctx, a, partner.ID, partnerAdmin)
	if err != nil {
		return "", fmt.Errorf("demo partner: %w", err)
	}
	if err := demoEnrollment(ctx, a, prg, partner, now); err != nil {
		return "", fmt.Errorf("demo enrollment: %w", err)
	}
	caseLine, err := demoCase(ctx, a, partnerUser.Principal(), dep.ID, prg.ID)
	if err != nil {
		return "", fmt.Errorf("demo case: %w", err)
	}
	hostLink, err := a.Services.Sessions.IssueLink(ctx, hostUser, "/inbox")
	if err != nil {
		return "", fmt.Errorf("demo sign-in link: %w", err)
	}
	partnerLink, err := a.Services.Sessions.IssueLink(ctx, partnerUser, "/outbox")
	if err != nil {
		return "", fmt.Errorf("demo sign-in link: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  Sign in (one click, 15 minutes; then /login mails new links to the SES inbox):\n")
	fmt.Fprintf(&b, "    as the host's admin        %s/_local/signin/%s   (inbox with the demo case; Programs, People in the header)\n", a.Config.BaseURL, hostLink)
	fmt.Fprintf(&b, "    as the partner's engineer  %s/_local/signin/%s   (outbox)\n", a.Config.BaseURL, partnerLink)
	if len(a.Config.OperatorEmails) > 0 {
		fmt.Fprintf(&b, "    as an operator             %s/login with %s   (the link arrives in the web inbox; then /operator)\n", a.Config.BaseURL, a.Config.OperatorEmails[0])
	}
	fmt.Fprintf(&b, "  Demo host         %s (%s), admin token %s\n", host.Name, host.ID, tokenLine(hostToken))
	fmt.Fprintf(&b, "  Demo program      %s — landing page %s/p/%s\n", prg.Name, a.Config.BaseURL, prg.Slug)
	fmt.Fprintf(&b, "  Demo partner      %s (%s), admin token %s\n", partner.Name, partner.ID, tokenLine(partnerToken))
	fmt.Fprintf(&b, "  Demo case         %s\n", caseLine)
	return b.String(), nil
}

// tokenLine is an admin token as the banner shows it: only the run that
// made it knows it (the table keeps its hash).
func tokenLine(token string) string {
	if token == "" {
		return "(printed when it was made; make another on the People page)"
	}
	return token
}

// demoMember is the member at in.Domain, created (by an operator) when
// there is none; token is its first admin's API token, "" when it existed.
func demoMember(ctx context.Context, a *app.App, op auth.Principal, in member.NewMember) (m member.Member, token string, err error) {
	id, ok, err := a.Store.MemberIDByDomain(ctx, in.Domain)
	if err != nil {
		return member.Member{}, "", err
	}
	if ok {
		m, err := a.Store.GetMember(ctx, id)
		return m, "", err
	}
	c, err := a.Services.Members.Create(ctx, op, in, idem.None)
	if err != nil {
		return member.Member{}, "", err
	}
	return c.Member, c.AdminToken, nil
}

// adminUser is the member's user at email if it is still an admin, else
// any active admin of the member (the newcomer may have changed roles).
func adminUser(ctx context.Context, a *app.App, memberID, email string) (member.User, error) {
	users, err := a.Store.ListMemberUsers(ctx, memberID)
	if err != nil {
		return member.User{}, err
	}
	admin := func(u member.User) bool {
		return u.Status == member.UserActive && slices.Contains(u.Roles, auth.RoleAdmin)
	}
	if i := slices.IndexFunc(users, func(u member.User) bool { return admin(u) && strings.EqualFold(u.Email, email) }); i >= 0 {
		return users[i], nil
	}
	if i := slices.IndexFunc(users, admin); i >= 0 {
		return users[i], nil
	}
	return member.User{}, fmt.Errorf("member %s has no active admin left to sign in as", memberID)
}

// demoProgram is the program at programSlug, created when there is none.
func demoProgram(ctx context.Context, a *app.App, host auth.Principal, hostID string) (program.Program, error) {
	id, err := a.Store.ProgramIDBySlug(ctx, programSlug)
	switch {
	case err == nil:
		return a.Store.GetProgram(ctx, id)
	case !errors.Is(err, apperr.ErrNotFound):
		return program.Program{}, err
	}
	return a.Services.Programs.Create(ctx, host, program.Input{
		Slug: programSlug, Name: "Acme Partner Connect", HostMemberID: hostID, Type: program.PartnerProgram,
		Payment: program.MemberPaid, PrimaryContact: member.Contact{Name: "Alex Host", Email: hostAdmin},
		NotifyEmails: []string{hostAdmin},
		Addendum:     program.Addendum{Version: "2026-1", Text: "1. Each party supports its own products.\n2. Cases carry only the customer data needed to resolve them.\n3. Either party may end the collaboration with 30 days' notice."},
		Landing: program.Landing{
			About: "Acme Partner Connect brings storage and hypervisor vendors together so that mutual customers get one answer.\nJoin to open collaboration cases with Acme support engineers under agreed response times.",
			Links: []program.Link{{Title: "Partner program guide", URL: "https://acme-storage.example/partners/guide"}, {Title: "Support policy", URL: "https://acme-storage.example/support"}},
		},
		PreApproved: []string{"trusted-partner.example"},
	}, idem.None)
}

// demoDepartment is the host's department named depName, created (serving
// the program) when there is none.
func demoDepartment(ctx context.Context, a *app.App, host auth.Principal, hostID, programID string) (department.Department, error) {
	deps, err := a.Store.ListMemberDepartments(ctx, hostID)
	if err != nil {
		return department.Department{}, err
	}
	if i := slices.IndexFunc(deps, func(d department.Department) bool { return d.Name == depName }); i >= 0 {
		return deps[i], nil
	}
	return a.Services.Departments.Create(ctx, host, hostID, department.Input{
		Name: depName, ProgramIDs: []string{programID},
		Inbound: department.Inbound{
			Email: "support@acme-storage.example", Phone: "+1 555 0199",
			Hours:      hours.Hours{Zone: "America/New_York", Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00"},
			Escalation: member.Contact{Name: "Esme Escalation", Email: "escalations@acme-storage.example"},
		},
	}, idem.None)
}

// demoEnrollment gives the partner its active place in the program, with
// the company and contacts a sign-up would have given it (mail about the
// place goes to them), unless it has a place there already.
func demoEnrollment(ctx context.Context, a *app.App, prg program.Program, partner member.Member, now time.Time) error {
	es, err := a.Store.ListMemberEnrollments(ctx, partner.ID)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(es, func(e enrollment.Enrollment) bool { return e.ProgramID == prg.ID }) {
		return nil
	}
	return a.Store.Seed().Enrollments(ctx, []enrollment.Enrollment{demoPlace(prg, partner, now)})
}

// demoPlace is the demo partner's active place in prg: its company and
// its four contacts filled in as a sign-up fills them (the support contact
// is the primary one), so no mail about it goes to an empty address.
func demoPlace(prg program.Program, partner member.Member, now time.Time) enrollment.Enrollment {
	c := partner.Contacts
	return enrollment.Enrollment{
		ID: ident.New(ident.Enrollment, now), ProgramID: prg.ID, MemberID: partner.ID, MemberName: partner.Name,
		HostMemberID: prg.HostMemberID, Status: enrollment.Active, Email: c.Primary.Email, Paid: true,
		Company:  enrollment.Company{Name: partner.Name, Website: "https://" + partner.Domain, Country: "US"},
		Contacts: enrollment.Contacts{Primary: c.Primary, Support: c.Primary, Escalation: c.Escalation, Billing: c.Billing},
		Addendum: enrollment.Acceptance{Version: prg.Addendum.Version, Name: c.Primary.Name, Title: "Alliances", At: now},
		GoLiveAt: now, RenewalDate: now.AddDate(1, 0, 0), CreatedAt: now, UpdatedAt: now, Version: 1,
	}
}

// demoCase opens the demo case unless the partner has opened one already
// (the demo's, or the newcomer's own); it returns the line to print.
func demoCase(ctx context.Context, a *app.App, partner auth.Principal, depID, programID string) (string, error) {
	opened, _, err := a.Store.ListCases(ctx, collab.Outbox, partner.MemberID, "", 1, "")
	if err != nil {
		return "", err
	}
	if len(opened) > 0 {
		c := opened[0]
		return fmt.Sprintf("%s (%s; seeded on an earlier run, or the newest the partner opened)", c.ID, c.Status), nil
	}
	cs, err := a.Services.Cases.Open(ctx, partner, collab.NewCase{
		DepartmentID: depID, ProgramID: programID, Priority: program.High, Summary: "Guests freeze during array snapshots",
		Description: "Since firmware 9.2 every nightly snapshot stalls guest I/O for about 40 seconds.",
		Customer:    &collab.Customer{Company: "Initech", ContactName: "Peter Gibbons", ContactEmail: "peter@initech.example", CaseNumber: "INI-42"},
		Fields:      map[string]any{"product": "Array 9000", "version": "9.2.1"},
	}, idem.None)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s (open, due %s)", cs.ID, cs.ResponseDueAt.Format(time.RFC3339)), nil
}
