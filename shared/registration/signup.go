package registration

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
)

// InboundInput is the partner's inbound support process.
type InboundInput struct {
	Email        string      `json:"email"`
	Phone        string      `json:"phone"`
	WebhookURL   string      `json:"webhookUrl,omitempty"`
	Hours        hours.Hours `json:"hours"`
	Instructions string      `json:"instructions,omitempty"`
}

// AcceptInput is the acceptance of the program's addendum.
type AcceptInput struct {
	Version string `json:"version"`
	Name    string `json:"name"`
	Title   string `json:"title"`
}

// SignupInput is the body of POST /v1/signups.
type SignupInput struct {
	Token          string              `json:"token"`
	Company        enrollment.Company  `json:"company"`
	Contacts       enrollment.Contacts `json:"contacts"`
	Inbound        InboundInput        `json:"inbound"`
	AcceptAddendum AcceptInput         `json:"acceptAddendum"`
}

// Result is what a sign-up created.
type Result struct {
	EnrollmentID string
	MemberID     string
	Status       enrollment.Status
	ProgramName  string
	Email        string
}

// Check validates everything but the token, naming each bad field.
func (in SignupInput) Check(ctx context.Context, checkURL department.URLChecker) (SignupInput, error) {
	f := apperr.Fields{}
	out := SignupInput{Token: strings.TrimSpace(in.Token)}
	if out.Token == "" {
		f.Add("token", "is required: use the link from the verification mail")
	}
	out.Company = enrollment.Company{
		Name:    input.Text(f, "company.name", in.Company.Name, 200),
		Website: input.URL(f, "company.website", in.Company.Website, false),
		Country: strings.ToUpper(strings.TrimSpace(in.Company.Country)),
	}
	if out.Company.Country == "" {
		f.Add("company.country", "is required")
	} else if !knownCountry(out.Company.Country) {
		f.Add("company.country", "must be an ISO 3166 country code like DE or US")
	}
	out.Contacts.Primary = in.Contacts.Primary.Check(f, "contacts.primary")
	out.Contacts.Support = in.Contacts.Support.Check(f, "contacts.support")
	out.Contacts.Escalation = in.Contacts.Escalation.Check(f, "contacts.escalation")
	out.Contacts.Billing = in.Contacts.Billing.Check(f, "contacts.billing")
	out.Inbound = InboundInput{
		Email:        input.Email(f, "inbound.email", in.Inbound.Email),
		Phone:        input.Phone(f, "inbound.phone", in.Inbound.Phone, true),
		WebhookURL:   input.OptionalURL(f, "inbound.webhookUrl", in.Inbound.WebhookURL, true),
		Hours:        in.Inbound.Hours.Check(f, "inbound.hours"),
		Instructions: input.OptionalText(f, "inbound.instructions", in.Inbound.Instructions, 5000),
	}
	if out.Inbound.WebhookURL != "" && checkURL != nil {
		if _, bad := f["inbound.webhookUrl"]; !bad {
			if err := checkURL(ctx, out.Inbound.WebhookURL); err != nil {
				f.Add("inbound.webhookUrl", err.Error())
			}
		}
	}
	out.AcceptAddendum = AcceptInput{
		Version: input.Text(f, "acceptAddendum.version", in.AcceptAddendum.Version, 40),
		Name:    input.Text(f, "acceptAddendum.name", in.AcceptAddendum.Name, 200),
		Title:   input.Text(f, "acceptAddendum.title", in.AcceptAddendum.Title, 200),
	}
	return out, f.Err()
}

// SignUp enrolls the company behind a verified sign-up link.
func (s *Service) SignUp(ctx context.Context, raw SignupInput, checkURL department.URLChecker, claim idem.Claim) (Result, error) {
	in, err := raw.Check(ctx, checkURL)
	if err != nil {
		return Result{}, err
	}
	hash := auth.Hash(in.Token)
	tok, err := s.store.GetSignupToken(ctx, hash)
	now := s.Now()
	switch {
	case errors.Is(err, apperr.ErrNotFound) || !strings.HasPrefix(in.Token, "sgn_"):
		return Result{}, apperr.InvalidField("token", "is not a valid sign-up link; register again on the program's page")
	case err != nil:
		return Result{}, err
	case tok.Used:
		return Result{}, apperr.Conflict("this sign-up link was already used; register again on the program's page for a new one")
	case !now.Before(tok.ExpiresAt):
		return Result{}, apperr.InvalidField("token", "has expired (links are valid for 24 hours); register again for a new one")
	}
	prg, err := s.store.GetProgram(ctx, tok.ProgramID)
	if err != nil {
		return Result{}, err
	}
	if in.AcceptAddendum.Version != prg.Addendum.Version {
		return Result{}, &apperr.Error{
			Kind:    apperr.ErrConflict,
			Message: fmt.Sprintf("the program's addendum is now version %s; review it and accept that version", prg.Addendum.Version),
			Fields:  map[string]string{"acceptAddendum.version": "must be the current version, " + prg.Addendum.Version},
		}
	}
	var res Result
	for attempt := 0; attempt < 2; attempt++ {
		res, err = s.signUp(ctx, in, tok, prg, now, claim)
		if !errors.Is(err, errDomainTaken) {
			break
		}
		// Another sign-up created the member a moment ago: join it.
	}
	return res, err
}

