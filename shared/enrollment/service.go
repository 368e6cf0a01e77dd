package enrollment

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// Change is one transition, written in one transaction: the enrollment as it
// becomes (conditional on the version and status it had), its audit event,
// new one-time tokens, a token used up, invoice changes, and the mail.
type Change struct {
	Before   Enrollment
	After    Enrollment
	Event    Event
	Tokens   []Token
	UseToken string
	// Invoices are invoices whose payment or period changes with this
	// transition, conditional on the version read.
	Invoices []InvoiceChange
	// NewInvoice is issued with the transition, once per InvoiceKey.
	NewInvoice *billing.Invoice
	InvoiceKey string
	// Department is created with the transition (an admitted sign-up's
	// first department).
	Department *department.Department
	// Enroll takes the member's one place in the program; Release gives it
	// back, so a rejected sign-up never blocks a later one.
	Enroll, Release bool
	Messages        []notify.Message
}

// InvoiceChange replaces an invoice read at version Before.Version.
type InvoiceChange struct {
	Before billing.Invoice
	After  billing.Invoice
}

// Store is what onboarding needs of the table.
type Store interface {
	GetEnrollment(ctx context.Context, id string) (Enrollment, error)
	GetProgram(ctx context.Context, id string) (program.Program, error)
	GetDepartment(ctx context.Context, id string) (department.Department, error)
	GetMailToken(ctx context.Context, hash string) (Token, error)
	GetInvoice(ctx context.Context, id string) (billing.Invoice, error)
	ListProgramEnrollments(ctx context.Context, programID string, status Status, limit int, cursor string) ([]Enrollment, string, error)
	ListEnrollmentEvents(ctx context.Context, id string, limit int, cursor string) ([]Event, string, error)
	// Apply writes a change; a moved-on enrollment is a conflict.
	Apply(ctx context.Context, c Change) error
	// ClaimCredential uses the token and creates the user and credential.
	ClaimCredential(ctx context.Context, tokenHash string, u member.User, cred member.Credential, now time.Time) error
}

// HookSender queues the validation test case for a department's webhook,
// when it has one (see package webhook).
type HookSender func(ctx context.Context, d department.Department, eventType string, data any, now time.Time) (*notify.Message, error)

// Service runs onboarding: decisions, validation, go-live, payment, removal.
type Service struct {
	Store  Store
	Origin notify.Origin
	Links  Links
	Now    func() time.Time
	// Hooks queues webhook events; nil until webhooks are configured.
	Hooks HookSender
}

// Get returns an enrollment to the host's and the partner's users and to
// operators; to anyone else it does not exist.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Enrollment, error) {
	if !ident.Valid(ident.Enrollment, id) {
		return Enrollment{}, apperr.NotFound("enrollment %s not found", id)
	}
	e, err := s.Store.GetEnrollment(ctx, id)
	if err != nil {
		return Enrollment{}, err
	}
	if !p.In(e.HostMemberID) && !p.In(e.MemberID) {
		return Enrollment{}, apperr.NotFound("enrollment %s not found", id)
	}
	return e, nil
}

// Events returns an enrollment's audit trail.
func (s *Service) Events(ctx context.Context, p auth.Principal, id string, limit int, cursor string) ([]Event, string, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, "", err
	}
	return s.Store.ListEnrollmentEvents(ctx, id, limit, cursor)
}

// List returns a program's enrollments, optionally of one status, to the
// host's users and operators.
func (s *Service) List(ctx context.Context, p auth.Principal, programID string, status Status, limit int, cursor string) ([]Enrollment, string, error) {
	if !ident.Valid(ident.Program, programID) {
		return nil, "", apperr.NotFound("program %s not found", programID)
	}
	prg, err := s.Store.GetProgram(ctx, programID)
	if err != nil {
		return nil, "", err
	}
	if !p.In(prg.HostMemberID) {
		return nil, "", apperr.NotFound("program %s not found", programID)
	}
	if status != "" && !knownStatus(status) {
		return nil, "", apperr.InvalidField("status", "must be one of "+statusList())
	}
	return s.Store.ListProgramEnrollments(ctx, programID, status, limit, cursor)
}

