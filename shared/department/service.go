package department

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
)

// Store is what the department service needs of the table.
type Store interface {
	GetMember(ctx context.Context, id string) (member.Member, error)
	GetDepartment(ctx context.Context, id string) (Department, error)
	ListMemberDepartments(ctx context.Context, memberID string) ([]Department, error)
	// ProgramsOf lists the programs a member hosts or is enrolled in (not
	// rejected, removed or terminated): those its departments may serve.
	ProgramsOf(ctx context.Context, memberID string) ([]string, error)
	CreateDepartment(ctx context.Context, d Department, claim idem.Claim) error
	// UpdateDepartment replaces was with d, conditional on was's version.
	// When d is reachable again (was not), mail to d's inbound address is
	// no longer suppressed.
	UpdateDepartment(ctx context.Context, d Department, was Department) error
	// ListDepartmentEvents is the department's timeline, oldest first.
	ListDepartmentEvents(ctx context.Context, id string, limit int, cursor string) ([]audit.Event, string, error)
}

// URLChecker vets a webhook URL before it is saved (see package webhook).
type URLChecker func(ctx context.Context, raw string) error

// HookSender queues an event for a department's webhook: the outbox message
// to write with the change, or nil when the department has no (working)
// webhook (see package webhook).
type HookSender func(ctx context.Context, d Department, eventType string, data any, now time.Time) (*notify.Message, error)

// Service manages a member's departments.
type Service struct {
	Store    Store
	Now      func() time.Time
	CheckURL URLChecker
}

// Input is the body of POST /v1/members/{id}/departments.
type Input struct {
	Name       string     `json:"name"`
	ProgramIDs []string   `json:"programIds"`
	Inbound    Inbound    `json:"inbound"`
	Form       *form.Form `json:"form,omitempty"`
}

// Patch is the body of PATCH /v1/departments/{id}: absent fields stay.
type Patch struct {
	Name       *string    `json:"name,omitempty"`
	ProgramIDs *[]string  `json:"programIds,omitempty"`
	Inbound    *Inbound   `json:"inbound,omitempty"`
	Form       *form.Form `json:"form,omitempty"`
	Version    *int       `json:"version,omitempty"`
}

func (s *Service) check(ctx context.Context, memberID string, in Input) (Department, error) {
	f := apperr.Fields{}
	d := Department{MemberID: memberID, Name: input.Text(f, "name", in.Name, 120)}
	d.Inbound = Inbound{
		Email:        input.Email(f, "inbound.email", in.Inbound.Email),
		Phone:        input.Phone(f, "inbound.phone", in.Inbound.Phone, false),
		WebhookURL:   input.OptionalURL(f, "inbound.webhookUrl", in.Inbound.WebhookURL, true),
		Hours:        in.Inbound.Hours.Check(f, "inbound.hours"),
		Instructions: input.OptionalText(f, "inbound.instructions", in.Inbound.Instructions, 5000),
		Escalation:   in.Inbound.Escalation.Check(f, "inbound.escalation"),
	}
	if d.Inbound.WebhookURL != "" && s.CheckURL != nil && f["inbound.webhookUrl"] == "" {
		if err := s.CheckURL(ctx, d.Inbound.WebhookURL); err != nil {
			f.Add("inbound.webhookUrl", err.Error())
		}
	}
	d.Form = form.Default()
	if in.Form != nil {
		d.Form = in.Form.Check(f, "form")
	}
	if len(in.ProgramIDs) > 0 {
		mine, err := s.Store.ProgramsOf(ctx, memberID)
		if err != nil {
			return d, err
		}
		for i, id := range in.ProgramIDs {
			if !slices.Contains(mine, id) {
				f.Add(fmt.Sprintf("programIds[%d]", i), "must be a program your member hosts or is enrolled in")
				continue
			}
			if !slices.Contains(d.ProgramIDs, id) {
				d.ProgramIDs = append(d.ProgramIDs, id)
			}
		}
	}
	return d, f.Err()
}

func (s *Service) admin(ctx context.Context, p auth.Principal, memberID string) error {
	if !p.In(memberID) || !ident.Valid(ident.Member, memberID) {
		return apperr.NotFound("member %s not found", memberID)
	}
	if !p.AdminOf(memberID) {
		return apperr.Forbidden("managing departments needs the admin role")
	}
	if p.Operator {
		_, err := s.Store.GetMember(ctx, memberID)
		return err
	}
	return nil
}

// Create adds a department to a member (its admins, operators).
func (s *Service) Create(ctx context.Context, p auth.Principal, memberID string, in Input, claim idem.Claim) (Department, error) {
	if err := s.admin(ctx, p, memberID); err != nil {
		return Department{}, err
	}
	d, err := s.check(ctx, memberID, in)
	if err != nil {
		return Department{}, err
	}
	now := s.Now()
	d.ID, d.CreatedAt, d.UpdatedAt, d.Version, d.UpdatedBy = ident.New(ident.Department, now), now, now, 1, p.Actor()
	if err := s.Store.CreateDepartment(ctx, d, claim); err != nil {
		return Department{}, fmt.Errorf("create department: %w", err)
	}
	return d, nil
}

