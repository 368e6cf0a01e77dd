package marketplace

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// Store is what the marketplace needs of the table.
type Store interface {
	GetProgram(ctx context.Context, id string) (program.Program, error)
	GetMember(ctx context.Context, id string) (member.Member, error)
	// EnrollmentStatus is member's place in program ("" for none).
	EnrollmentStatus(ctx context.Context, programID, memberID string) (enrollment.Status, error)
	// EnrollmentStatuses is the place of each of members in program.
	EnrollmentStatuses(ctx context.Context, programID string, memberIDs []string) (map[string]enrollment.Status, error)
	// CreateConfiguration writes c, ev and msgs (the mail to the host) in
	// one transaction.
	CreateConfiguration(ctx context.Context, c Configuration, ev audit.Event, msgs []notify.Message, claim idem.Claim) error
	GetConfiguration(ctx context.Context, id string) (Configuration, error)
	// ApplyConfiguration writes after if the stored one is still at
	// before's version, with ev and msgs (the mail to the partner).
	ApplyConfiguration(ctx context.Context, before, after Configuration, ev audit.Event, msgs []notify.Message) error
	// ListProgramConfigurations lists a program's configurations, newest
	// first, of one status ("" for all), of one member ("" for all).
	ListProgramConfigurations(ctx context.Context, programID string, status Status, memberID string, limit int, cursor string) ([]Configuration, string, error)
	ListConfigurationEvents(ctx context.Context, id string, limit int, cursor string) ([]audit.Event, string, error)
	ListMemberEnrollments(ctx context.Context, memberID string) ([]enrollment.Enrollment, error)
	// ListMemberUsers are a member's users (whom to tell of a decision,
	// who submitted).
	ListMemberUsers(ctx context.Context, memberID string) ([]member.User, error)
}

// Partnership is a program the principal's member is a partner in.
type Partnership struct {
	Program program.Program
	Status  enrollment.Status
}

// Service runs submissions, decisions and the marketplace. A submission
// mails the host (its program's notify addresses), a decision the
// partner's admins, each in the transaction that records it.
type Service struct {
	store Store
	// Origin is the platform's From address and the base of links in mail.
	Origin notify.Origin
	Now    func() time.Time
}

// NewService is the service over st configured as c (its exported fields):
// its store is its own, so no caller reads around its checks.
func NewService(st Store, c Service) *Service {
	c.store = st
	return &c
}

// MaxListed bounds how many approved configurations one marketplace shows.
const MaxListed = 2000

