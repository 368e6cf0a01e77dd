package collab

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// Store is what cases need of the table: what each use case needs, all
// of which the store provides at once. The use cases' interfaces sit by
// their code; a test fakes the one it drives.
type Store interface {
	Intake
	StaleStore
	CaseReader
	Stepper
	Escalations
	DirectoryReader
	QueueReader
}

// Intake is what opening a case needs (Open): the department, member,
// user and program it names, the submitter's place in the program, the
// day's mail count, and the one transaction that files the case.
type Intake interface {
	GetDepartment(ctx context.Context, id string) (department.Department, error)
	GetMember(ctx context.Context, id string) (member.Member, error)
	GetUser(ctx context.Context, memberID, userID string) (member.User, error)
	GetProgram(ctx context.Context, id string) (program.Program, error)
	// EnrollmentStatus returns the status of member's admitted enrollment
	// in program, "" for none (strongly consistent).
	EnrollmentStatus(ctx context.Context, programID, memberID string) (enrollment.Status, error)
	MailCounter
	// CreateCase writes the case with its first event, its mail and the
	// idempotency commit, in one transaction.
	CreateCase(ctx context.Context, c Case, ev Event, msgs []notify.Message, claim idem.Claim) error
}

// MailCounter counts the case steps that mail, per member and day
// (countMail).
type MailCounter interface {
	// CountInWindow counts one event under key in the current window.
	CountInWindow(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error)
}

// Service opens cases, runs their lifecycle and answers the directory.
type Service struct {
	store  Store
	Origin notify.Origin
	Now    func() time.Time
	// Hooks queues webhook events; nil when webhooks are off.
	Hooks department.HookSender
	// Operators are told of level-2 escalations.
	Operators []string
	// MailLinks signs the action links of case mail.
	MailLinks MailLinks
	// MailPerDay bounds the case steps that mail (opening, answering,
	// notes…) one member may take in a day (UTC): beyond it they are
	// refused (429), so one account cannot turn Tandem into a mailer.
	// Zero is DefaultMailPerDay.
	MailPerDay int
}

// NewService is the service over st configured as c (its exported fields):
// its store is its own, so no caller reads around its checks.
func NewService(st Store, c Service) *Service {
	c.store = st
	return &c
}

// DefaultMailPerDay is MailPerDay unless configured: far above what a
// support organisation opens and answers in a day.
const DefaultMailPerDay = 2000

// countMail counts one mailing step of member memberID today and refuses
// it beyond MailPerDay.
func (s *Service) countMail(ctx context.Context, memberID string, now time.Time) error {
	limit := s.MailPerDay
	if limit <= 0 {
		limit = DefaultMailPerDay
	}
	n, reset, err := s.store.CountInWindow(ctx, "casemail#"+memberID, 24*time.Hour, now)
	if err != nil {
		return err
	}
	if n > limit {
		return apperr.RateLimited(reset.Sub(now), "your company reached today's limit of %d case steps that send mail; it resets at midnight UTC (ask Tandem's operators to raise it)", limit)
	}
	return nil
}

// Box is one side's list of cases.
type Box string

// Boxes.
const (
	Inbox  Box = "inbox"
	Outbox Box = "outbox"
)

// NewCase is the body of POST /v1/cases.
type NewCase struct {
	DepartmentID        string           `json:"departmentId"`
	ProgramID           string           `json:"programId,omitempty"`
	Priority            program.Priority `json:"priority"`
	Summary             string           `json:"summary"`
	Description         string           `json:"description"`
	Customer            *Customer        `json:"customer,omitempty"`
	SubmitterCaseNumber string           `json:"submitterCaseNumber,omitempty"`
	Fields              map[string]any   `json:"fields,omitempty"`
	BusinessImpact      string           `json:"businessImpact,omitempty"`
	NoteToManager       string           `json:"noteToManager,omitempty"`
}

var priorities = []string{string(program.Low), string(program.Medium), string(program.High), string(program.Critical)}

