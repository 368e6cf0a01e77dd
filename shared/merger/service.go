package merger

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// Store is what mergers read and write: what each use case needs, all of
// which the store provides at once; the use cases' interfaces sit by their
// code. Every Move* is one transaction: the object re-pointed
// (conditional on it still being From's, at the version read), its
// timeline entry, and the merger's count.
type Store interface {
	Mergers
	Eligibility
	Previewer
	UserMoves
	DepartmentMoves
	EnrollmentMoves
	CaseMoves
	InvoiceMoves
	ConfigurationMoves
}

// Mergers is the merger's own record, as starting, reading, continuing
// and finishing one need it (Start, Get, Continue).
type Mergers interface {
	// GetMerger returns the merger of member from (NotFound when none).
	GetMerger(ctx context.Context, from string) (Merger, error)
	// StartMerger writes m and marks both members, if neither is merging
	// or merged (conflict otherwise).
	StartMerger(ctx context.Context, m Merger, ev audit.Event) error
	// FinishMerger marks m done and From merged, if m is still running.
	FinishMerger(ctx context.Context, m Merger, ev audit.Event) error
}

// Service runs mergers.
type Service struct {
	store  Store
	Origin notify.Origin
	Now    func() time.Time
	// Batch is how many objects one run moves before it stops and leaves
	// the rest to the next (a request answers 202 then); zero means
	// DefaultBatch.
	Batch int
}

// NewService is the service over st configured as c (its exported fields):
// its store is its own, so no caller reads around its checks.
func NewService(st Store, c Service) *Service {
	c.store = st
	return &c
}

// DefaultBatch bounds one run: a request stays well inside API Gateway's
// 29 s, a scheduled run inside its minutes.
const DefaultBatch = 200

// Request is an operator's merger of member {id} into another.
type Request struct {
	Into string `json:"into"`
}

// Start begins merging member from into in.Into (operators only) and runs
// it for one batch; asked again it goes on with the same merger (a
// different target is a conflict). done says whether it finished.
func (s *Service) Start(ctx context.Context, p auth.Principal, from string, in Request) (Merger, bool, error) {
	if !p.Operator {
		return Merger{}, false, apperr.Forbidden("only platform operators can merge members")
	}
	if !ident.Valid(ident.Member, from) {
		return Merger{}, false, apperr.NotFound("member %s not found", from)
	}
	f := apperr.Fields{}
	switch {
	case in.Into == "":
		f.Add("into", "name the member to merge into (its id, mem_…)")
	case !ident.Valid(ident.Member, in.Into):
		f.Add("into", fmt.Sprintf("%q is not a member id (mem_…)", in.Into))
	case in.Into == from:
		f.Add("into", "a member cannot be merged into itself")
	}
	if err := f.Err(); err != nil {
		return Merger{}, false, err
	}
	m, err := s.store.GetMerger(ctx, from)
	switch {
	case err == nil:
		if m.Into != in.Into {
			return m, false, apperr.Conflict("member %s is already being merged into %s, not %s", from, m.Into, in.Into)
		}
	case errors.Is(err, apperr.ErrNotFound):
		if m, err = s.begin(ctx, p, from, in.Into); err != nil {
			return Merger{}, false, err
		}
	default:
		return Merger{}, false, err
	}
	return s.run(ctx, m)
}

// begin checks both members and writes the merger.
func (s *Service) begin(ctx context.Context, p auth.Principal, from, into string) (Merger, error) {
	b, a, err := s.members(ctx, from, into)
	if err != nil {
		return Merger{}, err
	}
	now := s.Now()
	m := Merger{
		From: from, Into: into, FromName: b.Name, IntoName: a.Name, FromDomain: b.Domain,
		Status: Running, Actor: p.Actor(), StartedAt: now,
	}
	ev := audit.Event{ID: ident.New(ident.Event, now), At: now, Actor: m.Actor, Action: "merge",
		Reason: b.Name + " (" + b.ID + ") is being merged into " + a.Name + " (" + a.ID + ")"}
	if err := s.store.StartMerger(ctx, m, ev); err != nil {
		return Merger{}, fmt.Errorf("start merger of %s into %s: %w", from, into, err)
	}
	return m, nil
}

// Eligibility is what deciding whether one member can be merged into
// another needs (members, for Start and Preview): both members, and the
// programs the first hosts.
type Eligibility interface {
	GetMember(ctx context.Context, id string) (member.Member, error)
	ListHostPrograms(ctx context.Context, memberID string) ([]program.Program, error)
}