func knownStatus(st Status) bool {
	for _, x := range Statuses {
		if x == st {
			return true
		}
	}
	return false
}

func statusList() string {
	parts := make([]string, len(Statuses))
	for i, x := range Statuses {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}

// forHost loads an enrollment for a host decision: other tenants 404, the
// partner and the host's non-admins 403.
func (s *Service) forHost(ctx context.Context, p auth.Principal, id string) (Enrollment, error) {
	e, err := s.Get(ctx, p, id)
	if err != nil {
		return Enrollment{}, err
	}
	if !p.AdminOf(e.HostMemberID) {
		return Enrollment{}, apperr.Forbidden("only admins of the program's host decide on enrollments")
	}
	return e, nil
}

// context loads what mail about an enrollment needs.
func (s *Service) context(ctx context.Context, e Enrollment) (program.Program, department.Department, error) {
	prg, err := s.Store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return prg, department.Department{}, err
	}
	dep, err := s.Store.GetDepartment(ctx, e.DepartmentID)
	return prg, dep, err
}

// transition builds the change for action a by actor, or the conflict.
func (s *Service) transition(e Enrollment, a Action, actor, reason string, now time.Time) (Change, error) {
	next, err := Next(e.Status, a, e.Settled())
	if err != nil {
		return Change{}, fmt.Errorf("%w", &apperr.StateError{Object: "enrollment " + e.ID, Action: string(a), Current: string(e.Status)})
	}
	after := e
	after.Status, after.UpdatedAt, after.Version = next, now, e.Version+1
	if reason != "" {
		after.Reason = reason
	}
	return Change{
		Before: e, After: after,
		Event: Event{ID: ident.New(ident.Event, now), At: now, Actor: actor, Action: a, From: e.Status, To: next, Reason: reason},
	}, nil
}

func (s *Service) mail(prg program.Program, template string, to []string, ref string, data map[string]any, now time.Time, fromPlatform bool) notify.Message {
	from := prg.From(s.Origin.From)
	if fromPlatform {
		from = s.Origin.From
	}
	if data == nil {
		data = map[string]any{}
	}
	data["ProgramName"], data["HostName"], data["BaseURL"] = prg.Name, prg.HostName, s.Origin.BaseURL
	return notify.Message{ID: ident.New(ident.Outbox, now), Channel: notify.Email, Template: template, From: from, To: to, Ref: ref, CreatedAt: now, Data: data}
}

func partnerAddrs(e Enrollment) []string {
	out := []string{e.Contacts.Primary.Email}
	if !strings.EqualFold(e.Email, e.Contacts.Primary.Email) {
		out = append(out, e.Email)
	}
	return out
}

// startValidation adds a fresh test case (mail, and webhook when set) to c.
func (s *Service) startValidation(ctx context.Context, c *Change, prg program.Program, dep department.Department, now time.Time) error {
	tok, msg := TestCase(c.After, prg, dep.Inbound.Email, s.Origin, now)
	c.After.ValidationHash = tok.Hash
	c.Tokens = append(c.Tokens, tok)
	c.Messages = append(c.Messages, msg)
	if s.Hooks != nil && dep.Inbound.WebhookURL != "" {
		hook, err := s.Hooks(ctx, dep, "validation.test", map[string]any{
			"enrollmentId": c.After.ID, "programId": prg.ID, "programName": prg.Name,
			"acknowledgeUrl": msg.Data["Link"], "expiresAt": tok.ExpiresAt.UTC().Format(time.RFC3339),
		}, now)
		if err != nil {
			return err
		}
		if hook != nil {
			c.Messages = append(c.Messages, *hook)
		}
	}
	return nil
}

// Approve moves a pending enrollment to validating and sends the test case.
func (s *Service) Approve(ctx context.Context, p auth.Principal, id string, version *int) (Enrollment, error) {
	e, err := s.forHost(ctx, p, id)
	if err != nil {
		return Enrollment{}, err
	}
	return s.approve(ctx, e, p.Actor(), version)
}

