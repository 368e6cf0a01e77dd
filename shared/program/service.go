package program

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/member"
)

// Store is what the program service needs of the table.
type Store interface {
	// CreateProgram writes the program and claims its slug; a taken slug
	// is a conflict.
	CreateProgram(ctx context.Context, p Program, claim idem.Claim) error
	GetProgram(ctx context.Context, id string) (Program, error)
	ProgramIDBySlug(ctx context.Context, slug string) (string, error)
	// UpdateProgram replaces the program if it is still at version prev.
	UpdateProgram(ctx context.Context, p Program, prev int) error
	// ListProgramEvents is the program's timeline, oldest first.
	ListProgramEvents(ctx context.Context, id string, limit int, cursor string) ([]audit.Event, string, error)
	// Enrolled reports whether member has an enrollment in program.
	Enrolled(ctx context.Context, programID, memberID string) (bool, error)
	GetMember(ctx context.Context, id string) (member.Member, error)
	ListHostPrograms(ctx context.Context, memberID string) ([]Program, error)
}

// Service creates, reads and changes programs.
type Service struct {
	store Store
	Now   func() time.Time
}

// NewService is the service over st configured as c (its exported fields):
// its store is its own, so no caller reads around its checks.
func NewService(st Store, c Service) *Service {
	c.store = st
	return &c
}

// Create makes a program (operators, or admins of the host member).
func (s *Service) Create(ctx context.Context, p auth.Principal, in Input, claim idem.Claim) (Program, error) {
	now := s.Now()
	prg, err := in.check(now)
	if err != nil {
		return Program{}, err
	}
	if !p.AdminOf(prg.HostMemberID) {
		if p.In(prg.HostMemberID) {
			return Program{}, apperr.Forbidden("creating a program needs the admin role")
		}
		return Program{}, apperr.InvalidField("hostMemberId", "must be your own member")
	}
	if !p.Operator && len(in.PriceBands) > 0 {
		return Program{}, apperr.Forbidden("only platform operators set a program's prices (priceBands)")
	}
	host, err := s.store.GetMember(ctx, prg.HostMemberID)
	if err != nil {
		if p.Operator {
			return Program{}, apperr.InvalidField("hostMemberId", "is not a member")
		}
		return Program{}, err
	}
	if err := checkSender(prg, host); err != nil {
		return Program{}, err
	}
	prg.HostName = host.Name
	prg.SenderVerified = prg.Sender == SenderHost && host.SendsFrom(prg.SenderEmail)
	prg.ID = ident.New(ident.Program, now)
	prg.CreatedAt, prg.UpdatedAt, prg.Version, prg.UpdatedBy = now, now, 1, p.Actor()
	if err := s.store.CreateProgram(ctx, prg, claim); err != nil {
		return Program{}, fmt.Errorf("create program %s: %w", prg.Slug, err)
	}
	return prg, nil
}

// Get returns a program to operators and its host's admins in full
// (full is true), and its public view — no pre-approved addresses, notify
// addresses, prices or sender — to the host's other users and to members
// that hold a place in it. To anyone else it does not exist.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (prg Program, full bool, err error) {
	if !ident.Valid(ident.Program, id) {
		return Program{}, false, apperr.NotFound("program %s not found", id)
	}
	prg, err = s.store.GetProgram(ctx, id)
	if err != nil {
		return Program{}, false, err
	}
	if p.AdminOf(prg.HostMemberID) {
		return prg, true, nil
	}
	if p.In(prg.HostMemberID) {
		return prg.Public(), false, nil
	}
	if p.MemberID != "" {
		ok, err := s.store.Enrolled(ctx, id, p.MemberID)
		if err != nil {
			return Program{}, false, err
		}
		if ok {
			return prg.Public(), false, nil
		}
	}
	return Program{}, false, apperr.NotFound("program %s not found", id)
}

// Events is a program's timeline, for its host's admins and operators.
func (s *Service) Events(ctx context.Context, p auth.Principal, id string, limit int, cursor string) ([]audit.Event, string, error) {
	if _, err := s.ForHost(ctx, p, id); err != nil {
		return nil, "", err
	}
	return s.store.ListProgramEvents(ctx, id, limit, cursor)
}

// ForHost returns a program the principal may administer: other tenants get
// 404, the host's non-admins 403.
func (s *Service) ForHost(ctx context.Context, p auth.Principal, id string) (Program, error) {
	if !ident.Valid(ident.Program, id) {
		return Program{}, apperr.NotFound("program %s not found", id)
	}
	prg, err := s.store.GetProgram(ctx, id)
	if err != nil {
		return Program{}, err
	}
	if !p.In(prg.HostMemberID) {
		return Program{}, apperr.NotFound("program %s not found", id)
	}
	if !p.AdminOf(prg.HostMemberID) {
		return Program{}, apperr.Forbidden("this needs the admin role of the program's host")
	}
	return prg, nil
}

// BySlug returns a program by its public slug (landing pages).
func (s *Service) BySlug(ctx context.Context, slug string) (Program, error) {
	if !input.ValidSlug(slug) {
		return Program{}, apperr.NotFound("there is no program at this address")
	}
	id, err := s.store.ProgramIDBySlug(ctx, slug)
	if err != nil {
		return Program{}, err
	}
	return s.store.GetProgram(ctx, id)
}

