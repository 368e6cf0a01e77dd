package collab_test

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

// cast is what case intake reads, as plain values a test edits before
// they are written into an in-memory store (cast.store).
type cast struct {
	members  map[string]member.Member
	users    map[string]member.User
	programs map[string]program.Program
	deps     map[string]department.Department
	enrolled map[string]enrollment.Enrollment // program#member
}

// store writes the cast into a fresh memstore: the members (each at a
// domain of its own) and their users, the programs, the departments and
// the enrollments. The engineer engID is a user at the partner and at full
// member A alike, the two members the tables' engineers act for.
func (f *cast) store(t *testing.T) *memstore.Store {
	t.Helper()
	ctx := context.Background()
	st := memstore.New(keyring.Fixed("t", []byte("test-key-0123456789abcdef0123456789")))
	var ms []member.Member
	for _, m := range f.members {
		m.Domain = m.ID[len(m.ID)-4:] + ".example"
		ms = append(ms, m)
	}
	if err := st.Seed().Members(ctx, ms); err != nil {
		t.Fatal(err)
	}
	for _, u := range f.users {
		for _, memberID := range []string{u.MemberID, fullAID} {
			u.MemberID = memberID
			cred := member.Credential{Hash: "hash-" + memberID + "-" + u.ID, UserID: u.ID, MemberID: memberID, Roles: u.Roles}
			if err := st.CreateUser(ctx, u, cred, nil, idem.None); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, p := range f.programs {
		p.Slug = p.ID
		if err := st.CreateProgram(ctx, p, idem.None); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range f.deps {
		if err := st.CreateDepartment(ctx, d, nil, idem.None); err != nil {
			t.Fatal(err)
		}
	}
	var es []enrollment.Enrollment
	for key, e := range f.enrolled {
		e.ID = "enr_" + key
		e.ProgramID, e.MemberID, _ = strings.Cut(key, "#")
		es = append(es, e)
	}
	if err := st.Seed().Enrollments(ctx, es); err != nil {
		t.Fatal(err)
	}
	return st
}

// casesIn are the cases st holds: those in the fixture members' inboxes
// and outboxes.
func casesIn(t *testing.T, st *memstore.Store) map[string]collab.Case {
	t.Helper()
	out := map[string]collab.Case{}
	for _, id := range []string{hostID, partnerID, fullAID, fullBID} {
		for _, box := range []collab.Box{collab.Inbox, collab.Outbox} {
			cs, _, err := st.ListCases(context.Background(), box, id, "", 100, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				out[c.ID] = c
			}
		}
	}
	return out
}

// Ids of the fixture: a host with a partner program and a support
// department, an active partner whose engineer opens cases.
const (
	hostID     = "mem_01J00000000000000000000H0S"
	partnerID  = "mem_01J0000000000000000000PRTN"
	fullAID    = "mem_01J0000000000000000000F0AA"
	fullBID    = "mem_01J0000000000000000000F0BB"
	prgID      = "prg_01J00000000000000000000PRG"
	oemID      = "prg_01J000000000000000000000EM"
	restrictID = "prg_01J0000000000000000000RSTR"
	depID      = "dep_01J00000000000000000000DEP"
	ownDepID   = "dep_01J000000000000000000000WN"
	fullDepID  = "dep_01J0000000000000000000F0FF"
	engID      = "usr_01J00000000000000000000ENG"
)

// Friday 2 January 2026, 17:00 in Berlin.
var friday5pm = time.Date(2026, 1, 2, 16, 0, 0, 0, time.UTC)

func fixture() *cast {
	week := hours.Hours{Zone: "Europe/Berlin", Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00"}
	product := form.Form{Fields: []form.Field{{Name: "product", Label: "Product", Type: form.Text, Required: true, MaxLength: 20}}}
	dep := func(id, memberID string, programs ...string) department.Department {
		d := department.Department{ID: id, MemberID: memberID, Name: "Support " + id[len(id)-3:], ProgramIDs: programs, Form: product,
			Inbound: department.Inbound{Email: "support-" + id[len(id)-3:] + "@x.example", Hours: week, Escalation: member.Contact{Name: "E", Email: "esc@x.example"}}}
		d.Confirmed = d.Confirmed.With(d.Inbound.Email).With(d.Inbound.Escalation.Email)
		return d
	}
	return &cast{
		members: map[string]member.Member{
			hostID: {ID: hostID, Name: "Host", Kind: member.Full}, partnerID: {ID: partnerID, Name: "Partner", Kind: member.Limited},
			fullAID: {ID: fullAID, Name: "Full A", Kind: member.Full}, fullBID: {ID: fullBID, Name: "Full B", Kind: member.Full},
		},
		users: map[string]member.User{engID: {ID: engID, MemberID: partnerID, Name: "Eng", Email: "eng@partner.example", Roles: []string{auth.RoleEngineer}, Status: member.UserActive}},
		programs: map[string]program.Program{
			prgID:      {ID: prgID, Name: "Partner Connect", HostMemberID: hostID, Type: program.PartnerProgram, SLA: program.DefaultSLA, Access: program.Open},
			oemID:      {ID: oemID, Name: "OEM", HostMemberID: hostID, Type: program.OEM, SLA: program.DefaultSLA, Access: program.Open},
			restrictID: {ID: restrictID, Name: "Inner Circle", HostMemberID: hostID, Type: program.PartnerProgram, SLA: program.DefaultSLA, Access: program.Restricted},
		},
		deps: map[string]department.Department{
			depID: dep(depID, hostID, prgID, oemID, restrictID), ownDepID: dep(ownDepID, partnerID, prgID), fullDepID: dep(fullDepID, fullBID),
		},
		enrolled: map[string]enrollment.Enrollment{
			prgID + "#" + partnerID:      {Status: enrollment.Active},
			oemID + "#" + partnerID:      {Status: enrollment.Active},
			restrictID + "#" + partnerID: {Status: enrollment.Active},
		},
	}
}

func validCase() collab.NewCase {
	return collab.NewCase{
		DepartmentID: depID, ProgramID: prgID, Priority: program.High, Summary: "VMs freeze", Description: "Since 9.2.",
		Customer: &collab.Customer{Company: "Initech", ContactName: "Peter", ContactEmail: "peter@initech.example"},
		Fields:   map[string]any{"product": "Array 9000"},
	}
}

var engineer = auth.Principal{MemberID: partnerID, UserID: engID, Roles: []string{auth.RoleEngineer}}

// Every refusal of case intake, each with the kind (status) and the field
// it names, over an in-memory store: milliseconds, no table.
func TestOpenRefuses(t *testing.T) {
	critical := engineer
	critical.Roles = []string{auth.RoleEngineer, auth.RoleCritical}
	for _, tc := range []struct {
		name  string
		p     auth.Principal
		edit  func(*collab.NewCase)
		store func(*cast)
		kind  error
		field string
	}{
		{"operator", auth.Principal{Operator: true, UserID: "op"}, nil, nil, apperr.ErrForbidden, ""},
		{"no engineer role", auth.Principal{MemberID: partnerID, UserID: engID, Roles: []string{auth.RoleAdmin}}, nil, nil, apperr.ErrForbidden, ""},
		{"no department", engineer, func(c *collab.NewCase) { c.DepartmentID = " " }, nil, apperr.ErrInvalid, "departmentId"},
		{"unknown priority", engineer, func(c *collab.NewCase) { c.Priority = "urgent" }, nil, apperr.ErrInvalid, "priority"},
		{"no summary", engineer, func(c *collab.NewCase) { c.Summary = "" }, nil, apperr.ErrInvalid, "summary"},
		{"critical without the role", engineer, func(c *collab.NewCase) { c.Priority = program.Critical; c.BusinessImpact = "down" }, nil, apperr.ErrForbidden, ""},
		{"critical without impact", critical, func(c *collab.NewCase) { c.Priority = program.Critical }, nil, apperr.ErrInvalid, "businessImpact"},
		{"customer's bad address", engineer, func(c *collab.NewCase) { c.Customer.ContactEmail = "peter" }, nil, apperr.ErrInvalid, "customer.contactEmail"},
		{"malformed department id", engineer, func(c *collab.NewCase) { c.DepartmentID = "dep_x" }, nil, apperr.ErrNotFound, ""},
		{"unknown department", engineer, func(c *collab.NewCase) { c.DepartmentID = "dep_01J0000000000000000000N0NE" }, nil, apperr.ErrNotFound, ""},
		{"own department", engineer, func(c *collab.NewCase) { c.DepartmentID = ownDepID }, nil, apperr.ErrInvalid, "departmentId"},
		{"no program between limited members", engineer, func(c *collab.NewCase) { c.ProgramID = "" }, nil, apperr.ErrInvalid, "programId"},
		{"malformed program id", engineer, func(c *collab.NewCase) { c.ProgramID = "prg_x" }, nil, apperr.ErrInvalid, "programId"},
		{"unknown program", engineer, func(c *collab.NewCase) { c.ProgramID = "prg_01J0000000000000000000N0NE" }, nil, apperr.ErrInvalid, "programId"},
		{"partner not active", engineer, nil, func(f *cast) {
			f.enrolled[prgID+"#"+partnerID] = enrollment.Enrollment{Status: enrollment.Validating}
		}, apperr.ErrNotFound, ""},
		{"partner removed", engineer, nil, func(f *cast) {
			f.enrolled[prgID+"#"+partnerID] = enrollment.Enrollment{Status: enrollment.Removed}
		}, apperr.ErrNotFound, ""},
		{"partner not in the program", engineer, nil, func(f *cast) { delete(f.enrolled, prgID+"#"+partnerID) }, apperr.ErrNotFound, ""},
		{"department not serving the program", engineer, nil, func(f *cast) {
			d := f.deps[depID]
			d.ProgramIDs = []string{oemID}
			f.deps[depID] = d
		}, apperr.ErrInvalid, "departmentId"},
		{"restricted program without access", engineer, func(c *collab.NewCase) { c.ProgramID = restrictID }, nil, apperr.ErrForbidden, ""},
		{"no customer in a partner program", engineer, func(c *collab.NewCase) { c.Customer = nil }, nil, apperr.ErrInvalid, "customer"},
		{"required form field missing", engineer, func(c *collab.NewCase) { c.Fields = nil }, nil, apperr.ErrInvalid, "fields.product"},
		{"form field too long", engineer, func(c *collab.NewCase) { c.Fields = map[string]any{"product": "a product name far too long"} }, nil, apperr.ErrInvalid, "fields.product"},
		{"hours that cannot hold the SLA", engineer, nil, func(f *cast) {
			d := f.deps[depID]
			d.Inbound.Hours = hours.Hours{Zone: "Europe/Berlin", Days: []string{"mon"}, Start: "00:00", End: "00:01"}
			f.deps[depID] = d
		}, apperr.ErrInvalid, "departmentId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fixture()
			if tc.store != nil {
				tc.store(f)
			}
			st := f.store(t)
			in := validCase()
			if tc.edit != nil {
				tc.edit(&in)
			}
			s := testService(st)
			_, err := s.Open(context.Background(), tc.p, in, idem.None)
			if kind := apperr.KindOf(err); kind != tc.kind {
				t.Fatalf("got %v (%v), want kind %v", kind, err, tc.kind)
			}
			if tc.field != "" {
				var ae *apperr.Error
				if !errors.As(err, &ae) || ae.Fields[tc.field] == "" {
					t.Fatalf("got %v, want it to name %s", err, tc.field)
				}
			}
			if len(casesIn(t, st)) != 0 {
				t.Fatal("a refused case was written")
			}
		})
	}
}

// What intake decides when it accepts: the response clock in the receiving
// department's hours (critical: around the clock), the first state, the
// mail to both sides, and the defaults of full-membership cases.
func TestOpenDefaults(t *testing.T) {
	critical := engineer
	critical.Roles = []string{auth.RoleEngineer, auth.RoleCritical}
	fullEng := auth.Principal{MemberID: fullAID, UserID: engID, Roles: []string{auth.RoleEngineer}}
	for _, tc := range []struct {
		name    string
		p       auth.Principal
		edit    func(*collab.NewCase)
		due     time.Time
		level2  time.Time
		program string
	}{
		// Friday 17:00 Berlin, high (2 h) in Mon–Fri 08–18: one hour on
		// Friday, one on Monday.
		{"high in business hours", engineer, nil, time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC), time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC), "Partner Connect"},
		{"low spans a weekend", engineer, func(c *collab.NewCase) { c.Priority = program.Low }, time.Date(2026, 1, 5, 14, 0, 0, 0, time.UTC), time.Date(2026, 1, 6, 12, 0, 0, 0, time.UTC), "Partner Connect"},
		{"critical runs around the clock", critical, func(c *collab.NewCase) { c.Priority = program.Critical; c.BusinessImpact = "down" },
			friday5pm.Add(2 * time.Hour), friday5pm.Add(4 * time.Hour), "Partner Connect"},
		{"oem needs no customer", engineer, func(c *collab.NewCase) { c.ProgramID = oemID; c.Customer = nil },
			time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC), time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC), "OEM"},
		{"full members without a program", fullEng, func(c *collab.NewCase) { c.ProgramID = ""; c.DepartmentID = fullDepID },
			time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC), time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC), "Tandem full membership"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fixture()
			u := f.users[engID]
			u.ProgramIDs = []string{restrictID}
			f.users[engID] = u
			st := f.store(t)
			in := validCase()
			if tc.edit != nil {
				tc.edit(&in)
			}
			s := testService(st)
			c, err := s.Open(context.Background(), tc.p, in, idem.None)
			if err != nil {
				t.Fatal(err)
			}
			if !c.ResponseDueAt.Equal(tc.due) || !c.Level2DueAt.Equal(tc.level2) {
				t.Errorf("due %s, level 2 %s; want %s, %s", c.ResponseDueAt, c.Level2DueAt, tc.due, tc.level2)
			}
			if c.Status != collab.Open || c.EscalationLevel != 0 || c.Version != 1 || c.ProgramName != tc.program {
				t.Errorf("got status %s level %d version %d program %q", c.Status, c.EscalationLevel, c.Version, c.ProgramName)
			}
			templates := map[string][]string{}
			for _, m := range st.Outbox() {
				templates[m.Template()] = m.To
			}
			dep := f.deps[in.DepartmentID]
			if to := templates["case_new"]; len(to) != 1 || to[0] != dep.Inbound.Email {
				t.Errorf("case_new to %v, want the department's inbound %s", to, dep.Inbound.Email)
			}
			if to := templates["case_opened"]; len(to) != 1 || to[0] != "eng@partner.example" {
				t.Errorf("case_opened to %v, want the submitter", to)
			}
			if len(templates) != 2 {
				t.Errorf("mails %v, want case_new and case_opened", slicesOf(templates))
			}
		})
	}
}

// testService is intake over st at friday5pm, signing with a test key.
func testService(st collab.Store) *collab.Service {
	return collab.NewService(st, collab.Service{Now: func() time.Time { return friday5pm }, Origin: notify.Origin{From: "T <t@x.example>", BaseURL: "https://t.example"},
		MailLinks: collab.MailLinks{Keys: keyring.Fixed("t", []byte("test-key-0123456789abcdef0123456789"))}})
}

func slicesOf(m map[string][]string) []string {
	var out []string
	for k := range maps.Keys(m) {
		out = append(out, k)
	}
	return out
}