func (s *Service) approve(ctx context.Context, e Enrollment, actor string, version *int) (Enrollment, error) {
	if err := checkVersion(e, version); err != nil {
		return Enrollment{}, err
	}
	now := s.Now()
	c, err := s.transition(e, Approve, actor, "", now)
	if err != nil {
		return Enrollment{}, err
	}
	prg, dep, err := s.context(ctx, e)
	if err != nil {
		return Enrollment{}, err
	}
	if err := s.startValidation(ctx, &c, prg, dep, now); err != nil {
		return Enrollment{}, err
	}
	c.Messages = append(c.Messages, s.mail(prg, "enrollment_approved", partnerAddrs(e), e.ID, map[string]any{
		"ContactName": e.Contacts.Primary.Name, "CompanyName": e.Company.Name, "InboundEmail": dep.Inbound.Email,
	}, now, false))
	return s.apply(ctx, c)
}

// Reject refuses a pending enrollment, with a reason the partner is told.
func (s *Service) Reject(ctx context.Context, p auth.Principal, id, reason string, version *int) (Enrollment, error) {
	e, err := s.forHost(ctx, p, id)
	if err != nil {
		return Enrollment{}, err
	}
	return s.reject(ctx, e, p.Actor(), reason, version)
}

func (s *Service) reject(ctx context.Context, e Enrollment, actor, reason string, version *int) (Enrollment, error) {
	f := apperr.Fields{}
	reason = input.Text(f, "reason", reason, 2000)
	if err := f.Err(); err != nil {
		return Enrollment{}, err
	}
	if err := checkVersion(e, version); err != nil {
		return Enrollment{}, err
	}
	now := s.Now()
	c, err := s.transition(e, Reject, actor, reason, now)
	if err != nil {
		return Enrollment{}, err
	}
	c.Release = true
	prg, err := s.Store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return Enrollment{}, err
	}
	c.Messages = append(c.Messages, s.mail(prg, "enrollment_rejected", partnerAddrs(e), e.ID, map[string]any{
		"ContactName": e.Contacts.Primary.Name, "CompanyName": e.Company.Name, "Reason": reason,
	}, now, false))
	return s.apply(ctx, c)
}

// Outcome of a validation recorded by hand.
type Outcome string

// Outcomes.
const (
	Passed Outcome = "passed"
	Failed Outcome = "failed"
)

// RecordValidation records a validation outcome by hand (host admins, operators).
func (s *Service) RecordValidation(ctx context.Context, p auth.Principal, id string, outcome Outcome, note string, version *int) (Enrollment, error) {
	f := apperr.Fields{}
	input.OneOf(f, "outcome", string(outcome), string(Passed), string(Failed))
	note = input.OptionalText(f, "note", note, 2000)
	if outcome == Failed && note == "" {
		f.Add("note", "is required when validation failed: tell the partner what to fix")
	}
	if err := f.Err(); err != nil {
		return Enrollment{}, err
	}
	e, err := s.forHost(ctx, p, id)
	if err != nil {
		return Enrollment{}, err
	}
	if err := checkVersion(e, version); err != nil {
		return Enrollment{}, err
	}
	if outcome == Passed {
		return s.pass(ctx, e, p.Actor(), note, "")
	}
	now := s.Now()
	c, err := s.transition(e, Fail, p.Actor(), note, now)
	if err != nil {
		return Enrollment{}, err
	}
	c.After.ValidationHash = "" // the old test case no longer counts
	prg, dep, err := s.context(ctx, e)
	if err != nil {
		return Enrollment{}, err
	}
	c.Messages = append(c.Messages, s.mail(prg, "validation_failed", partnerAddrs(e), e.ID, map[string]any{
		"ContactName": e.Contacts.Primary.Name, "CompanyName": e.Company.Name, "Note": note, "InboundEmail": dep.Inbound.Email,
		"EnrollmentID": e.ID,
	}, now, false))
	return s.apply(ctx, c)
}