// Update applies a patch (operators, or admins of the host).
func (s *Service) Update(ctx context.Context, p auth.Principal, id string, pt Patch) (Program, error) {
	prg, err := s.ForHost(ctx, p, id)
	if err != nil {
		return Program{}, err
	}
	if pt.Version != nil && *pt.Version != prg.Version {
		return Program{}, apperr.Conflict("program %s is at version %d, not %d; reload it and try again", id, prg.Version, *pt.Version)
	}
	if !p.Operator {
		if err := pt.moneyUnchanged(prg); err != nil {
			return Program{}, err
		}
	}
	in, err := pt.apply(prg.toInput())
	if err != nil {
		return Program{}, err
	}
	now := s.Now()
	next, err := in.check(now)
	if err != nil {
		return Program{}, err
	}
	if next.SenderEmail != prg.SenderEmail || next.Sender != prg.Sender || next.Sender == SenderHost {
		host, err := s.store.GetMember(ctx, prg.HostMemberID)
		if err != nil {
			return Program{}, err
		}
		if next.SenderEmail != prg.SenderEmail || next.Sender != prg.Sender {
			if err := checkSender(next, host); err != nil {
				return Program{}, err
			}
		}
		next.SenderVerified = next.Sender == SenderHost && host.SendsFrom(next.SenderEmail)
	}
	next.ID, next.HostName, next.CreatedAt = prg.ID, prg.HostName, prg.CreatedAt
	next.UpdatedAt, next.Version, next.UpdatedBy = now, prg.Version+1, p.Actor()
	if err := s.store.UpdateProgram(ctx, next, prg.Version); err != nil {
		return Program{}, fmt.Errorf("update program %s: %w", id, err)
	}
	return next, nil
}

// RefreshSender brings host's programs that send as the host in line with
// its sending domain's verification (after SES verified, or dropped, it).
func (s *Service) RefreshSender(ctx context.Context, host member.Member) error {
	ps, err := s.store.ListHostPrograms(ctx, host.ID)
	if err != nil {
		return err
	}
	for _, prg := range ps {
		verified := prg.Sender == SenderHost && host.SendsFrom(prg.SenderEmail)
		if verified == prg.SenderVerified {
			continue
		}
		next := prg
		next.SenderVerified, next.UpdatedAt, next.Version, next.UpdatedBy = verified, s.Now(), prg.Version+1, audit.System
		if err := s.store.UpdateProgram(ctx, next, prg.Version); err != nil {
			return fmt.Errorf("refresh sender of %s: %w", prg.ID, err)
		}
	}
	return nil
}

// checkSender: a program sends as an address of its host's own domain (or
// a subdomain of it), never as anyone else's, the platform's included.
func checkSender(prg Program, host member.Member) error {
	if prg.SenderEmail == "" {
		return nil
	}
	_, domain, _ := strings.Cut(strings.ToLower(prg.SenderEmail), "@")
	own := strings.ToLower(host.Domain)
	if own == "" {
		return apperr.InvalidField("senderEmail", fmt.Sprintf("%s has no domain of its own to send from; use the platform sender", host.Name))
	}
	if domain != own && !strings.HasSuffix(domain, "."+own) {
		return apperr.InvalidField("senderEmail", fmt.Sprintf("must be an address at %s, %s's own domain", own, host.Name))
	}
	return nil
}

// moneyUnchanged refuses a host's change to what the program costs and who
// pays: once a program exists, only operators change its prices, payment
// model and start date (the billing anniversary).
func (pt Patch) moneyUnchanged(prg Program) error {
	changed := func(field string) error {
		return apperr.Forbidden("only platform operators change a program's %s once it exists", field)
	}
	if pt.PriceBands != nil && !slices.Equal(*pt.PriceBands, prg.PriceBands) {
		return changed("prices (priceBands)")
	}
	if pt.Payment != nil && *pt.Payment != prg.Payment {
		return changed("payment model (payment)")
	}
	if pt.StartDate != nil && strings.TrimSpace(*pt.StartDate) != prg.StartDate {
		return changed("start date (startDate)")
	}
	return nil
}

// ListForHost lists the programs member hostID hosts (its admins, operators).
func (s *Service) ListForHost(ctx context.Context, p auth.Principal, hostID string) ([]Program, error) {
	if strings.TrimSpace(hostID) == "" {
		return nil, apperr.InvalidField("hostMemberId", "is required: the member whose programs to list")
	}
	if !p.In(hostID) || !ident.Valid(ident.Member, hostID) {
		return nil, apperr.NotFound("member %s not found", hostID)
	}
	if !p.AdminOf(hostID) {
		return nil, apperr.Forbidden("listing a member's programs needs its admin role")
	}
	return s.store.ListHostPrograms(ctx, hostID)
}

// Restricted are the restricted programs member memberID takes part in —
// those it hosts, and those among serves (its departments' programs) —
// whose access its admins grant per person (its admins, operators). A
// program that cannot be read grants nothing.
func (s *Service) Restricted(ctx context.Context, p auth.Principal, memberID string, serves []string) ([]Program, error) {
	if !p.AdminOf(memberID) {
		return nil, apperr.Forbidden("granting program access needs the admin role")
	}
	hosted, err := s.store.ListHostPrograms(ctx, memberID)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []Program
	add := func(prg Program) {
		if prg.Access == Restricted && !seen[prg.ID] {
			seen[prg.ID] = true
			out = append(out, prg)
		}
	}
	for _, prg := range hosted {
		add(prg)
	}
	for _, id := range serves {
		if seen[id] {
			continue
		}
		if prg, err := s.store.GetProgram(ctx, id); err == nil {
			add(prg)
		}
	}
	slices.SortFunc(out, func(a, b Program) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