var errDomainTaken = errors.New("domain taken")

// ErrDomainTaken is what the store returns when a new member's domain was
// claimed concurrently; the sign-up retries as that member.
var ErrDomainTaken = fmt.Errorf("a member with this domain was just created: %w", errDomainTaken)

func (s *Service) signUp(ctx context.Context, in SignupInput, tok SignupToken, prg program.Program, now time.Time, claim idem.Claim) (Result, error) {
	_, domain, _ := strings.Cut(tok.Email, "@")
	su := Signup{TokenHash: tok.Hash, ProgramID: prg.ID, AddendumVersion: prg.Addendum.Version, Now: now, Claim: claim}
	e := enrollment.Enrollment{
		ID: ident.New(ident.Enrollment, now), ProgramID: prg.ID, HostMemberID: prg.HostMemberID,
		Email: tok.Email, Company: in.Company, Contacts: in.Contacts,
		Addendum: enrollment.Acceptance{Version: in.AcceptAddendum.Version, Name: in.AcceptAddendum.Name, Title: in.AcceptAddendum.Title, At: now},
		HostPaid: prg.Payment == program.HostPaid, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	proposal := enrollment.Proposal{
		DepartmentName: in.Company.Name + " support",
		Inbound: department.Inbound{
			Email: in.Inbound.Email, Phone: in.Inbound.Phone, WebhookURL: in.Inbound.WebhookURL, Hours: in.Inbound.Hours,
			Instructions: in.Inbound.Instructions, Escalation: in.Contacts.Escalation,
		},
	}

	existing, err := s.existingMember(ctx, domain)
	if err != nil {
		return Result{}, err
	}
	if existing != nil {
		// The address is at a member's domain, but that does not make its
		// owner that member's voice: its admins decide, and until they do
		// nothing is written inside the member.
		if existing.ID == prg.HostMemberID {
			return Result{}, apperr.Conflict("%s hosts this program and cannot join it as a partner", prg.HostName)
		}
		users, err := s.store.ListMemberUsers(ctx, existing.ID)
		if err != nil {
			return Result{}, err
		}
		e.MemberID, e.MemberName, e.ExistingMember = existing.ID, existing.Name, true
		e.Status, e.Proposal = enrollment.PendingMemberConsent, &proposal
		su.Messages = enrollment.AskConsent(e, *existing, enrollment.ConsentAddresses(*existing, users), prg, s.Origin, s.Links, now)
	} else {
		m := member.Member{
			ID: ident.New(ident.Member, now), Name: in.Company.Name, Kind: member.Limited,
			Contacts:  member.Contacts{Primary: in.Contacts.Primary, Escalation: in.Contacts.Escalation, Billing: in.Contacts.Billing},
			CreatedAt: now, UpdatedAt: now, Version: 1,
		}
		if !member.SharedDomain(domain) {
			m.Domain = domain
		}
		su.NewMember = &m
		e.MemberID, e.MemberName = m.ID, m.Name
		a := enrollment.Admit(&e, prg, proposal, s.Origin, s.Links, true, "", now)
		su.Department, su.Invoice, su.Validation, su.Messages = &a.Department, a.Invoice, a.Validation, a.Messages
	}
	su.Event = enrollment.Event{ID: ident.New(ident.Event, now), At: now, Actor: tok.Email, Action: "sign_up", To: e.Status}
	su.Enrollment = e
	if err := s.store.CreateSignup(ctx, su); err != nil {
		return Result{}, fmt.Errorf("sign up %s to %s: %w", tok.Email, prg.Slug, err)
	}
	return Result{EnrollmentID: e.ID, MemberID: e.MemberID, Status: e.Status, ProgramName: prg.Name, Email: tok.Email}, nil
}

// existingMember is the member whose domain the address is at, if any. A
// free-mail or shared domain is nobody's.
func (s *Service) existingMember(ctx context.Context, domain string) (*member.Member, error) {
	if member.SharedDomain(domain) {
		return nil, nil
	}
	id, known, err := s.store.MemberIDByDomain(ctx, domain)
	if err != nil || !known {
		return nil, err
	}
	m, err := s.store.GetMember(ctx, id)
	if err != nil {
		return nil, err
	}
	return &m, nil
}