// Resend sends a new validation test case (the host's or the partner's
// admins, operators) after a failure or a lost mail.
func (s *Service) Resend(ctx context.Context, p auth.Principal, id string) (Enrollment, error) {
	e, err := s.Get(ctx, p, id)
	if err != nil {
		return Enrollment{}, err
	}
	if !p.AdminOf(e.HostMemberID) && !p.AdminOf(e.MemberID) {
		return Enrollment{}, apperr.Forbidden("resending the test case needs the admin role")
	}
	now := s.Now()
	c, err := s.transition(e, Resend, p.Actor(), "", now)
	if err != nil {
		return Enrollment{}, err
	}
	prg, dep, err := s.context(ctx, e)
	if err != nil {
		return Enrollment{}, err
	}
	if err := s.startValidation(ctx, &c, prg, dep, now); err != nil {
		return Enrollment{}, err
	}
	return s.apply(ctx, c)
}

// ValidationLink describes a test case link for its page.
type ValidationLink struct {
	Enrollment Enrollment
	Program    program.Program
	// Done says the test case was already acknowledged (or superseded).
	Done string
}

// LookupValidation checks a /v/{token} link without acting on it.
func (s *Service) LookupValidation(ctx context.Context, plain string) (ValidationLink, error) {
	tok, e, err := s.mailToken(ctx, plain, ValidationToken)
	if err != nil {
		return ValidationLink{}, err
	}
	prg, err := s.Store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return ValidationLink{}, err
	}
	v := ValidationLink{Enrollment: e, Program: prg}
	switch {
	case e.ValidationHash != tok.Hash && e.Status != Validating:
		v.Done = "This test case is no longer open: the enrollment is " + humanStatus(e.Status) + "."
	case e.ValidationHash != tok.Hash:
		v.Done = "A newer test case was sent; acknowledge that one instead."
	case e.Status != Validating:
		v.Done = "This test case was already acknowledged: the enrollment is " + humanStatus(e.Status) + "."
	case !s.Now().Before(tok.ExpiresAt):
		v.Done = "This test case expired. Ask the program's team to send a new one."
	}
	return v, nil
}

// Acknowledge passes validation from the partner's test-case link.
func (s *Service) Acknowledge(ctx context.Context, plain string) (Enrollment, error) {
	v, err := s.LookupValidation(ctx, plain)
	if err != nil {
		return Enrollment{}, err
	}
	if v.Done != "" {
		return Enrollment{}, apperr.Conflict("%s", v.Done)
	}
	return s.pass(ctx, v.Enrollment, "partner (test case acknowledged)", "", "")
}

// pass records validation passed: live when settled, else awaiting payment.
func (s *Service) pass(ctx context.Context, e Enrollment, actor, note, useToken string) (Enrollment, error) {
	now := s.Now()
	c, err := s.transition(e, Pass, actor, note, now)
	if err != nil {
		return Enrollment{}, err
	}
	c.UseToken = useToken
	prg, err := s.Store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return Enrollment{}, err
	}
	if c.After.Status == Active {
		if err := s.goLive(ctx, &c, prg, now); err != nil {
			return Enrollment{}, err
		}
	} else {
		inv, err := s.Store.GetInvoice(ctx, e.MembershipInvoiceID)
		if err != nil {
			return Enrollment{}, err
		}
		c.Messages = append(c.Messages, s.mail(prg, "awaiting_payment", partnerAddrs(e), e.ID, map[string]any{
			"ContactName": e.Contacts.Primary.Name, "CompanyName": e.Company.Name, "InvoiceID": inv.ID,
			"Total": billing.Money(inv.TotalCents), "Due": inv.DueAt.Format("2 January 2006"),
		}, now, false))
	}
	return s.apply(ctx, c)
}