// members reads member from (b) and member into (a) and says why b cannot
// be merged into a, if it cannot: the same member, an unknown target (422
// naming into), either merging or merged already, or b hosting programs.
func (s *Service) members(ctx context.Context, from, into string) (b, a member.Member, err error) {
	if b, err = s.store.GetMember(ctx, from); err != nil {
		return b, a, err
	}
	if into == from {
		return b, a, apperr.Invalid(apperr.Fields{"into": "a member cannot be merged into itself"})
	}
	a, err = s.store.GetMember(ctx, into)
	if errors.Is(err, apperr.ErrNotFound) {
		return b, a, apperr.Invalid(apperr.Fields{"into": fmt.Sprintf("member %s not found", into)})
	}
	if err != nil {
		return b, a, err
	}
	return b, a, s.refuse(ctx, b, a)
}

// refuse says why b cannot be merged into a, if it cannot: either merging
// or merged already, or b hosting programs.
func (s *Service) refuse(ctx context.Context, b, a member.Member) error {
	if b.MergedInto != "" {
		return apperr.Conflict("member %s is already %s into %s", b.ID, b.Merge, b.MergedInto)
	}
	if a.MergedInto != "" {
		return apperr.Conflict("member %s (%s) is itself %s into %s: merge into that member", a.ID, a.Name, a.Merge, a.MergedInto)
	}
	hosted, err := s.store.ListHostPrograms(ctx, b.ID)
	if err != nil {
		return err
	}
	if len(hosted) > 0 {
		names := make([]string, len(hosted))
		for i, h := range hosted {
			names[i] = h.Name
		}
		return apperr.Conflict("member %s hosts programs (%s): a host's programs do not move in a merger; close them or merge the other way round",
			b.ID, strings.Join(names, ", "))
	}
	return nil
}

// Get returns the merger of member from (operators only).
func (s *Service) Get(ctx context.Context, p auth.Principal, from string) (Merger, error) {
	if !p.Operator {
		return Merger{}, apperr.Forbidden("only platform operators can read mergers")
	}
	if !ident.Valid(ident.Member, from) {
		return Merger{}, apperr.NotFound("no merger of member %s", from)
	}
	m, err := s.store.GetMerger(ctx, from)
	if errors.Is(err, apperr.ErrNotFound) {
		return Merger{}, apperr.NotFound("member %s is not being merged", from)
	}
	return m, err
}

// Continue runs the merger of member from for one batch (the scheduled
// run): moved is how many objects it moved.
func (s *Service) Continue(ctx context.Context, from string, _ time.Time) (moved int, done bool, err error) {
	m, err := s.store.GetMerger(ctx, from)
	if errors.Is(err, apperr.ErrNotFound) {
		return 0, true, nil // finished and swept away, or never begun
	}
	if err != nil {
		return 0, false, err
	}
	before := m.Moved.Total()
	m, done, err = s.run(ctx, m)
	return m.Moved.Total() - before, done, err
}

// run moves what From still holds, pass after pass, until a pass finds
// nothing (then the merger finishes) or the batch is used up.
func (s *Service) run(ctx context.Context, m Merger) (Merger, bool, error) {
	if m.Status == Done {
		return m, true, nil
	}
	r := &runner{s: s, m: m, left: s.batch()}
	for {
		moved, err := r.pass(ctx)
		if err != nil || r.left == 0 {
			return r.m, false, err
		}
		if moved == 0 {
			break
		}
	}
	now := s.Now()
	r.m.Status, r.m.FinishedAt = Done, now
	ev := audit.Event{ID: ident.New(ident.Event, now), At: now, Actor: m.Actor, Action: "merged", From: string(member.MergeRunning), To: string(member.MergeDone),
		Reason: fmt.Sprintf("%s merged into %s: %s", m.FromName, m.IntoName, r.m.Moved.text())}
	if err := s.store.FinishMerger(ctx, r.m, ev); err != nil {
		return r.m, false, fmt.Errorf("finish merger of %s: %w", m.From, err)
	}
	return r.m, true, nil
}

func (s *Service) batch() int {
	if s.Batch > 0 {
		return s.Batch
	}
	return DefaultBatch
}