// Submit records a partner admin's configuration in programID: its member
// must hold an active place in the program. The host's admins and operators
// see the program but hold no place in it: they are refused (409) with
// words that say so, not told of an empty place.
func (s *Service) Submit(ctx context.Context, p auth.Principal, programID string, in Input, claim idem.Claim) (Configuration, error) {
	prg, err := s.partnerProgram(ctx, p, programID)
	if err != nil {
		return Configuration{}, err
	}
	if !p.AdminOf(p.MemberID) {
		return Configuration{}, apperr.Forbidden("submitting a configuration needs the admin role of your company")
	}
	var st enrollment.Status
	if !p.Operator && p.MemberID != prg.HostMemberID {
		if st, err = s.store.EnrollmentStatus(ctx, prg.ID, p.MemberID); err != nil {
			return Configuration{}, err
		}
	}
	if st == "" {
		// 409, as it always answered (a browser journey holds it), now
		// with words that say why.
		return Configuration{}, apperr.Conflict("only the program's partners submit configurations, and you hold no place in %s", prg.Name)
	}
	if st != enrollment.Active {
		return Configuration{}, apperr.Conflict("your company's place in %s is %s: configurations are submitted once it is active", prg.Name, st)
	}
	in, err = in.Check()
	if err != nil {
		return Configuration{}, err
	}
	m, err := s.store.GetMember(ctx, p.MemberID)
	if err != nil {
		return Configuration{}, err
	}
	now := s.Now().UTC()
	c := Configuration{
		ID: ident.New(ident.Configuration, now), ProgramID: prg.ID, HostMemberID: prg.HostMemberID, MemberID: m.ID, MemberName: m.Name,
		PartnerProduct: in.PartnerProduct, PartnerVersion: in.PartnerVersion, HostProduct: in.HostProduct, HostVersions: in.HostVersions,
		Notes: in.Notes, SupportURL: in.SupportURL, Status: Submitted, SubmittedBy: p.Actor(), CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	ev := audit.Event{ID: ident.New(ident.Event, now), At: now, Actor: p.Actor(), Action: string(Submit), To: string(Submitted)}
	told, err := s.submittedMail(ctx, prg, c, p, now)
	if err != nil {
		return Configuration{}, err
	}
	if err := s.store.CreateConfiguration(ctx, c, ev, told, claim); err != nil {
		return Configuration{}, fmt.Errorf("submit configuration: %w", err)
	}
	return c, nil
}

// partnerProgram is the program for one of its partners, its host's users
// or an operator; to anyone else it does not exist.
func (s *Service) partnerProgram(ctx context.Context, p auth.Principal, id string) (program.Program, error) {
	notFound := apperr.NotFound("program %s not found", id)
	if !ident.Valid(ident.Program, id) {
		return program.Program{}, notFound
	}
	prg, err := s.store.GetProgram(ctx, id)
	if err != nil {
		return program.Program{}, err
	}
	if p.In(prg.HostMemberID) { // operators too
		return prg, nil
	}
	if p.MemberID != "" {
		st, err := s.store.EnrollmentStatus(ctx, id, p.MemberID)
		if err != nil {
			return program.Program{}, err
		}
		if st != "" {
			return prg, nil
		}
	}
	return program.Program{}, notFound
}

// ProgramFor is the program for its partners, its host's users and
// operators (see partnerProgram).
func (s *Service) ProgramFor(ctx context.Context, p auth.Principal, id string) (program.Program, error) {
	return s.partnerProgram(ctx, p, id)
}

// Partnerships lists the programs the principal's member holds a place
// in, as a partner (the programs pages link them to their configurations).
func (s *Service) Partnerships(ctx context.Context, p auth.Principal) ([]Partnership, error) {
	if p.MemberID == "" {
		return nil, nil
	}
	es, err := s.store.ListMemberEnrollments(ctx, p.MemberID)
	if err != nil {
		return nil, err
	}
	var out []Partnership
	for _, e := range es {
		prg, err := s.store.GetProgram(ctx, e.ProgramID)
		if err != nil {
			return nil, err
		}
		out = append(out, Partnership{Program: prg.Public(), Status: e.Status})
	}
	return out, nil
}

// Place is member's place in program ("" for none).
func (s *Service) Place(ctx context.Context, programID, memberID string) (enrollment.Status, error) {
	return s.store.EnrollmentStatus(ctx, programID, memberID)
}

// Decide approves or rejects a configuration (the program's host admins,
// operators); a rejection needs a reason. version, when given, must be the
// configuration's current one.
func (s *Service) Decide(ctx context.Context, p auth.Principal, id string, a Action, reason string, version *int) (Configuration, error) {
	c, err := s.get(ctx, p, id)
	if err != nil {
		return Configuration{}, err
	}
	if !p.AdminOf(c.HostMemberID) {
		return Configuration{}, apperr.Forbidden("configurations are approved by the admins of the program's host")
	}
	if version != nil && *version != c.Version {
		return Configuration{}, apperr.Conflict("the configuration changed since you loaded it (now version %d); reload it", c.Version)
	}
	if a == Reject {
		f := apperr.Fields{}
		reason = input.Text(f, "reason", reason, 2000)
		if err := f.Err(); err != nil {
			return Configuration{}, err
		}
	}
	to, err := Next(c.Status, a)
	if err != nil {
		return Configuration{}, err
	}
	now := s.Now().UTC()
	after := c
	after.Status, after.Reason, after.DecidedAt, after.UpdatedAt, after.Version = to, reason, now, now, c.Version+1
	ev := audit.Event{ID: ident.New(ident.Event, now), At: now, Actor: p.Actor(), Action: string(a), From: string(c.Status), To: string(to), Reason: reason}
	told, err := s.decidedMail(ctx, after, now)
	if err != nil {
		return Configuration{}, err
	}
	if err := s.store.ApplyConfiguration(ctx, c, after, ev, told); err != nil {
		return Configuration{}, err
	}
	return after, nil
}

// get is a configuration for its partner's users, its host's users and
// operators; 404 for anyone else.
func (s *Service) get(ctx context.Context, p auth.Principal, id string) (Configuration, error) {
	if !ident.Valid(ident.Configuration, id) {
		return Configuration{}, apperr.NotFound("configuration %s not found", id)
	}
	c, err := s.store.GetConfiguration(ctx, id)
	if err != nil {
		return Configuration{}, err
	}
	if !p.In(c.HostMemberID) && !p.In(c.MemberID) {
		return Configuration{}, apperr.NotFound("configuration %s not found", id)
	}
	return c, nil
}

// Get returns one configuration (see get).
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Configuration, error) {
	return s.get(ctx, p, id)
}

// Events is a configuration's timeline, oldest first.
func (s *Service) Events(ctx context.Context, p auth.Principal, id string, limit int, cursor string) ([]audit.Event, string, error) {
	if _, err := s.get(ctx, p, id); err != nil {
		return nil, "", err
	}
	return s.store.ListConfigurationEvents(ctx, id, limit, cursor)
}

