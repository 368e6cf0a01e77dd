package department

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/confirmation"
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
	// CreateDepartment writes d and msgs (its confirmation requests) in
	// one transaction.
	CreateDepartment(ctx context.Context, d Department, msgs []notify.Message, claim idem.Claim) error
	// UpdateDepartment replaces was with d, conditional on was's version,
	// with msgs. When was was unreachable and d is not, and d's inbound
	// address is the one that bounced, that address is no longer
	// suppressed (only that one: saving a department is no way to lift
	// another address's suppression).
	UpdateDepartment(ctx context.Context, d Department, was Department, msgs []notify.Message) error
	// Enqueue writes messages on their own.
	Enqueue(ctx context.Context, msgs ...notify.Message) error
	// CountInWindow counts one event under key in the current window.
	CountInWindow(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error)
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
	store    Store
	Now      func() time.Time
	CheckURL URLChecker
	// Origin is where confirmation mail comes from and its links point.
	Origin notify.Origin
	// Confirmations signs the links that confirm the department's addresses.
	Confirmations confirmation.Links
}

// NewService is the service over st configured as c (its exported fields):
// its store is its own, so no caller reads around its checks.
func NewService(st Store, c Service) *Service {
	c.store = st
	return &c
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
		mine, err := s.store.ProgramsOf(ctx, memberID)
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
		_, err := s.store.GetMember(ctx, memberID)
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
	msgs, _, err := s.confirmations(ctx, d, d.Unconfirmed(), now)
	if err != nil {
		return Department{}, err
	}
	if err := s.store.CreateDepartment(ctx, d, msgs, claim); err != nil {
		return Department{}, fmt.Errorf("create department: %w", err)
	}
	return d, nil
}

// Get returns a department to its member's users and operators.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Department, error) {
	if !ident.Valid(ident.Department, id) {
		return Department{}, apperr.NotFound("department %s not found", id)
	}
	d, err := s.store.GetDepartment(ctx, id)
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
	return s.store.ListDepartmentEvents(ctx, id, limit, cursor)
}

// List returns a member's departments to its users and operators.
func (s *Service) List(ctx context.Context, p auth.Principal, memberID string) ([]Department, error) {
	if !p.In(memberID) || !ident.Valid(ident.Member, memberID) {
		return nil, apperr.NotFound("member %s not found", memberID)
	}
	return s.store.ListMemberDepartments(ctx, memberID)
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
	next.WebhookDisabled, next.Unreachable, next.Confirmed = d.WebhookDisabled, d.Unreachable, d.Confirmed
	if err := s.store.UpdateDepartment(ctx, next, d, nil); err != nil {
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
	next.Unreachable = stillUnreachable(p, d, next, pt.Inbound != nil)
	next.Confirmed = d.Confirmed
	// Addresses that are new to the department are asked once now;
	// others still unconfirmed wait for a resend.
	var ask []confirmation.Request
	for _, r := range next.Unconfirmed() {
		if !sameAddress(r.Address, d.Inbound.Email) && !sameAddress(r.Address, d.Inbound.Escalation.Email) {
			ask = append(ask, r)
		}
	}
	msgs, _, err := s.confirmations(ctx, next, ask, now)
	if err != nil {
		return Department{}, err
	}
	if err := s.store.UpdateDepartment(ctx, next, d, msgs); err != nil {
		return Department{}, fmt.Errorf("update department %s: %w", id, err)
	}
	return next, nil
}

func sameAddress(a, b string) bool { return confirmation.Normalize(a) == confirmation.Normalize(b) }

// stillUnreachable is whether a department saved by p stays marked
// unreachable. Saving the inbound process is how an admin says a mailbox
// that bounced takes mail again — or points the department elsewhere.
// A spam complaint is different: the recipient said it does not want the
// mail, and only an operator may overrule that for the same address.
func stillUnreachable(p auth.Principal, was, next Department, inboundSaved bool) *Unreachable {
	u := was.Unreachable
	switch {
	case u == nil || !inboundSaved:
		return u
	case u.Complaint && sameAddress(u.Address, next.Inbound.Email) && !p.Operator:
		return u
	}
	return nil
}

// Resend mails the confirmation links of the department's unconfirmed
// addresses again (its member's admins, operators). It returns the
// addresses mailed; an address asked PerAddress times today is not mailed
// again until tomorrow (429 when that leaves none).
func (s *Service) Resend(ctx context.Context, p auth.Principal, id string) ([]string, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !p.AdminOf(d.MemberID) {
		return nil, apperr.Forbidden("managing departments needs the admin role")
	}
	ask := d.Unconfirmed()
	if len(ask) == 0 {
		return nil, apperr.Conflict("every address of %s is confirmed already", d.Name)
	}
	now := s.Now()
	msgs, reset, err := s.confirmations(ctx, d, ask, now)
	if err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		return nil, apperr.RateLimited(reset.Sub(now), "the confirmation was mailed %d times today already; try again tomorrow", confirmation.PerAddress)
	}
	if err := s.store.Enqueue(ctx, msgs...); err != nil {
		return nil, fmt.Errorf("resend confirmations of %s: %w", id, err)
	}
	var sent []string
	for _, m := range msgs {
		sent = append(sent, m.To...)
	}
	return sent, nil
}

