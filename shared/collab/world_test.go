package collab_test

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

// The cast of the service tables, written into the in-memory store: a
// host with a partner program and a support department (Mon–Fri 08–18
// Berlin, its inbound and escalation addresses confirmed), and a partner
// whose engineer opens cases there.

var (
	bg    = context.Background()
	keys  = keyring.Fixed("t", []byte("test-key-0123456789abcdef0123456789"))
	week  = hours.Hours{Zone: "Europe/Berlin", Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00"}
	ops   = []string{"ops@tandem.example"}
	start = time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC)
)

const (
	inbound    = "support@host.example"
	escalation = "boss@host.example"
	submitter  = "eng@partner.example"
	prgContact = "partners@host.example"
)

type world struct {
	st                *memstore.Store
	host, partner     member.Member
	hostEng, partEng  member.User
	hostPeer, partAdm member.User
	prg               program.Program
	dep               department.Department
}

func newMember(t *testing.T, st *memstore.Store, name, domain, primary string) (member.Member, member.User) {
	t.Helper()
	m, u, cred, _ := member.Build(member.NewMember{Name: name, Domain: domain, Kind: member.Full,
		Contacts: member.Contacts{Primary: member.Contact{Name: "P " + name, Email: primary}}}, start)
	if err := st.CreateMember(bg, m, u, cred, nil, idem.None); err != nil {
		t.Fatal(err)
	}
	return m, u
}

func addUser(t *testing.T, st *memstore.Store, m member.Member, name, email string, roles ...string) member.User {
	t.Helper()
	u := member.User{ID: ident.New(ident.User, start), MemberID: m.ID, Name: name, Email: email, Roles: roles,
		Status: member.UserActive, CreatedAt: start, UpdatedAt: start, Version: 1}
	_, hash := auth.NewToken(auth.TokenPrefix)
	u.TokenHash = hash
	if err := st.CreateUser(bg, u, member.Credential{Hash: hash, UserID: u.ID, MemberID: m.ID, Roles: roles}, nil, idem.None); err != nil {
		t.Fatal(err)
	}
	return u
}

// newWorld writes the cast; dep edits the department before it is written.
func newWorld(t *testing.T, dep func(*department.Department)) world {
	t.Helper()
	w := world{st: memstore.New(keys)}
	w.host, _ = newMember(t, w.st, "Host", "host.example", "admin@host.example")
	w.partner, w.partAdm = newMember(t, w.st, "Partner", "partner.example", "admin@partner.example")
	w.hostEng = addUser(t, w.st, w.host, "Hanna", "hanna@host.example", auth.RoleEngineer)
	w.hostPeer = addUser(t, w.st, w.host, "Viewer", "viewer@host.example", auth.RoleCritical)
	w.partEng = addUser(t, w.st, w.partner, "Eng", submitter, auth.RoleEngineer)
	w.prg = program.Program{ID: ident.New(ident.Program, start), Slug: "host-partners", Name: "Host Partners", HostMemberID: w.host.ID, HostName: w.host.Name,
		Type: program.PartnerProgram, Payment: program.MemberPaid, PrimaryContact: member.Contact{Name: "PC", Email: prgContact},
		SLA: program.DefaultSLA, Access: program.Open, Sender: program.SenderPlatform, Addendum: program.Addendum{Version: "1", Text: "t"},
		StartDate: "2025-12-01", CreatedAt: start, UpdatedAt: start, Version: 1}
	if err := w.st.CreateProgram(bg, w.prg, idem.None); err != nil {
		t.Fatal(err)
	}
	w.dep = department.Department{ID: ident.New(ident.Department, start), MemberID: w.host.ID, Name: "Support", ProgramIDs: []string{w.prg.ID},
		Inbound:   department.Inbound{Email: inbound, Hours: week, Escalation: member.Contact{Name: "Boss", Email: escalation}},
		CreatedAt: start, UpdatedAt: start, Version: 1}
	w.dep.Confirmed = w.dep.Confirmed.With(inbound).With(escalation)
	if dep != nil {
		dep(&w.dep)
	}
	if err := w.st.CreateDepartment(bg, w.dep, nil, idem.None); err != nil {
		t.Fatal(err)
	}
	return w
}

// service is the case service over the world's store at now.
func (w world) service(now time.Time) *collab.Service {
	return collab.NewService(w.st, collab.Service{Now: func() time.Time { return now }, Operators: ops,
		Origin: notify.Origin{From: "Tandem <t@tandem.example>", BaseURL: "https://t.example"}, MailLinks: collab.MailLinks{Keys: keys}})
}

// newCase files a high-priority case of the partner at the host's
// department, opened at opened with the given clock, as intake files it.
func (w world) newCase(t *testing.T, opened, remind, due, level2 time.Time, edit func(*collab.Case)) collab.Case {
	t.Helper()
	c := collab.Case{
		ID: ident.New(ident.Case, opened), ProgramID: w.prg.ID, ProgramName: w.prg.Name, ProgramType: w.prg.Type,
		SubmitterMemberID: w.partner.ID, SubmitterName: w.partner.Name, SubmitterUserID: w.partEng.ID, SubmitterEmail: submitter,
		ReceiverMemberID: w.host.ID, ReceiverName: w.host.Name, DepartmentID: w.dep.ID, DepartmentName: w.dep.Name,
		Priority: program.High, Summary: "VMs freeze", Description: "Since 9.2.",
		Customer: &collab.Customer{Company: "Initech", ContactName: "Peter", ContactEmail: "peter@initech.example"},
		Status:   collab.Open, SLA: 2 * time.Hour, RemindAt: remind, ResponseDueAt: due, Level2DueAt: level2,
		LastActivityAt: opened, CreatedAt: opened, UpdatedAt: opened, Version: 1,
	}
	if edit != nil {
		edit(&c)
	}
	ev := collab.Event{ID: ident.New(ident.Event, opened), At: opened, Actor: "Eng <" + submitter + ">", MemberID: w.partner.ID, Side: collab.Submitter, Action: "open", To: collab.Open}
	if err := w.st.CreateCase(bg, c, ev, nil, idem.None); err != nil {
		t.Fatal(err)
	}
	return c
}

// mailed is who was mailed what: each recipient (To and Bcc) with its
// template, "+links" when the mail carries links that act, and the
// escalation level; at is when each recipient's mail may go (the outbox's
// due time: a held-back mail's NotBefore, else shortly after it was
// written).
func mailed(t *testing.T, st *memstore.Store) (what map[string]string, at map[string]time.Time) {
	t.Helper()
	what, at = map[string]string{}, map[string]time.Time{}
	due, _, err := st.DueOutbox(bg, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), 1000)
	if err != nil {
		t.Fatal(err)
	}
	dueAt := map[string]time.Time{}
	for _, d := range due {
		dueAt[d.ID] = d.At
	}
	for _, m := range st.Outbox() {
		desc := m.Template()
		switch d := m.Data.(type) {
		case notify.CaseReminder:
			if d.AcceptLink != "" || d.RequestInfoLink != "" {
				desc += "+links"
			}
		case notify.CaseNew:
			if d.AcceptLink != "" {
				desc += "+links"
			}
		case notify.CaseEscalated:
			desc += "/" + d.Level
		}
		for _, to := range slices.Concat(m.To, m.Bcc) {
			if prev, ok := what[to]; ok {
				desc = prev + "," + desc
			}
			what[to] = desc
			at[to] = dueAt[m.ID]
		}
	}
	return what, at
}

func keysOf(m map[string]string) string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