// Get returns a department to its member's users and operators.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Department, error) {
	if !ident.Valid(ident.Department, id) {
		return Department{}, apperr.NotFound("department %s not found", id)
	}
	d, err := s.Store.GetDepartment(ctx, id)
	if err != nil {
		return Department{}, err
	}
	if !p.In(d.MemberID) {
		return Department{}, apperr.NotFound("department %s not found", id)
	}
	return d, nil
}

// Events is a department's timeline, for its member's users and operators.
func (s *Service) Events(ctx context.Context, p auth.Principal, id string, limit int, cursor string) ([]audit.Event, string, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, "", err
	}
	return s.Store.ListDepartmentEvents(ctx, id, limit, cursor)
}

// List returns a member's departments to its users and operators.
func (s *Service) List(ctx context.Context, p auth.Principal, memberID string) ([]Department, error) {
	if !p.In(memberID) || !ident.Valid(ident.Member, memberID) {
		return nil, apperr.NotFound("member %s not found", memberID)
	}
	return s.Store.ListMemberDepartments(ctx, memberID)
}

// ImportHolidays adds the all-day events of an iCalendar to a department's
// holidays (its member's admins, operators); the business-hours clock skips
// them. A 24x7 department has no holidays to add.
func (s *Service) ImportHolidays(ctx context.Context, p auth.Principal, id, ics string, version *int) (Department, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return Department{}, err
	}
	if !p.AdminOf(d.MemberID) {
		return Department{}, apperr.Forbidden("managing departments needs the admin role")
	}
	if d.Inbound.Hours.Always {
		return Department{}, apperr.InvalidField("ical", d.Name+" is open 24x7: holidays do not apply")
	}
	dates, err := hours.AllDayDates(ics)
	if err != nil {
		return Department{}, apperr.InvalidField("ical", err.Error())
	}
	if version != nil && *version != d.Version {
		return Department{}, apperr.Conflict("department %s is at version %d, not %d; reload it", id, d.Version, *version)
	}
	in := Input{Name: d.Name, ProgramIDs: d.ProgramIDs, Form: &d.Form, Inbound: d.Inbound}
	in.Inbound.Hours.Holidays = append(append([]string(nil), d.Inbound.Hours.Holidays...), dates...)
	next, err := s.check(ctx, d.MemberID, in)
	if err != nil {
		return Department{}, err
	}
	now := s.Now()
	next.ID, next.CreatedAt, next.UpdatedAt, next.Version, next.UpdatedBy = d.ID, d.CreatedAt, now, d.Version+1, p.Actor()
	// Holidays are not the inbound process an admin re-saves.
	next.WebhookDisabled, next.Unreachable = d.WebhookDisabled, d.Unreachable
	if err := s.Store.UpdateDepartment(ctx, next, d); err != nil {
		return Department{}, fmt.Errorf("import holidays into %s: %w", id, err)
	}
	return next, nil
}

// Update changes a department (its member's admins, operators). Saving the
// inbound process turns a disabled webhook back on and, when its mailbox
// had bounced, mails it again.
func (s *Service) Update(ctx context.Context, p auth.Principal, id string, pt Patch) (Department, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return Department{}, err
	}
	if !p.AdminOf(d.MemberID) {
		return Department{}, apperr.Forbidden("managing departments needs the admin role")
	}
	if pt.Version != nil && *pt.Version != d.Version {
		return Department{}, apperr.Conflict("department %s is at version %d, not %d; reload it", id, d.Version, *pt.Version)
	}
	in := Input{Name: d.Name, ProgramIDs: d.ProgramIDs, Form: &d.Form, Inbound: d.Inbound}
	if pt.Name != nil {
		in.Name = *pt.Name
	}
	if pt.ProgramIDs != nil {
		in.ProgramIDs = *pt.ProgramIDs
	}
	if pt.Inbound != nil {
		in.Inbound = *pt.Inbound
	}
	if pt.Form != nil {
		in.Form = pt.Form
	}
	next, err := s.check(ctx, d.MemberID, in)
	if err != nil {
		return Department{}, err
	}
	now := s.Now()
	next.ID, next.CreatedAt, next.UpdatedAt, next.Version, next.UpdatedBy = d.ID, d.CreatedAt, now, d.Version+1, p.Actor()
	// Saving the inbound process again is how an admin turns a webhook that
	// was switched off after failures back on.
	next.WebhookDisabled = d.WebhookDisabled && pt.Inbound == nil
	// Likewise, saving it is how an admin says the mailbox that bounced
	// takes mail again.
	if pt.Inbound == nil {
		next.Unreachable = d.Unreachable
	}
	if err := s.Store.UpdateDepartment(ctx, next, d); err != nil {
		return Department{}, fmt.Errorf("update department %s: %w", id, err)
	}
	return next, nil
}
