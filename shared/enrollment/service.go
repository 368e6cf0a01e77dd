package enrollment

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/ident"
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
	// DepartmentChange saves a department with the transition (an address
	// confirmed by the test case's acknowledgement).
	DepartmentChange *DepartmentChange
	// Enroll takes the member's one place in the program; Release gives it
	// back, so a rejected sign-up never blocks a later one.
	Enroll, Release bool
	// Admin is the partner's first admin going live makes (or finds) and
	// its sign-in link, written with the go-live.
	Admin    *AdminSignIn
	Messages []notify.Message
	// PaymentEvent records a payment provider's event as processed (once:
	// the transaction fails when it is already recorded).
	PaymentEvent string
	// InvoiceNotes are timeline entries on invoices the change leaves as
	// they are (a payment reported for an invoice already paid).
	InvoiceNotes []InvoiceNote
}

// AdminSignIn is a partner's admin user and a sign-in link for it, written
// with the step that makes them: the user and its credential are created
// when New (else the user exists and is only signed in), and the link,
// stored by LinkHash, works once until LinkExpires (no link when LinkHash
// is empty: an API claim hands out a token instead).
type AdminSignIn struct {
	User        member.User
	New         bool
	Credential  member.Credential
	LinkHash    string
	LinkExpires time.Time
}

// InvoiceNote is an entry of an invoice's timeline at its version Version.
type InvoiceNote struct {
	InvoiceID string
	Version   int
	Event     audit.Event
}

// DepartmentChange replaces a department read at Before.Version.
type DepartmentChange struct {
	Before, After department.Department
}

// InvoiceChange replaces an invoice read at version Before.Version.
type InvoiceChange struct {
	Before billing.Invoice
	After  billing.Invoice
}

// Store is what onboarding needs of the table: what each use case needs,
// all of which the store provides at once. The use cases' interfaces sit
// by their code; a test fakes the one it drives.
type Store interface {
	Reader
	WaitingStore
	Transitions
	OneTimeLinks
	Renewals
	Addenda
	PaymentEvents
}

// Reader is what reading enrollments needs (Get, Events, List, Counts).
type Reader interface {
	GetEnrollment(ctx context.Context, id string) (Enrollment, error)
	ListEnrollmentEvents(ctx context.Context, id string, limit int, cursor string) ([]Event, string, error)
	GetProgram(ctx context.Context, id string) (program.Program, error)
	ListProgramEnrollments(ctx context.Context, programID string, status Status, limit int, cursor string) ([]Enrollment, string, error)
	// CountProgramEnrollments counts a program's enrollments per status.
	CountProgramEnrollments(ctx context.Context, programID string) (map[Status]int, error)
}

// Transitions is what a step of onboarding needs — a decision, consent,
// validation, payment, go-live, removal: the enrollment with its program,
// department and invoices, and the step's change written at once (apply).
type Transitions interface {
	GetEnrollment(ctx context.Context, id string) (Enrollment, error)
	GetProgram(ctx context.Context, id string) (program.Program, error)
	GetDepartment(ctx context.Context, id string) (department.Department, error)
	GetInvoice(ctx context.Context, id string) (billing.Invoice, error)
	// GetMember and ListMemberUsers find the partner's first admin at
	// go-live: its domain, and a user who has the address already.
	GetMember(ctx context.Context, id string) (member.Member, error)
	ListMemberUsers(ctx context.Context, memberID string) ([]member.User, error)
	// ApplyEnrollmentChange writes a change in one transaction; a
	// moved-on enrollment is a conflict.
	ApplyEnrollmentChange(ctx context.Context, c Change) error
}

// Service runs onboarding: decisions, validation, go-live, payment, removal.
type Service struct {
	store  Store
	Origin notify.Origin
	Links  Links
	Now    func() time.Time
	// Hooks queues webhook events; nil until webhooks are configured.
	Hooks department.HookSender
}

// NewService is the service over st configured as c (its exported fields):
// its store is its own, so no caller reads around its checks.
func NewService(st Store, c Service) *Service {
	c.store = st
	return &c
}

// Get returns an enrollment to the host's and the partner's users and to
// operators; to anyone else it does not exist.
func (s *Service) Get(ctx context.Context, p auth.Principal, id string) (Enrollment, error) {
	if !ident.Valid(ident.Enrollment, id) {
		return Enrollment{}, apperr.NotFound("enrollment %s not found", id)
	}
	e, err := s.store.GetEnrollment(ctx, id)
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
	return s.store.ListEnrollmentEvents(ctx, id, limit, cursor)
}