// text is counts for a timeline: "3 users, 2 departments, …".
func (c Counts) text() string {
	var parts []string
	for _, x := range []struct {
		n    int
		what string
	}{{c.Users, "users"}, {c.UsersFolded, "users already there"}, {c.Departments, "departments"}, {c.Enrollments, "enrollments"},
		{c.Cases, "cases"}, {c.Invoices, "invoices"}, {c.Configurations, "validated configurations"}} {
		if x.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", x.n, x.what))
		}
	}
	if len(parts) == 0 {
		return "nothing to move"
	}
	return strings.Join(parts, ", ") + " moved"
}

// runner is one run of a merger: what it has left of its batch.
type runner struct {
	s    *Service
	m    Merger
	left int
	// into is member A, once read.
	into *member.Member
}

var errBatchUsed = errors.New("batch used up")

// take spends one move of the batch; false once it is used up.
func (r *runner) take() bool {
	if r.left == 0 {
		return false
	}
	r.left--
	return true
}

// pass moves everything From holds now, kind by kind; moved counts moves.
func (r *runner) pass(ctx context.Context) (int, error) {
	total := 0
	for _, step := range []func(context.Context) (int, error){r.users, r.departments, r.enrollments, r.cases, r.invoices, r.configurations} {
		n, err := step(ctx)
		total += n
		if errors.Is(err, errBatchUsed) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (r *runner) event(action, reason string) audit.Event {
	now := r.s.Now()
	return audit.Event{ID: ident.New(ident.Event, now), At: now, Actor: r.m.Actor, Action: action, From: r.m.FromName, To: r.m.IntoName, Reason: reason}
}

func (r *runner) mergedLine() string {
	return r.m.FromName + " (" + r.m.From + ") merged into " + r.m.IntoName + " (" + r.m.Into + ")"
}

// UserMoves is what moving B's users needs (users): both members' users,
// and the two ways one moves.
type UserMoves interface {
	ListMemberUsers(ctx context.Context, memberID string) ([]member.User, error)
	// MoveUser re-creates u as into's user (after) and points its token there.
	MoveUser(ctx context.Context, m Merger, before, after member.User, ev audit.Event) error
	// FoldUser removes u (B's) whose address into's user kept already has,
	// revoking u's token.
	FoldUser(ctx context.Context, m Merger, u member.User, kept member.User, ev audit.Event) error
}

// users moves B's users, or folds those whose address A already has. The
// admin role does not carry over: B's admins administered B, and A's own
// admins grant it in A.
func (r *runner) users(ctx context.Context) (int, error) {
	bs, err := r.s.store.ListMemberUsers(ctx, r.m.From)
	if err != nil || len(bs) == 0 {
		return 0, err
	}
	as, err := r.s.store.ListMemberUsers(ctx, r.m.Into)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range bs {
		if !r.take() {
			return n, errBatchUsed
		}
		if i := slices.IndexFunc(as, func(a member.User) bool { return strings.EqualFold(a.Email, u.Email) }); i >= 0 {
			kept := as[i]
			ev := r.event("merge_user", u.Name+" <"+u.Email+"> of "+r.m.FromName+" is "+r.m.IntoName+"'s user already; "+r.m.FromName+"'s user and its token were removed")
			if err := r.s.store.FoldUser(ctx, r.m, u, kept, ev); err != nil {
				return n, fmt.Errorf("fold user %s: %w", u.ID, err)
			}
			r.m.Moved.UsersFolded++
		} else {
			after := u
			after.MemberID, after.UpdatedAt, after.Version, after.UpdatedBy = r.m.Into, r.s.Now(), u.Version+1, r.m.Actor
			after.Roles = slices.DeleteFunc(slices.Clone(u.Roles), func(x string) bool { return x == auth.RoleAdmin })
			if len(after.Roles) == 0 {
				after.Roles = []string{auth.RoleEngineer}
			}
			reason := u.Name + " <" + u.Email + "> came over from " + r.m.FromName + ", roles " + strings.Join(after.Roles, ", ")
			if slices.Contains(u.Roles, auth.RoleAdmin) {
				reason += " (was admin of " + r.m.FromName + "; an admin of " + r.m.IntoName + " can grant it here)"
			}
			if err := r.s.store.MoveUser(ctx, r.m, u, after, r.event("merge_user", reason)); err != nil {
				return n, fmt.Errorf("move user %s: %w", u.ID, err)
			}
			r.m.Moved.Users++
		}
		n++
	}
	return n, nil
}

// DepartmentMoves is what moving B's departments needs (departments).
type DepartmentMoves interface {
	ListMemberDepartments(ctx context.Context, memberID string) ([]department.Department, error)
	GetDepartment(ctx context.Context, id string) (department.Department, error)
	MoveDepartment(ctx context.Context, m Merger, before, after department.Department, ev audit.Event) error
}

// departments moves B's departments.
func (r *runner) departments(ctx context.Context) (int, error) {
	return moveEach(r, whole(func() ([]department.Department, error) { return r.s.store.ListMemberDepartments(ctx, r.m.From) }),
		func(d department.Department) (department.Department, error) {
			return r.s.store.GetDepartment(ctx, d.ID)
		},
		func(d department.Department) bool { return d.MemberID == r.m.From },
		func(d department.Department) error {
			after := d
			after.MemberID, after.UpdatedAt, after.Version, after.UpdatedBy = r.m.Into, r.s.Now(), d.Version+1, r.m.Actor
			if err := r.s.store.MoveDepartment(ctx, r.m, d, after, r.event("merge", r.mergedLine())); err != nil {
				return fmt.Errorf("move department %s: %w", d.ID, err)
			}
			r.m.Moved.Departments++
			return nil
		})
}

// EnrollmentMoves is what moving B's enrollments needs (enrollments):
// each enrollment, whether A has a place in its program, and the host to
// tell (the program, its member and users).
type EnrollmentMoves interface {
	ListMemberEnrollments(ctx context.Context, memberID string) ([]enrollment.Enrollment, error)
	GetEnrollment(ctx context.Context, id string) (enrollment.Enrollment, error)
	Enrolled(ctx context.Context, programID, memberID string) (bool, error)
	GetProgram(ctx context.Context, id string) (program.Program, error)
	GetMember(ctx context.Context, id string) (member.Member, error)
	ListMemberUsers(ctx context.Context, memberID string) ([]member.User, error)
	MoveEnrollment(ctx context.Context, m Merger, before, after enrollment.Enrollment, place Place, ev enrollment.Event, msgs []notify.Message) error
}

// enrollments moves B's enrollments: A takes B's place where it had none
// (the host is asked whether to keep it), and where A had one B's ends.
func (r *runner) enrollments(ctx context.Context) (int, error) {
	return moveEach(r, whole(func() ([]enrollment.Enrollment, error) { return r.s.store.ListMemberEnrollments(ctx, r.m.From) }),
		func(e enrollment.Enrollment) (enrollment.Enrollment, error) {
			return r.s.store.GetEnrollment(ctx, e.ID)
		},
		func(e enrollment.Enrollment) bool { return e.MemberID == r.m.From },
		func(e enrollment.Enrollment) error { return r.moveEnrollment(ctx, e) })
}

func (r *runner) moveEnrollment(ctx context.Context, e enrollment.Enrollment) error {
	held, err := r.s.hasPlace(ctx, e, r.m.Into)
	if err != nil {
		return err
	}
	place := PlaceOf(e, held)
	into, err := r.acquirer(ctx)
	if err != nil {
		return err
	}
	now := r.s.Now()
	after := Moved(e, r.m, into, place, now)
	reason := r.mergedLine()
	switch {
	case place == TakePlace:
		reason += ": " + r.m.IntoName + " takes " + r.m.FromName + "'s place"
	case place == PlaceTaken && e.HostMemberID == r.m.Into:
		reason += ": " + r.m.IntoName + " hosts the program"
	case place == PlaceTaken:
		reason += ": " + r.m.IntoName + " already has a place in the program"
	}
	reason += "; its company is " + r.m.IntoName + " now, with " + r.m.IntoName + "'s contacts: " + contactsLine(after.Contacts)
	ev := enrollment.Event{ID: ident.New(ident.Event, now), At: now, Actor: r.m.Actor, Action: enrollment.Merge, From: e.Status, To: after.Status, Reason: reason}
	var msgs []notify.Message
	if TellHost(e, place) {
		if msgs, err = r.hostMail(ctx, e, place, now); err != nil {
			return err
		}
	}
	if err := r.s.store.MoveEnrollment(ctx, r.m, e, after, place, ev, msgs); err != nil {
		return fmt.Errorf("move enrollment %s: %w", e.ID, err)
	}
	r.m.Moved.Enrollments++
	r.m.Moved.HostsTold += len(msgs)
	if !slices.Contains(r.m.Programs, e.ProgramID) {
		r.m.Programs = append(r.m.Programs, e.ProgramID)
	}
	return nil
}

// acquirer is member A as the run read it first (its contacts go to the
// enrollments it takes).
func (r *runner) acquirer(ctx context.Context) (member.Member, error) {
	if r.into == nil {
		a, err := r.s.store.GetMember(ctx, r.m.Into)
		if err != nil {
			return member.Member{}, fmt.Errorf("read %s: %w", r.m.Into, err)
		}
		r.into = &a
	}
	return *r.into, nil
}

// contactsLine names an enrollment's contacts for its timeline.
func contactsLine(c enrollment.Contacts) string {
	var parts []string
	for _, x := range []struct {
		role string
		c    member.Contact
	}{{"primary", c.Primary}, {"support", c.Support}, {"escalation", c.Escalation}, {"billing", c.Billing}} {
		parts = append(parts, x.role+" "+x.c.Name+" <"+x.c.Email+">")
	}
	return strings.Join(parts, ", ")
}

// hasPlace reports whether member into already has a place in e's
// program: enrolled in it, or hosting it (a host does not join its own
// program as a partner).
func (s *Service) hasPlace(ctx context.Context, e enrollment.Enrollment, into string) (bool, error) {
	if e.HostMemberID == into {
		return true, nil
	}
	return s.store.Enrolled(ctx, e.ProgramID, into)
}

// hostMail tells the program's host that A took B's place (keep A in, or
// remove it from the queue) or that B's place ended.
func (r *runner) hostMail(ctx context.Context, e enrollment.Enrollment, place Place, now time.Time) ([]notify.Message, error) {
	prg, err := r.s.store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return nil, err
	}
	host, err := r.s.store.GetMember(ctx, prg.HostMemberID)
	if err != nil {
		return nil, err
	}
	users, err := r.s.store.ListMemberUsers(ctx, host.ID)
	if err != nil {
		return nil, err
	}
	to := member.AdminsOrPrimary(host, users)
	if len(to) == 0 {
		return nil, nil
	}
	return []notify.Message{{
		ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: r.s.Origin.From, To: to, Ref: e.ID, CreatedAt: now,
		Data: notify.PartnerMerged{
			ProgramMail: notify.ProgramMail{ProgramName: prg.Name, HostName: prg.HostName, BaseURL: r.s.Origin.BaseURL},
			CompanyName: r.m.FromName, IntoName: r.m.IntoName, PlaceTaken: place == PlaceTaken, Status: string(e.Status),
			EnrollmentID: e.ID, Link: r.s.Origin.BaseURL + "/programs/" + prg.ID + "/enrollments",
		},
	}}, nil
}

// CaseMoves is what moving B's side of its cases needs (cases).
type CaseMoves interface {
	ListCases(ctx context.Context, box collab.Box, memberID string, status collab.Status, limit int, cursor string) ([]collab.Case, string, error)
	GetCase(ctx context.Context, id string) (collab.Case, error)
	MoveCase(ctx context.Context, m Merger, before, after collab.Case, ev collab.Event) error
}

// cases moves B's side of every case it received or opened.
func (r *runner) cases(ctx context.Context) (int, error) {
	total := 0
	for _, box := range []collab.Box{collab.Inbox, collab.Outbox} {
		n, err := moveEach(r, func(cursor string) ([]collab.Case, string, error) {
			return r.s.store.ListCases(ctx, box, r.m.From, "", 100, cursor)
		},
			func(c collab.Case) (collab.Case, error) { return r.s.store.GetCase(ctx, c.ID) },
			func(c collab.Case) bool { return c.ReceiverMemberID == r.m.From || c.SubmitterMemberID == r.m.From },
			func(c collab.Case) error {
				after := c
				if c.ReceiverMemberID == r.m.From {
					after.ReceiverMemberID, after.ReceiverName = r.m.Into, r.m.IntoName
				}
				if c.SubmitterMemberID == r.m.From {
					after.SubmitterMemberID, after.SubmitterName = r.m.Into, r.m.IntoName
				}
				after.Version = c.Version + 1
				now := r.s.Now()
				ev := collab.Event{ID: ident.New(ident.Event, now), At: now, Actor: r.m.Actor, Action: collab.Merge, From: c.Status, To: c.Status, Text: r.mergedLine()}
				if err := r.s.store.MoveCase(ctx, r.m, c, after, ev); err != nil {
					return fmt.Errorf("move case %s: %w", c.ID, err)
				}
				r.m.Moved.Cases++
				return nil
			})
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// InvoiceMoves is what moving B's invoices needs (invoices).
type InvoiceMoves interface {
	ListMemberInvoices(ctx context.Context, memberID string, limit int, cursor string) ([]billing.Invoice, string, error)
	GetInvoice(ctx context.Context, id string) (billing.Invoice, error)
	MoveInvoice(ctx context.Context, m Merger, before, after billing.Invoice, ev audit.Event) error
}

// invoices moves B's invoices, paid or not.
func (r *runner) invoices(ctx context.Context) (int, error) {
	return moveEach(r, func(cursor string) ([]billing.Invoice, string, error) {
		return r.s.store.ListMemberInvoices(ctx, r.m.From, 100, cursor)
	},
		func(inv billing.Invoice) (billing.Invoice, error) { return r.s.store.GetInvoice(ctx, inv.ID) },
		func(inv billing.Invoice) bool { return inv.MemberID == r.m.From },
		func(inv billing.Invoice) error {
			after := inv
			after.MemberID, after.UpdatedAt, after.Version = r.m.Into, r.s.Now(), inv.Version+1
			if err := r.s.store.MoveInvoice(ctx, r.m, inv, after, r.event("merge", r.mergedLine())); err != nil {
				return fmt.Errorf("move invoice %s: %w", inv.ID, err)
			}
			r.m.Moved.Invoices++
			return nil
		})
}

// ConfigurationMoves is what moving B's validated configurations needs
// (configurations).
type ConfigurationMoves interface {
	ListProgramConfigurations(ctx context.Context, programID string, status marketplace.Status, memberID string, limit int, cursor string) ([]marketplace.Configuration, string, error)
	GetConfiguration(ctx context.Context, id string) (marketplace.Configuration, error)
	MoveConfiguration(ctx context.Context, m Merger, before, after marketplace.Configuration, ev audit.Event) error
}

// configurations moves B's validated configurations, found under the
// programs of B's enrollments.
func (r *runner) configurations(ctx context.Context) (int, error) {
	total := 0
	for _, prg := range r.m.Programs {
		n, err := moveEach(r, func(cursor string) ([]marketplace.Configuration, string, error) {
			return r.s.store.ListProgramConfigurations(ctx, prg, "", r.m.From, 100, cursor)
		},
			func(c marketplace.Configuration) (marketplace.Configuration, error) {
				return r.s.store.GetConfiguration(ctx, c.ID)
			},
			func(c marketplace.Configuration) bool { return c.MemberID == r.m.From },
			func(c marketplace.Configuration) error {
				after := c
				after.MemberID, after.MemberName, after.UpdatedAt, after.Version = r.m.Into, r.m.IntoName, r.s.Now(), c.Version+1
				if err := r.s.store.MoveConfiguration(ctx, r.m, c, after, r.event("merge", r.mergedLine())); err != nil {
					return fmt.Errorf("move configuration %s: %w", c.ID, err)
				}
				r.m.Moved.Configurations++
				return nil
			})
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// moveEach moves, page by page, every object list yields that is still
// From's when get reads it again (strongly: the indexes that list a
// member's objects lag behind the moves); mine says whether it still is.
// It stops with errBatchUsed when the run's batch is used up.
func moveEach[T any](r *runner, list func(cursor string) ([]T, string, error), get func(T) (T, error), mine func(T) bool, move func(T) error) (int, error) {
	n, cursor := 0, ""
	for {
		page, next, err := list(cursor)
		if err != nil {
			return n, err
		}
		for _, listed := range page {
			x, err := get(listed)
			if err != nil {
				return n, err
			}
			if !mine(x) {
				continue // moved already; the index had not caught up
			}
			if !r.take() {
				return n, errBatchUsed
			}
			if err := move(x); err != nil {
				return n, err
			}
			n++
		}
		if cursor = next; cursor == "" {
			return n, nil
		}
	}
}

// whole is an unpaged list as moveEach reads lists.
func whole[T any](list func() ([]T, error)) func(string) ([]T, string, error) {
	return func(string) ([]T, string, error) {
		xs, err := list()
		return xs, "", err
	}
}