// Open files a case (engineers; critical needs the critical role). One
// transaction writes the case, its due-index entry, the idempotency commit
// and the mail to both sides.
func (s *Service) Open(ctx context.Context, p auth.Principal, in NewCase, claim idem.Claim) (Case, error) {
	if p.MemberID == "" {
		return Case{}, apperr.Forbidden("cases are opened by members' engineers; operators have no member to open them for")
	}
	if !p.Has(auth.RoleEngineer) {
		return Case{}, apperr.Forbidden("opening a case needs the engineer role")
	}
	f := apperr.Fields{}
	in.DepartmentID = strings.TrimSpace(in.DepartmentID)
	if in.DepartmentID == "" {
		f.Add("departmentId", "is required: pick a department from the directory")
	}
	input.OneOf(f, "priority", string(in.Priority), priorities...)
	in.Summary = input.Text(f, "summary", in.Summary, 200)
	in.Description = input.Text(f, "description", in.Description, 20000)
	in.SubmitterCaseNumber = input.OptionalText(f, "submitterCaseNumber", in.SubmitterCaseNumber, 100)
	in.BusinessImpact = input.OptionalText(f, "businessImpact", in.BusinessImpact, 5000)
	in.NoteToManager = input.OptionalText(f, "noteToManager", in.NoteToManager, 5000)
	form.CheckCount(f, "fields", len(in.Fields)) // before any read: 2,000 fields cost what 2 do
	if in.Priority == program.Critical {
		if !p.Has(auth.RoleCritical) {
			return Case{}, apperr.Forbidden("critical cases need the critical role")
		}
		if in.BusinessImpact == "" {
			f.Add("businessImpact", "is required for critical cases: say what the outage costs the customer")
		}
	}
	if in.Customer != nil {
		in.Customer = &Customer{
			Company:      input.Text(f, "customer.company", in.Customer.Company, 200),
			ContactName:  input.Text(f, "customer.contactName", in.Customer.ContactName, 200),
			ContactEmail: input.Email(f, "customer.contactEmail", in.Customer.ContactEmail),
			CaseNumber:   input.OptionalText(f, "customer.caseNumber", in.Customer.CaseNumber, 100),
		}
	}
	if err := f.Err(); err != nil {
		return Case{}, err
	}

	notFound := apperr.NotFound("department %s not found", in.DepartmentID)
	if !ident.Valid(ident.Department, in.DepartmentID) {
		return Case{}, notFound
	}
	// The reads go in two rounds, each side by side: what the request and
	// the caller name, then what the department names. Their answers are
	// checked in the order a reader expects (the department first).
	var (
		dep                             department.Department
		submitter, receiver             member.Member
		u                               member.User
		prg                             program.Program
		mine, theirs                    enrollment.Status
		depErr, subErr, userErr, prgErr error
		mineErr, receiverErr, theirsErr error
		viaProgram                      = in.ProgramID != "" && ident.Valid(ident.Program, in.ProgramID)
		first                           = []func(){
			func() { dep, depErr = s.store.GetDepartment(ctx, in.DepartmentID) },
			func() { submitter, subErr = s.store.GetMember(ctx, p.MemberID) },
			func() { u, userErr = s.store.GetUser(ctx, p.MemberID, p.UserID) },
		}
	)
	if viaProgram {
		first = append(first,
			func() { prg, prgErr = s.store.GetProgram(ctx, in.ProgramID) },
			func() { mine, mineErr = s.store.EnrollmentStatus(ctx, in.ProgramID, p.MemberID) })
	}
	together(first...)
	if errors.Is(depErr, apperr.ErrNotFound) {
		return Case{}, notFound
	}
	if err := errors.Join(depErr, subErr, userErr); err != nil {
		return Case{}, err
	}
	if dep.MemberID == p.MemberID {
		return Case{}, apperr.InvalidField("departmentId", "is one of your own departments; cases go to another member")
	}
	var limitErr error
	second := []func(){
		func() { receiver, receiverErr = s.store.GetMember(ctx, dep.MemberID) },
		func() { limitErr = s.countMail(ctx, p.MemberID, s.Now()) },
	}
	if viaProgram && prgErr == nil {
		second = append(second, func() { theirs, theirsErr = s.store.EnrollmentStatus(ctx, in.ProgramID, dep.MemberID) })
	}
	together(second...)
	if receiverErr != nil {
		return Case{}, receiverErr
	}
	if limitErr != nil {
		return Case{}, limitErr
	}

	if in.ProgramID == "" {
		if submitter.Kind != member.Full || receiver.Kind != member.Full {
			// Not reachable without a program: do not reveal the department.
			return Case{}, apperr.InvalidField("programId", "is required: name the program you collaborate through")
		}
		prg = FullMembership
	} else {
		if !viaProgram || errors.Is(prgErr, apperr.ErrNotFound) {
			return Case{}, apperr.InvalidField("programId", "is not a program")
		}
		if err := errors.Join(prgErr, mineErr, theirsErr); err != nil {
			return Case{}, err
		}
		if !Reaches(prg, p.MemberID, mine, dep.MemberID, theirs) {
			return Case{}, notFound
		}
		if !dep.Serves(prg.ID) {
			return Case{}, apperr.InvalidField("departmentId", "does not take cases of this program; choose one the directory lists for it")
		}
		if prg.Access == program.Restricted {
			if !slices.Contains(u.ProgramIDs, prg.ID) {
				return Case{}, apperr.Forbidden("%s is restricted: an admin of your member must give you access to it", prg.Name)
			}
		}
	}
	if prg.Type == program.CriticalEscalation {
		if err := criticalEscalation(in, dep); err != nil {
			return Case{}, err
		}
	}
	if prg.Type.NeedsCustomer() && in.Customer == nil {
		return Case{}, apperr.InvalidField("customer", "is required in "+string(prg.Type)+" programs: name the mutual customer (company, contactName, contactEmail)")
	}
	f = apperr.Fields{}
	fields := dep.Form.Values(f, "fields", in.Fields)
	if err := f.Err(); err != nil {
		return Case{}, err
	}

	now := s.Now()
	sla := prg.SLA.For(in.Priority)
	clock := ClockFor(dep.Inbound.Hours, in.Priority)
	due, level2, err := responseClock(clock, now, sla)
	if err != nil {
		// The department's hours were saved before they had to hold an
		// SLA, or hold too little of one: the submitter can do nothing
		// but pick another department, and its admins must widen them.
		return Case{}, apperr.InvalidField("departmentId", fmt.Sprintf(
			"%s's business hours cannot hold a %s response time; its admins must widen them (%v)", dep.Name, program.FormatDuration(sla), err))
	}
	c := Case{
		ID: ident.New(ident.Case, now), ProgramID: prg.ID, ProgramName: prg.Name, ProgramType: prg.Type,
		SubmitterMemberID: submitter.ID, SubmitterName: submitter.Name, SubmitterUserID: u.ID, SubmitterEmail: u.Email,
		ReceiverMemberID: receiver.ID, ReceiverName: receiver.Name, DepartmentID: dep.ID, DepartmentName: dep.Name,
		Priority: in.Priority, Summary: in.Summary, Description: in.Description, Customer: in.Customer,
		SubmitterCaseNumber: in.SubmitterCaseNumber, Fields: fields, BusinessImpact: in.BusinessImpact, NoteToManager: in.NoteToManager,
		Status: Open, SLA: sla, ResponseDueAt: due, Level2DueAt: level2, LastActivityAt: now, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if at, err := clock.Add(now, sla*3/4); err == nil {
		c.RemindAt = at
	}
	// Capture copies go only to addresses their owners confirmed.
	c.Bcc = dedupe([]string{submitter.CaptureOutbound(), receiver.CaptureInbound()})
	ev := Event{ID: ident.New(ident.Event, now), At: now, Actor: u.Name + " <" + u.Email + ">", MemberID: submitter.ID, Side: Submitter, Action: "open", To: Open}
	// A reference drawn twice (one in 10^11 per pair of cases) is drawn
	// again; the mail names it, so it is written afresh too.
	for attempt := 1; ; attempt++ {
		c.Ref = NewRef()
		msgs, err := s.openingMail(ctx, c, dep, prg, u, now)
		if err != nil {
			return Case{}, err
		}
		err = s.store.CreateCase(ctx, c, ev, msgs, claim)
		if errors.Is(err, ErrRefTaken) && attempt < 5 {
			continue
		}
		if err != nil {
			return Case{}, fmt.Errorf("open case: %w", err)
		}
		return c, nil
	}
}

// openingMail is the mail and webhook a new case sends: the receiving
// department (and, for a critical escalation, its escalation contact),
// the submitter's confirmation and the receiver's case.created hook.
func (s *Service) openingMail(ctx context.Context, c Case, dep department.Department, prg program.Program, u member.User, now time.Time) ([]notify.Message, error) {
	inbound := dep.InboundMail()
	msgs := s.mails(c, dedupe([]string{inbound}), s.newCaseMail(c, dep, inbound, now), now)
	if esc := dep.EscalationMail(); prg.Type == program.CriticalEscalation && esc != "" && !strings.EqualFold(esc, inbound) {
		// The note to manager is for the receiving support manager too,
		// with links of its own.
		msgs = append(msgs, s.mail([]string{esc}, s.newCaseMail(c, dep, esc, now), c.ID, now))
	}
	msgs = append(msgs, s.mail([]string{u.Email}, notify.CaseOpened{CaseMail: s.caseData(c, dep)}, c.ID, now))
	hook, err := s.hook(ctx, dep, "case.created", c, now)
	if err != nil {
		return nil, err
	}
	if hook != nil {
		msgs = append(msgs, *hook)
	}
	return msgs, nil
}

// together runs reads side by side and waits for them all: one round trip
// to the table instead of one each.
func together(reads ...func()) {
	var wg sync.WaitGroup
	wg.Add(len(reads))
	for _, r := range reads {
		go func() {
			defer wg.Done()
			r()
		}()
	}
	wg.Wait()
}

// FullMembership is what a case between two full members without a
// program is opened under: solution support at the standard response
// times.
var FullMembership = program.Program{Name: "Tandem full membership", Type: program.SolutionSupport, SLA: program.DefaultSLA}

// criticalEscalation holds a case of a critical escalation program to the
// program type's rules: critical priority (the critical role is checked
// with it), the business impact, a note to the receiving support manager,
// the customer's existing case number, a receiving department open 24x7.
func criticalEscalation(in NewCase, dep department.Department) error {
	f := apperr.Fields{}
	if !slices.Contains(program.CriticalEscalation.Priorities(), in.Priority) {
		f.Add("priority", "must be critical: every case of a critical escalation program is")
	}
	if in.NoteToManager == "" {
		f.Add("noteToManager", "is required in critical escalation programs: what the receiving support manager must know")
	}
	if in.Customer == nil || in.Customer.CaseNumber == "" {
		f.Add("customer.caseNumber", "is required in critical escalation programs: the case the customer already has open with you")
	}
	if why := NotAroundTheClock(dep); why != "" {
		f.Add("departmentId", why)
	}
	return f.Err()
}

// NotAroundTheClock says why dep cannot receive critical escalations, or
// "" when it can: they go only to a department staffed 24x7.
func NotAroundTheClock(dep department.Department) string {
	if dep.Inbound.Hours.Always {
		return ""
	}
	return dep.Name + " is not staffed around the clock; critical escalations go to a department open 24x7"
}

func (s *Service) hook(ctx context.Context, dep department.Department, typ string, c Case, now time.Time) (*notify.Message, error) {
	if s.Hooks == nil || dep.Inbound.WebhookURL == "" || dep.WebhookDisabled {
		return nil, nil
	}
	return s.Hooks(ctx, dep, typ, HookPayload(c), now)
}

// CaseHook is a case as webhook receivers see it: the data of every case
// event. The fields are in the order of their JSON names because the body
// was a map until it became this struct, and encoding/json writes a map's
// keys sorted: the same order keeps the signed bytes receivers get as they
// were.
type CaseHook struct {
	CaseID              string         `json:"caseId"`
	Customer            *Customer      `json:"customer,omitempty"`
	DepartmentID        string         `json:"departmentId"`
	Description         string         `json:"description"`
	EscalationLevel     int            `json:"escalationLevel"`
	Fields              map[string]any `json:"fields"`
	Priority            string         `json:"priority"`
	ProgramID           string         `json:"programId"`
	ReceiverCaseNumber  string         `json:"receiverCaseNumber"`
	ReceiverMemberID    string         `json:"receiverMemberId"`
	ResponseDueAt       string         `json:"responseDueAt"`
	Status              string         `json:"status"`
	SubmitterCaseNumber string         `json:"submitterCaseNumber"`
	SubmitterMemberID   string         `json:"submitterMemberId"`
	Summary             string         `json:"summary"`
	Version             int            `json:"version"`
}

// HookPayload is case c as webhook receivers see it.
func HookPayload(c Case) CaseHook {
	return CaseHook{
		CaseID: c.ID, Customer: c.Customer, DepartmentID: c.DepartmentID, Description: c.Description,
		EscalationLevel: c.EscalationLevel, Fields: c.Fields, Priority: string(c.Priority), ProgramID: c.ProgramID,
		ReceiverCaseNumber: c.ReceiverCaseNumber, ReceiverMemberID: c.ReceiverMemberID,
		ResponseDueAt: c.ResponseDueAt.UTC().Format(time.RFC3339), Status: string(c.Status),
		SubmitterCaseNumber: c.SubmitterCaseNumber, SubmitterMemberID: c.SubmitterMemberID, Summary: c.Summary, Version: c.Version,
	}
}

func (s *Service) caseData(c Case, dep department.Department) notify.CaseMail {
	d := notify.CaseMail{
		CaseID: c.ID, Ref: refOrID(c), Summary: c.Summary, Description: c.Description, Priority: string(c.Priority),
		ProgramName: c.ProgramName, SubmitterName: c.SubmitterName, SubmitterEmail: c.SubmitterEmail,
		ReceiverName: c.ReceiverName, DepartmentName: c.DepartmentName, DueAt: c.ResponseDueAt.UTC().Format("Mon 2 Jan 2006 15:04 UTC"),
		SubmitterCaseNumber: c.SubmitterCaseNumber, BusinessImpact: c.BusinessImpact, NoteToManager: c.NoteToManager,
		Link: s.Origin.BaseURL + "/cases/" + c.ID,
	}
	if cu := c.Customer; cu != nil {
		d.Customer = true
		d.CustomerCompany, d.CustomerContact, d.CustomerEmail, d.CustomerCase = cu.Company, cu.ContactName, cu.ContactEmail, cu.CaseNumber
	}
	known, _ := dep.Form.Answers(c.Fields) // mail names only what the form asks now
	for _, a := range known {
		d.Fields = append(d.Fields, notify.FieldLine{Label: a.Label, Value: fmt.Sprint(a.Value)})
	}
	return d
}

// mail is one message about the case ref to the addresses to.
func (s *Service) mail(to []string, data notify.MailData, ref string, now time.Time) notify.Message {
	return notify.Message{ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: s.Origin.From,
		To: to, Ref: ref, CreatedAt: now, Data: data}
}

// mails is a mail of case c to the addresses to (none when to is empty)
// and each capture address's blind copy of it, a message of its own: the
// same mail without the links that act without a sign-in, which are the
// recipient's alone, and no member sees another's capture address.
func (s *Service) mails(c Case, to []string, data notify.MailData, now time.Time) []notify.Message {
	var out []notify.Message
	if len(to) > 0 {
		out = append(out, s.mail(to, data, c.ID, now))
	}
	copyData := data
	if a, ok := data.(notify.ActionMail); ok {
		copyData = a.WithoutActions()
	}
	for _, addr := range c.Bcc {
		m := s.mail(nil, copyData, c.ID, now)
		m.Bcc = []string{addr}
		out = append(out, m)
	}
	return out
}

// newCaseMail is the new-case mail to recipient at the receiving
// department, its action links bound to that address ("" makes a mail
// without links).
func (s *Service) newCaseMail(c Case, dep department.Department, recipient string, now time.Time) notify.CaseNew {
	m := notify.CaseNew{CaseMail: s.caseData(c, dep)}
	if recipient == "" {
		return m
	}
	m.AcceptLink = s.actionLink(c, dep, Accept, recipient, now)
	m.RequestInfoLink = s.actionLink(c, dep, RequestInfo, recipient, now)
	if c.Offers(Reject) {
		m.RejectLink = s.actionLink(c, dep, Reject, recipient, now)
	}
	return m
}

// actionLink is the /r/ link for action on c, mailed to recipient now.
func (s *Service) actionLink(c Case, dep department.Department, action Action, recipient string, now time.Time) string {
	return s.Origin.BaseURL + "/r/" + s.MailLinks.Sign(c.ID, dep.ID, action, recipient, now)
}

// ClockFor is the hours a case of priority p is clocked in at a department
// open h: critical cases run 24x7, the others in the department's hours.
func ClockFor(h hours.Hours, p program.Priority) hours.Hours {
	if p == program.Critical {
		return hours.AlwaysOpen
	}
	return h
}

// ResponseDue is when a case of priority p opened at from must have its
// first response, at a department open h, in a program whose response
// time for p is sla.
func ResponseDue(h hours.Hours, p program.Priority, sla time.Duration, from time.Time) (time.Time, error) {
	return ClockFor(h, p).Add(from, sla)
}

// responseClock is when a response is due and when level 2 escalates: one
// and two SLAs of working time after from.
func responseClock(h hours.Hours, from time.Time, sla time.Duration) (due, level2 time.Time, err error) {
	if due, err = h.Add(from, sla); err != nil {
		return due, level2, err
	}
	level2, err = h.Add(due, sla)
	return due, level2, err
}