// goLive completes c for an enrollment becoming active for the first time:
// the membership year starts now, the partner gets its credential link, the
// host is told.
func (s *Service) goLive(ctx context.Context, c *Change, prg program.Program, now time.Time) error {
	c.After.GoLiveAt = now
	if !c.After.HostPaid {
		c.After.RenewalDate = billing.AddYears(now, 1)
		if id := c.After.MembershipInvoiceID; id != "" {
			// The membership year starts now: the invoice's period says so.
			k := -1
			for i := range c.Invoices {
				if c.Invoices[i].After.ID == id {
					k = i
				}
			}
			if k < 0 {
				inv, err := s.Store.GetInvoice(ctx, id)
				if err != nil {
					return err
				}
				after := inv
				after.UpdatedAt, after.Version = now, inv.Version+1
				c.Invoices = append(c.Invoices, InvoiceChange{Before: inv, After: after})
				k = len(c.Invoices) - 1
			}
			c.Invoices[k].After.PeriodStart = billing.Date(now)
			c.Invoices[k].After.PeriodEnd = billing.Date(c.After.RenewalDate)
		}
	}
	tok, msg := Credential(c.After, prg, s.Origin, now)
	c.Tokens = append(c.Tokens, tok)
	c.Messages = append(c.Messages, msg)
	c.Messages = append(c.Messages, s.mail(prg, "enrollment_live_host", prg.NotifyEmails, c.After.ID, map[string]any{
		"CompanyName": c.After.Company.Name, "EnrollmentID": c.After.ID,
	}, now, true))
	return nil
}

// Remove ends an enrollment for good (host admins, the partner's admins,
// operators); both sides are told. The partner no longer reaches anyone
// through the program.
func (s *Service) Remove(ctx context.Context, p auth.Principal, id, reason string, version *int) (Enrollment, error) {
	f := apperr.Fields{}
	reason = input.Text(f, "reason", reason, 2000)
	if err := f.Err(); err != nil {
		return Enrollment{}, err
	}
	e, err := s.Get(ctx, p, id)
	if err != nil {
		return Enrollment{}, err
	}
	if !p.AdminOf(e.HostMemberID) && !p.AdminOf(e.MemberID) {
		return Enrollment{}, apperr.Forbidden("removing an enrollment needs the admin role")
	}
	if err := checkVersion(e, version); err != nil {
		return Enrollment{}, err
	}
	now := s.Now()
	c, err := s.transition(e, Remove, p.Actor(), reason, now)
	if err != nil {
		return Enrollment{}, err
	}
	prg, err := s.Store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return Enrollment{}, err
	}
	data := map[string]any{"CompanyName": e.Company.Name, "Reason": reason, "EnrollmentID": e.ID}
	c.Messages = append(c.Messages,
		s.mail(prg, "enrollment_removed", partnerAddrs(e), e.ID, data, now, false),
		s.mail(prg, "enrollment_removed", prg.NotifyEmails, e.ID, data, now, true),
	)
	return s.apply(ctx, c)
}