// List is a program's configurations, newest first: all of them for the
// host's users and operators, its own for a partner.
func (s *Service) List(ctx context.Context, p auth.Principal, programID string, status Status, limit int, cursor string) ([]Configuration, string, error) {
	if status != "" && !status.Valid() {
		return nil, "", apperr.InvalidField("status", "must be submitted, approved or rejected")
	}
	prg, err := s.partnerProgram(ctx, p, programID)
	if err != nil {
		return nil, "", err
	}
	only := ""
	if !p.In(prg.HostMemberID) {
		only = p.MemberID
	}
	return s.store.ListProgramConfigurations(ctx, prg.ID, status, only, limit, cursor)
}

// Marketplace is the public listing of program slug: approved
// configurations of partners whose place is active, matching the search.
func (s *Service) Marketplace(ctx context.Context, prg program.Program, product, version string) ([]Configuration, error) {
	var approved []Configuration
	cursor := ""
	for {
		page, next, err := s.store.ListProgramConfigurations(ctx, prg.ID, Approved, "", 200, cursor)
		if err != nil {
			return nil, err
		}
		approved = append(approved, page...)
		if cursor = next; cursor == "" || len(approved) >= MaxListed {
			break
		}
	}
	var ids []string
	seen := map[string]bool{}
	for _, c := range approved {
		if !seen[c.MemberID] {
			seen[c.MemberID] = true
			ids = append(ids, c.MemberID)
		}
	}
	places, err := s.store.EnrollmentStatuses(ctx, prg.ID, ids)
	if err != nil {
		return nil, err
	}
	var out []Configuration
	for _, c := range approved {
		if places[c.MemberID] == enrollment.Active && c.Matches(product, version) {
			out = append(out, c)
		}
	}
	SortListings(out)
	return out, nil
}

// configurationMail is what both mails about c in prg show.
func (s *Service) configurationMail(prg program.Program, c Configuration) notify.ConfigurationMail {
	return notify.ConfigurationMail{
		ProgramMail: notify.ProgramMail{ProgramName: prg.Name, HostName: prg.HostName, BaseURL: s.Origin.BaseURL},
		CompanyName: c.MemberName, ConfigurationID: c.ID, PartnerProduct: c.PartnerProduct, PartnerVersion: c.PartnerVersion,
		HostProduct: c.HostProduct, HostVersions: strings.Join(c.HostVersions, ", "),
		Link: s.Origin.BaseURL + "/programs/" + prg.ID + "/configurations",
	}
}

// submittedMail tells the host of c, submitted by p: to the program's
// notify addresses (its primary contact when it has none), from the
// platform (the host's own program, as its other mail about partners).
func (s *Service) submittedMail(ctx context.Context, prg program.Program, c Configuration, p auth.Principal, now time.Time) ([]notify.Message, error) {
	to := prg.NotifyEmails
	if len(to) == 0 && prg.PrimaryContact.Email != "" {
		to = []string{prg.PrimaryContact.Email}
	}
	if len(to) == 0 {
		return nil, nil
	}
	users, err := s.store.ListMemberUsers(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	by := c.MemberName
	if i := slices.IndexFunc(users, func(u member.User) bool { return u.ID == p.UserID }); i >= 0 {
		by = users[i].Name + " <" + users[i].Email + ">"
	}
	return []notify.Message{{
		ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: s.Origin.From, To: to, Ref: c.ID, CreatedAt: now,
		Data: notify.ConfigurationSubmitted{ConfigurationMail: s.configurationMail(prg, c), Notes: c.Notes, SupportURL: c.SupportURL, SubmittedBy: by},
	}}, nil
}

// decidedMail tells the partner's admins (its primary contact while it
// has none) of the host's decision on c, as the program's mail.
func (s *Service) decidedMail(ctx context.Context, c Configuration, now time.Time) ([]notify.Message, error) {
	prg, err := s.store.GetProgram(ctx, c.ProgramID)
	if err != nil {
		return nil, err
	}
	partner, err := s.store.GetMember(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	users, err := s.store.ListMemberUsers(ctx, c.MemberID)
	if err != nil {
		return nil, err
	}
	to := member.AdminsOrPrimary(partner, users)
	if len(to) == 0 {
		return nil, nil
	}
	return []notify.Message{{
		ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: prg.From(s.Origin.From), ReplyTo: prg.HostReplyTo(), To: to, Ref: c.ID, CreatedAt: now,
		Data: notify.ConfigurationDecided{ConfigurationMail: s.configurationMail(prg, c), Approved: c.Status == Approved, Reason: c.Reason,
			MarketplaceLink: s.Origin.BaseURL + "/p/" + prg.Slug + "/marketplace"},
	}}, nil
}