// confirmations are the confirmation mails for rs, each address at most
// confirmation.PerAddress a day; reset is when a skipped one may go again.
func (s *Service) confirmations(ctx context.Context, d Department, rs []confirmation.Request, now time.Time) ([]notify.Message, time.Time, error) {
	if len(rs) == 0 {
		return nil, time.Time{}, nil
	}
	m, err := s.store.GetMember(ctx, d.MemberID)
	if err != nil {
		return nil, time.Time{}, err
	}
	var msgs []notify.Message
	var reset time.Time
	for _, r := range rs {
		n, at, err := s.store.CountInWindow(ctx, "confirm#"+confirmation.Normalize(r.Address), confirmation.Window, now)
		if err != nil {
			return nil, time.Time{}, err
		}
		if n > confirmation.PerAddress {
			reset = at
			continue
		}
		msgs = append(msgs, s.Confirmations.Mail(s.Origin, confirmation.Department, d.ID, m.Name, r, now))
	}
	return msgs, reset, nil
}

// Confirmation is what the confirmation link of the department's address
// tagged tag asks (no sign-in: the signed link is the authority).
func (s *Service) Confirmation(ctx context.Context, id, tag string) (confirmation.Pending, error) {
	d, err := s.store.GetDepartment(ctx, id)
	if err != nil {
		return confirmation.Pending{}, err
	}
	r, ok := confirmation.Find(d.Addresses(), tag)
	if !ok {
		return confirmation.Pending{}, apperr.Conflict("%s no longer sends mail to this address: there is nothing to confirm", d.Name)
	}
	m, err := s.store.GetMember(ctx, d.MemberID)
	if err != nil {
		return confirmation.Pending{}, err
	}
	return confirmation.Pending{MemberName: m.Name, Request: r, Confirmed: d.Confirmed.Has(r.Address)}, nil
}

// ConfirmAddress records that the owner of the address tagged tag (see
// confirmation.Tag) takes the department's mail: the POST of a
// confirmation link. It returns the department and the address confirmed.
func (s *Service) ConfirmAddress(ctx context.Context, id, tag string) (Department, string, error) {
	d, err := s.store.GetDepartment(ctx, id)
	if err != nil {
		return Department{}, "", err
	}
	r, ok := confirmation.Find(d.Addresses(), tag)
	if !ok {
		return Department{}, "", apperr.Conflict("%s no longer sends mail to this address: there is nothing to confirm", d.Name)
	}
	addr := r.Address
	if d.Confirmed.Has(addr) {
		return d, addr, nil
	}
	next := d
	next.Confirmed, next.UpdatedAt, next.Version, next.UpdatedBy = d.Confirmed.With(addr), s.Now(), d.Version+1, addr+" (confirmation link)"
	if err := s.store.UpdateDepartment(ctx, next, d, nil); err != nil {
		return Department{}, "", fmt.Errorf("confirm an address of %s: %w", id, err)
	}
	return next, addr, nil
}