// PayInvoice records a payment (operators). A membership invoice lets a
// validated partner go live; a renewal invoice restores a lapsed one.
func (s *Service) PayInvoice(ctx context.Context, p auth.Principal, id, reference string, amount int64) (billing.Invoice, error) {
	if !p.Operator {
		return billing.Invoice{}, apperr.Forbidden("only platform operators record payments")
	}
	f := apperr.Fields{}
	reference = input.Text(f, "reference", reference, 200)
	if err := f.Err(); err != nil {
		return billing.Invoice{}, err
	}
	if !ident.Valid(ident.Invoice, id) {
		return billing.Invoice{}, apperr.NotFound("invoice %s not found", id)
	}
	inv, err := s.Store.GetInvoice(ctx, id)
	if err != nil {
		return billing.Invoice{}, err
	}
	if amount != inv.TotalCents {
		return billing.Invoice{}, apperr.InvalidField("amountCents", fmt.Sprintf("must be the invoice total, %d", inv.TotalCents))
	}
	if inv.Status != billing.Open {
		return billing.Invoice{}, &apperr.StateError{Object: "invoice " + id, Action: "pay", Current: string(inv.Status)}
	}
	now := s.Now()
	paid := inv
	paid.Status, paid.PaidAt, paid.PaymentRef, paid.PaidCents = billing.Paid, now, reference, amount
	paid.UpdatedAt, paid.Version = now, inv.Version+1
	ic := InvoiceChange{Before: inv, After: paid}
	if inv.EnrollmentID == "" {
		return paid, s.Store.Apply(ctx, Change{Invoices: []InvoiceChange{ic}})
	}
	e, err := s.Store.GetEnrollment(ctx, inv.EnrollmentID)
	if err != nil {
		return billing.Invoice{}, err
	}
	var c Change
	switch inv.Kind {
	case billing.Membership:
		c, err = s.transition(e, Pay, p.Actor(), "invoice "+id+" paid ("+reference+")", now)
		if err != nil {
			// Removed or rejected: the payment is still recorded.
			if errors.Is(err, apperr.ErrConflict) {
				return paid, s.Store.Apply(ctx, Change{Invoices: []InvoiceChange{ic}})
			}
			return billing.Invoice{}, err
		}
		c.After.Paid = true
		c.Invoices = []InvoiceChange{ic}
		if c.After.Status == Active && e.Status != Active {
			prg, err := s.Store.GetProgram(ctx, e.ProgramID)
			if err != nil {
				return billing.Invoice{}, err
			}
			if err := s.goLive(ctx, &c, prg, now); err != nil {
				return billing.Invoice{}, err
			}
			paid = c.Invoices[0].After
		}
	case billing.Renewal:
		c, err = s.renewalPaid(ctx, e, inv, p.Actor(), now)
		if err != nil {
			if errors.Is(err, apperr.ErrConflict) {
				return paid, s.Store.Apply(ctx, Change{Invoices: []InvoiceChange{ic}})
			}
			return billing.Invoice{}, err
		}
		c.Invoices = []InvoiceChange{ic}
	default:
		return paid, s.Store.Apply(ctx, Change{Invoices: []InvoiceChange{ic}})
	}
	if _, err := s.apply(ctx, c); err != nil {
		return billing.Invoice{}, err
	}
	return paid, nil
}

// renewalPaid: the renewal year is paid; the renewal date moves a year and a
// lapsed enrollment is active again.
func (s *Service) renewalPaid(ctx context.Context, e Enrollment, inv billing.Invoice, actor string, now time.Time) (Change, error) {
	c, err := s.transition(e, Renew, actor, "renewal invoice "+inv.ID+" paid", now)
	if err != nil {
		return Change{}, err
	}
	// The paid year runs to the invoice's period end: the next renewal
	// date, from which the next year's steps start afresh.
	if end, perr := time.Parse("2006-01-02", inv.PeriodEnd); perr == nil && end.After(e.RenewalDate) {
		c.After.RenewalDate = time.Date(end.Year(), end.Month(), end.Day(), e.RenewalDate.Hour(), e.RenewalDate.Minute(), e.RenewalDate.Second(), 0, time.UTC)
		c.After.RenewalStep, c.After.RenewalInvoiceID = RenewalNone, ""
	}
	if e.Status == Lapsed {
		prg, err := s.Store.GetProgram(ctx, e.ProgramID)
		if err != nil {
			return Change{}, err
		}
		c.Messages = append(c.Messages, s.mail(prg, "enrollment_restored", append(partnerAddrs(e), prg.NotifyEmails...), e.ID, map[string]any{
			"CompanyName": e.Company.Name,
		}, now, false))
	}
	return c, nil
}

func (s *Service) apply(ctx context.Context, c Change) (Enrollment, error) {
	if err := s.Store.Apply(ctx, c); err != nil {
		return Enrollment{}, fmt.Errorf("%s enrollment %s: %w", c.Event.Action, c.Before.ID, err)
	}
	return c.After, nil
}

func checkVersion(e Enrollment, version *int) error {
	if version != nil && *version != e.Version {
		return apperr.Conflict("enrollment %s is at version %d, not %d; reload it", e.ID, e.Version, *version)
	}
	return nil
}

func humanStatus(st Status) string { return strings.ReplaceAll(string(st), "_", " ") }