// List returns a program's enrollments, optionally of one status, to the
// host's users and operators.
func (s *Service) List(ctx context.Context, p auth.Principal, programID string, status Status, limit int, cursor string) ([]Enrollment, string, error) {
	if !ident.Valid(ident.Program, programID) {
		return nil, "", apperr.NotFound("program %s not found", programID)
	}
	prg, err := s.store.GetProgram(ctx, programID)
	if err != nil {
		return nil, "", err
	}
	if !p.In(prg.HostMemberID) {
		return nil, "", apperr.NotFound("program %s not found", programID)
	}
	if status != "" && !knownStatus(status) {
		return nil, "", apperr.InvalidField("status", "must be one of "+statusList())
	}
	return s.store.ListProgramEnrollments(ctx, programID, status, limit, cursor)
}

// Counts counts a program's enrollments per status, for its host's admins
// and operators (the queue's head). Another tenant gets 404, the host's
// other users 403.
func (s *Service) Counts(ctx context.Context, p auth.Principal, programID string) (map[Status]int, error) {
	if !ident.Valid(ident.Program, programID) {
		return nil, apperr.NotFound("program %s not found", programID)
	}
	prg, err := s.store.GetProgram(ctx, programID)
	if err != nil {
		return nil, err
	}
	if !p.In(prg.HostMemberID) {
		return nil, apperr.NotFound("program %s not found", programID)
	}
	if !p.AdminOf(prg.HostMemberID) {
		return nil, apperr.Forbidden("the enrollment queue is for the admins of the program's host")
	}
	return s.store.CountProgramEnrollments(ctx, programID)
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
	prg, err := s.store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return prg, department.Department{}, err
	}
	dep, err := s.store.GetDepartment(ctx, e.DepartmentID)
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

// mail is a message about prg: sent as the program, or from the platform
// (mail to the host about its own program).
func (s *Service) mail(prg program.Program, to []string, ref string, data notify.MailData, now time.Time, fromPlatform bool) notify.Message {
	from, replyTo := prg.From(s.Origin.From), prg.HostReplyTo()
	if fromPlatform {
		from, replyTo = s.Origin.From, nil
	}
	return notify.Message{ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: from, ReplyTo: replyTo, To: to, Ref: ref, CreatedAt: now, Data: data}
}

// programMail names prg in a mail.
func (s *Service) programMail(prg program.Program) notify.ProgramMail {
	return notify.ProgramMail{ProgramName: prg.Name, HostName: prg.HostName, BaseURL: s.Origin.BaseURL}
}

func partnerAddrs(e Enrollment) []string {
	out := []string{e.Contacts.Primary.Email}
	if !strings.EqualFold(e.Email, e.Contacts.Primary.Email) {
		out = append(out, e.Email)
	}
	return out
}
func (s *Service) apply(ctx context.Context, c Change) (Enrollment, error) {
	if err := s.store.ApplyEnrollmentChange(ctx, c); err != nil {
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

// WaitingStore lists the sign-ups waiting for a decision, across tenants
// (the operators' index).
type WaitingStore interface {
	WaitingSignups(ctx context.Context, now time.Time, limit int) ([]Enrollment, bool, error)
	// AwaitingPayment lists enrollments awaiting payment, longest waiting
	// first; OverdueInvoices open invoices past their due date, most
	// overdue first.
	AwaitingPayment(ctx context.Context, now time.Time, limit int) ([]Enrollment, bool, error)
	OverdueInvoices(ctx context.Context, now time.Time, limit int) ([]billing.Invoice, bool, error)
}

// Unpaid are, for operators, the enrollments awaiting payment (longest
// waiting first) and the open invoices past their due date (most overdue
// first), at most limit of each, and whether there are more of each.
func (s *Service) Unpaid(ctx context.Context, p auth.Principal, now time.Time, limit int) (Unpaid, error) {
	if !p.Operator {
		return Unpaid{}, apperr.Forbidden("this is for Tandem's operators")
	}
	var u Unpaid
	var err error
	if u.Awaiting, u.MoreAwaiting, err = s.store.AwaitingPayment(ctx, now, limit); err != nil {
		return Unpaid{}, err
	}
	if u.Overdue, u.MoreOverdue, err = s.store.OverdueInvoices(ctx, now, limit); err != nil {
		return Unpaid{}, err
	}
	return u, nil
}

// Unpaid is what operators chase: enrollments awaiting payment and
// overdue invoices.
type Unpaid struct {
	Awaiting     []Enrollment
	MoreAwaiting bool
	Overdue      []billing.Invoice
	MoreOverdue  bool
}

// Waiting are the sign-ups waiting for a decision, oldest first, and
// whether there are more than limit (operators only).
func (s *Service) Waiting(ctx context.Context, p auth.Principal, now time.Time, limit int) ([]Enrollment, bool, error) {
	if !p.Operator {
		return nil, false, apperr.Forbidden("this is for Tandem's operators")
	}
	return s.store.WaitingSignups(ctx, now, limit)
}
