package merger_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/merger"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

var (
	bg       = context.Background()
	at       = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	operator = auth.Principal{Operator: true, UserID: "ops@tandem.example"}
)

// world is a host with a program, member A (into) and member B (from):
// B has three users (one whose address A's user has too), two
// departments, a place in the program with a validated configuration, a
// case it opened at the host and one A opened at B.
type world struct {
	st            *memstore.Store
	host, a, b    member.Member
	prg           program.Program
	hostDep, bDep department.Department
}

func mustDo(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func newMember(t *testing.T, st *memstore.Store, name, domain string) member.Member {
	m, u, cred, _ := member.Build(member.NewMember{Name: name, Domain: domain, Kind: member.Full,
		Contacts: member.Contacts{Primary: member.Contact{Name: "Admin " + name, Email: "admin@" + domain}}}, at)
	mustDo(t, "create "+name, st.CreateMember(bg, m, u, cred, nil, idem.None))
	return m
}

func addUser(t *testing.T, st *memstore.Store, m member.Member, name, email string, roles ...string) {
	u := member.User{ID: ident.New(ident.User, at), MemberID: m.ID, Name: name, Email: email, Roles: roles, Status: member.UserActive, CreatedAt: at, UpdatedAt: at, Version: 1}
	_, u.TokenHash = auth.NewToken(auth.TokenPrefix)
	mustDo(t, "add "+email, st.CreateUser(bg, u, member.Credential{Hash: u.TokenHash, UserID: u.ID, MemberID: m.ID, Roles: roles}, nil, idem.None))
}

func addDepartment(t *testing.T, st *memstore.Store, m member.Member, name string, programs ...string) department.Department {
	d := department.Department{ID: ident.New(ident.Department, at), MemberID: m.ID, Name: name, ProgramIDs: programs,
		Inbound:   department.Inbound{Email: strings.ToLower(strings.ReplaceAll(name, " ", "-")) + "@" + m.Domain, Hours: hours.AlwaysOpen},
		CreatedAt: at, UpdatedAt: at, Version: 1}
	mustDo(t, "department "+name, st.CreateDepartment(bg, d, nil, idem.None))
	return d
}

func addCase(t *testing.T, st *memstore.Store, summary string, from, to member.Member, dep department.Department, prg string) {
	c := collab.Case{ID: ident.New(ident.Case, at), ProgramID: prg, ProgramType: program.PartnerProgram, SubmitterMemberID: from.ID, SubmitterName: from.Name,
		SubmitterEmail: "admin@" + from.Domain, ReceiverMemberID: to.ID, ReceiverName: to.Name, DepartmentID: dep.ID, DepartmentName: dep.Name,
		Priority: program.High, Summary: summary, Description: "d", Status: collab.Open, SLA: 2 * time.Hour,
		ResponseDueAt: at.Add(2 * time.Hour), Level2DueAt: at.Add(4 * time.Hour), LastActivityAt: at, CreatedAt: at, UpdatedAt: at, Version: 1}
	ev := collab.Event{ID: ident.New(ident.Event, at), At: at, Actor: "x", Action: "open", To: collab.Open}
	mustDo(t, "case "+summary, st.CreateCase(bg, c, ev, nil, idem.None))
}

func newWorld(t *testing.T) world {
	t.Helper()
	w := world{st: memstore.New(keyring.Fixed("k", []byte("test-key-0123456789abcdef0123456789")))}
	w.host = newMember(t, w.st, "Host", "host.example")
	w.a = newMember(t, w.st, "Alpha", "alpha.example")
	w.b = newMember(t, w.st, "Beta", "beta.example")
	addUser(t, w.st, w.a, "Sam", "sam@shared.example", auth.RoleEngineer)
	addUser(t, w.st, w.b, "Sam at Beta", "SAM@shared.example", auth.RoleEngineer, auth.RoleAdmin)
	addUser(t, w.st, w.b, "Bea", "bea@beta.example", auth.RoleAdmin)
	w.prg = program.Program{ID: ident.New(ident.Program, at), Slug: "host-partners", Name: "Host Partners", HostMemberID: w.host.ID, HostName: w.host.Name,
		Type: program.PartnerProgram, Payment: program.MemberPaid, SLA: program.DefaultSLA, Access: program.Open, Sender: program.SenderPlatform,
		PrimaryContact: member.Contact{Name: "PC", Email: "pc@host.example"}, Addendum: program.Addendum{Version: "1", Text: "t"}, StartDate: "2026-01-01",
		CreatedAt: at, UpdatedAt: at, Version: 1}
	mustDo(t, "program", w.st.CreateProgram(bg, w.prg, idem.None))
	w.hostDep = addDepartment(t, w.st, w.host, "Host Support", w.prg.ID)
	w.bDep = addDepartment(t, w.st, w.b, "Beta Support", w.prg.ID)
	addDepartment(t, w.st, w.b, "Beta Escalations")
	e := enrollment.Enrollment{ID: ident.New(ident.Enrollment, at), ProgramID: w.prg.ID, HostMemberID: w.host.ID, MemberID: w.b.ID, MemberName: w.b.Name,
		Email: "admin@beta.example", Status: enrollment.Active, CreatedAt: at, UpdatedAt: at, Version: 1}
	mustDo(t, "enrollment", w.st.Seed().Enrollments(bg, []enrollment.Enrollment{e}))
	cfg := marketplace.Configuration{ID: ident.New(ident.Configuration, at), ProgramID: w.prg.ID, HostMemberID: w.host.ID, MemberID: w.b.ID, MemberName: w.b.Name,
		PartnerProduct: "Beta Backup", PartnerVersion: "1", HostProduct: "Host Array", HostVersions: []string{"9"}, Status: marketplace.Approved,
		CreatedAt: at, UpdatedAt: at, Version: 1}
	mustDo(t, "configuration", w.st.CreateConfiguration(bg, cfg, audit.Event{ID: ident.New(ident.Event, at), At: at, Actor: "x", Action: "submit"}, nil, idem.None))
	addCase(t, w.st, "beta asks the host", w.b, w.host, w.hostDep, w.prg.ID)
	addCase(t, w.st, "alpha asks beta", w.a, w.b, w.bDep, "")
	return w
}

func (w world) service(batch int) *merger.Service {
	return merger.NewService(w.st, merger.Service{Now: func() time.Time { return at.Add(time.Hour) }, Batch: batch,
		Origin: notify.Origin{From: "T <t@tandem.example>", BaseURL: "https://t.example"}})
}

// snapshot is where everything stands, by name rather than id (two worlds
// have different ids): each member's users with their roles, departments,
// enrollments, cases and configurations, B's state, the merger's counts
// and the mail to the host.
func (w world) snapshot(t *testing.T) string {
	t.Helper()
	var lines []string
	for _, m := range []member.Member{w.a, w.b} {
		got, err := w.st.GetMember(bg, m.ID)
		mustDo(t, "member", err)
		lines = append(lines, fmt.Sprintf("%s: %s into %q", got.Name, got.Status(), name(w, got.MergedInto)))
		users, err := w.st.ListMemberUsers(bg, m.ID)
		mustDo(t, "users", err)
		for _, u := range users {
			lines = append(lines, fmt.Sprintf("%s user %s %v %s", m.Name, strings.ToLower(u.Email), u.Roles, u.Status))
		}
		deps, err := w.st.ListMemberDepartments(bg, m.ID)
		mustDo(t, "departments", err)
		for _, d := range deps {
			lines = append(lines, fmt.Sprintf("%s department %s v%d", m.Name, d.Name, d.Version))
		}
		es, err := w.st.ListMemberEnrollments(bg, m.ID)
		mustDo(t, "enrollments", err)
		for _, e := range es {
			lines = append(lines, fmt.Sprintf("%s enrollment %s as %s", m.Name, e.Status, e.MemberName))
		}
		for _, box := range []collab.Box{collab.Inbox, collab.Outbox} {
			cs, _, err := w.st.ListCases(bg, box, m.ID, "", 100, "")
			mustDo(t, "cases", err)
			for _, c := range cs {
				lines = append(lines, fmt.Sprintf("%s %s %q from %s to %s v%d", m.Name, box, c.Summary, c.SubmitterName, c.ReceiverName, c.Version))
			}
		}
		cfgs, _, err := w.st.ListProgramConfigurations(bg, w.prg.ID, "", m.ID, 100, "")
		mustDo(t, "configurations", err)
		for _, c := range cfgs {
			lines = append(lines, fmt.Sprintf("%s configuration %s of %s", m.Name, c.PartnerProduct, c.MemberName))
		}
	}
	if m, err := w.st.GetMerger(bg, w.b.ID); err == nil {
		lines = append(lines, fmt.Sprintf("merger %s %+v", m.Status, m.Moved))
	}
	for _, msg := range w.st.Outbox() {
		lines = append(lines, fmt.Sprintf("mail %s to %v", msg.Template(), msg.To))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func name(w world, id string) string {
	for _, m := range []member.Member{w.host, w.a, w.b} {
		if m.ID == id {
			return m.Name
		}
	}
	return id
}

// A merger moves everything of B to A: users (B's admins become
// engineers; one A has already is folded), departments, B's place in the
// program (A takes it, the host is told), B's side of its cases, its
// configurations; B ends merged into A.
func TestMergerMovesEverything(t *testing.T) {
	w := newWorld(t)
	m, done, err := w.service(0).Start(bg, operator, w.b.ID, merger.Request{Into: w.a.ID})
	if err != nil || !done {
		t.Fatalf("Start: done %v, %v", done, err)
	}
	want := merger.Counts{Users: 2, UsersFolded: 1, Departments: 2, Enrollments: 1, Cases: 2, Configurations: 1, HostsTold: 1}
	if m.Moved != want || m.Status != merger.Done {
		t.Errorf("moved %+v (%s), want %+v", m.Moved, m.Status, want)
	}
	snap := w.snapshot(t)
	for _, line := range []string{
		"Beta: merged into \"Alpha\"",
		"Alpha user admin@beta.example [engineer] active",
		"Alpha user bea@beta.example [engineer] active",
		"Alpha user sam@shared.example [engineer] active",
		"Alpha department Beta Support v2",
		"Alpha department Beta Escalations v2",
		"Alpha enrollment active as Alpha",
		"Alpha outbox \"beta asks the host\" from Alpha to Host v2",
		"Alpha inbox \"alpha asks beta\" from Alpha to Alpha v2",
		"Alpha configuration Beta Backup of Alpha",
		"mail partner_merged to [admin@host.example]",
	} {
		if !strings.Contains(snap, line) {
			t.Errorf("missing %q in\n%s", line, snap)
		}
	}
	for _, gone := range []string{"Beta user", "Beta department", "Beta enrollment", "Beta inbox", "Beta outbox", "Beta configuration"} {
		if strings.Contains(snap, gone) {
			t.Errorf("B still holds %q:\n%s", gone, snap)
		}
	}

	// B's place is A's in name and contacts, and its timeline says so.
	es, err := w.st.ListMemberEnrollments(bg, w.a.ID)
	mustDo(t, "A's enrollments", err)
	if len(es) != 1 {
		t.Fatalf("A holds %d enrollments, want B's one", len(es))
	}
	e := es[0]
	ap := w.a.Contacts.Primary
	wantContacts := enrollment.Contacts{Primary: ap, Support: ap, Escalation: w.a.Contacts.Escalation, Billing: w.a.Contacts.Billing}
	if e.Company.Name != "Alpha" || e.Contacts != wantContacts {
		t.Errorf("the moved place names %q with %+v; want Alpha with %+v", e.Company.Name, e.Contacts, wantContacts)
	}
	evs, _, err := w.st.ListEnrollmentEvents(bg, e.ID, 50, "")
	mustDo(t, "the place's timeline", err)
	if i := slices.IndexFunc(evs, func(ev enrollment.Event) bool { return ev.Action == enrollment.Merge }); i < 0 ||
		!strings.Contains(evs[i].Reason, "its company is Alpha now, with Alpha's contacts: primary Admin Alpha <admin@alpha.example>") {
		t.Errorf("the place's timeline does not record its new name and contacts: %+v", evs)
	}
}

// A run cut short (a batch of 2 objects) leaves the merger running; the
// runs that continue it — the scheduled run, or the operator asking
// again — end exactly where one run ends. Run again once done, nothing
// moves twice.
func TestMergerCutShortAndContinued(t *testing.T) {
	whole := newWorld(t)
	if _, done, err := whole.service(0).Start(bg, operator, whole.b.ID, merger.Request{Into: whole.a.ID}); err != nil || !done {
		t.Fatalf("one run: done %v, %v", done, err)
	}
	want := whole.snapshot(t)

	for _, tc := range []struct {
		name string
		goOn func(w world, s *merger.Service) (int, bool, error)
	}{
		{"continued by the scheduled run", func(w world, s *merger.Service) (int, bool, error) {
			return s.Continue(bg, w.b.ID, at)
		}},
		{"continued by the operator asking again", func(w world, s *merger.Service) (int, bool, error) {
			m, done, err := s.Start(bg, operator, w.b.ID, merger.Request{Into: w.a.ID})
			return m.Moved.Total(), done, err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			s := w.service(2)
			m, done, err := s.Start(bg, operator, w.b.ID, merger.Request{Into: w.a.ID})
			if err != nil || done || m.Moved.Total() != 2 || m.Status != merger.Running {
				t.Fatalf("first run: moved %d, done %v, %s, %v; want 2 moved and still running", m.Moved.Total(), done, m.Status, err)
			}
			runs := 1
			for !done {
				if runs++; runs > 10 {
					t.Fatal("still not done after 10 runs")
				}
				if _, done, err = tc.goOn(w, s); err != nil {
					t.Fatalf("run %d: %v", runs, err)
				}
			}
			if got := w.snapshot(t); got != want {
				t.Errorf("after %d runs:\n%s\n\nwant (one run):\n%s", runs, got, want)
			}
			// Run twice: the same result.
			if moved, done, err := s.Continue(bg, w.b.ID, at); err != nil || !done || moved != 0 {
				t.Errorf("continued once done: moved %d, done %v, %v", moved, done, err)
			}
			if m, done, err := s.Start(bg, operator, w.b.ID, merger.Request{Into: w.a.ID}); err != nil || !done || m.Status != merger.Done {
				t.Errorf("started again once done: %s, done %v, %v", m.Status, done, err)
			}
			if got := w.snapshot(t); got != want {
				t.Errorf("after running again:\n%s\n\nwant:\n%s", got, want)
			}
		})
	}
}

// Who may merge what: operators only; a member id each; not into itself,
// nor into a member that does not exist or is itself merging; not a
// member hosting programs; and a merger under way keeps its target.
func TestMergerRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     auth.Principal
		from  func(w world) string
		into  func(w world) string
		setup func(t *testing.T, w world)
		kind  error
		field string
	}{
		{"not an operator", auth.Principal{MemberID: "mem_x", UserID: "u", Roles: []string{auth.RoleAdmin}},
			func(w world) string { return w.b.ID }, func(w world) string { return w.a.ID }, nil, apperr.ErrForbidden, ""},
		{"from is no member id", operator, func(w world) string { return "usr_01J0000000000000000000USER" }, func(w world) string { return w.a.ID }, nil, apperr.ErrNotFound, ""},
		{"no target", operator, func(w world) string { return w.b.ID }, func(w world) string { return "" }, nil, apperr.ErrInvalid, "into"},
		{"a target that is no member id", operator, func(w world) string { return w.b.ID }, func(w world) string { return "alpha" }, nil, apperr.ErrInvalid, "into"},
		{"into itself", operator, func(w world) string { return w.b.ID }, func(w world) string { return w.b.ID }, nil, apperr.ErrInvalid, "into"},
		{"an unknown target", operator, func(w world) string { return w.b.ID }, func(w world) string { return "mem_01J0000000000000000000N0NE" }, nil, apperr.ErrInvalid, "into"},
		{"an unknown member", operator, func(w world) string { return "mem_01J0000000000000000000N0NE" }, func(w world) string { return w.a.ID }, nil, apperr.ErrNotFound, ""},
		{"a host of programs", operator, func(w world) string { return w.host.ID }, func(w world) string { return w.a.ID }, nil, apperr.ErrConflict, ""},
		{"a target that is itself being merged", operator, func(w world) string { return w.b.ID }, func(w world) string { return w.a.ID },
			func(t *testing.T, w world) {
				if _, _, err := w.service(1).Start(bg, operator, w.a.ID, merger.Request{Into: w.host.ID}); err != nil {
					t.Fatal(err)
				}
			}, apperr.ErrConflict, ""},
		{"another target than the merger under way", operator, func(w world) string { return w.b.ID }, func(w world) string { return w.host.ID },
			func(t *testing.T, w world) {
				if _, _, err := w.service(1).Start(bg, operator, w.b.ID, merger.Request{Into: w.a.ID}); err != nil {
					t.Fatal(err)
				}
			}, apperr.ErrConflict, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			if tc.setup != nil {
				tc.setup(t, w)
			}
			before := w.snapshot(t)
			_, _, err := w.service(0).Start(bg, tc.p, tc.from(w), merger.Request{Into: tc.into(w)})
			if !errors.Is(err, tc.kind) {
				t.Fatalf("got %v (%v), want %v", apperr.KindOf(err), err, tc.kind)
			}
			var ae *apperr.Error
			if tc.field != "" && (!errors.As(err, &ae) || ae.Fields[tc.field] == "") {
				t.Errorf("got %v, want it to name %s", err, tc.field)
			}
			if after := w.snapshot(t); after != before {
				t.Errorf("a refused merger changed things:\n%s\n\nbefore:\n%s", after, before)
			}
		})
	}
}
