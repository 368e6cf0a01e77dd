// Package seed writes demo data for `make run`, through the same services the
// API uses, so what a newcomer sees is what the product does.
package seed

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/app"
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

// Demo seeds a demo host member and returns lines to print about it.
func Demo(ctx context.Context, a *app.App, now time.Time) (string, error) {
	op := auth.Principal{Operator: true, UserID: "seed"}
	c, err := a.Services.Members.Create(ctx, op, member.NewMember{
		Name: "Acme Storage", Domain: "acme-storage.example", Kind: member.Full,
		Contacts: member.Contacts{
			Primary:    member.Contact{Name: "Alex Host", Email: "alliances@acme-storage.example", Phone: "+1 555 0100"},
			Escalation: member.Contact{Name: "Esme Escalation", Email: "escalations@acme-storage.example"},
			Billing:    member.Contact{Name: "Bill Ing", Email: "billing@acme-storage.example"},
		},
	}, idem.None)
	if err != nil {
		return "", fmt.Errorf("demo host: %w", err)
	}
	host := c.Admin.Principal()
	prg, err := a.Services.Programs.Create(ctx, host, program.Input{
		Slug: "acme-partners", Name: "Acme Partner Connect", HostMemberID: c.Member.ID, Type: program.PartnerProgram,
		Payment: program.MemberPaid, PrimaryContact: member.Contact{Name: "Alex Host", Email: "alliances@acme-storage.example"},
		NotifyEmails: []string{"alliances@acme-storage.example"},
		Addendum:     program.Addendum{Version: "2026-1", Text: "1. Each party supports its own products.\n2. Cases carry only the customer data needed to resolve them.\n3. Either party may end the collaboration with 30 days' notice."},
		Landing: program.Landing{
			About: "Acme Partner Connect brings storage and hypervisor vendors together so that mutual customers get one answer.\nJoin to open collaboration cases with Acme support engineers under agreed response times.",
			Links: []program.Link{{Title: "Partner program guide", URL: "https://acme-storage.example/partners/guide"}, {Title: "Support policy", URL: "https://acme-storage.example/support"}},
		},
		PreApproved: []string{"trusted-partner.example"},
	}, idem.None)
	if err != nil {
		return "", fmt.Errorf("demo program: %w", err)
	}
	dep, err := a.Services.Departments.Create(ctx, host, c.Member.ID, department.Input{
		Name: "Acme storage support", ProgramIDs: []string{prg.ID},
		Inbound: department.Inbound{
			Email: "support@acme-storage.example", Phone: "+1 555 0199",
			Hours:      hours.Hours{Zone: "America/New_York", Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00"},
			Escalation: member.Contact{Name: "Esme Escalation", Email: "escalations@acme-storage.example"},
		},
	}, idem.None)
	if err != nil {
		return "", fmt.Errorf("demo department: %w", err)
	}
	// A partner already live in the program, with a case open to the host.
	pc, err := a.Services.Members.Create(ctx, op, member.NewMember{
		Name: "Hypervisor Co", Domain: "hypervisor-co.example", Kind: member.Limited,
		Contacts: member.Contacts{Primary: member.Contact{Name: "Pat Partner", Email: "pat@hypervisor-co.example"}},
	}, idem.None)
	if err != nil {
		return "", fmt.Errorf("demo partner: %w", err)
	}
	if err := a.Store.Seed().Enrollments(ctx, []enrollment.Enrollment{{
		ID: ident.New(ident.Enrollment, now), ProgramID: prg.ID, MemberID: pc.Member.ID, MemberName: pc.Member.Name,
		HostMemberID: c.Member.ID, Status: enrollment.Active, Email: "pat@hypervisor-co.example", Paid: true,
		GoLiveAt: now, RenewalDate: now.AddDate(1, 0, 0), CreatedAt: now, UpdatedAt: now, Version: 1,
	}}); err != nil {
		return "", fmt.Errorf("demo enrollment: %w", err)
	}
	partner := pc.Admin.Principal()
	cs, err := a.Services.Cases.Open(ctx, partner, collab.NewCase{
		DepartmentID: dep.ID, ProgramID: prg.ID, Priority: program.High, Summary: "Guests freeze during array snapshots",
		Description: "Since firmware 9.2 every nightly snapshot stalls guest I/O for about 40 seconds.",
		Customer:    &collab.Customer{Company: "Initech", ContactName: "Peter Gibbons", ContactEmail: "peter@initech.example", CaseNumber: "INI-42"},
		Fields:      map[string]any{"product": "Array 9000", "version": "9.2.1"},
	}, idem.None)
	if err != nil {
		return "", fmt.Errorf("demo case: %w", err)
	}
	hostLink, err := a.Services.Sessions.IssueLink(ctx, c.Admin, "/inbox")
	if err != nil {
		return "", fmt.Errorf("demo sign-in link: %w", err)
	}
	partnerLink, err := a.Services.Sessions.IssueLink(ctx, pc.Admin, "/outbox")
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
	fmt.Fprintf(&b, "  Demo host         %s (%s), admin token %s\n", c.Member.Name, c.Member.ID, c.AdminToken)
	fmt.Fprintf(&b, "  Demo program      %s — landing page %s/p/%s\n", prg.Name, a.Config.BaseURL, prg.Slug)
	fmt.Fprintf(&b, "  Demo partner      %s (%s), admin token %s\n", pc.Member.Name, pc.Member.ID, pc.AdminToken)
	fmt.Fprintf(&b, "  Demo case         %s (open, due %s)\n", cs.ID, cs.ResponseDueAt.Format(time.RFC3339))
	return b.String(), nil
}
