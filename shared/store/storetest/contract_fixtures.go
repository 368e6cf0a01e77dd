package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// The contract's objects are built as the services build them (member.Build,
// the fields program.Service.Create and collab.Service.Open set), with the
// messages they send alongside.

const platform = "Tandem <no-reply@tandem.example>"

// newMember is what member.Service.Create writes: the member, its first
// admin and credential, and the welcome mail.
func newMember(name, domain string, kind member.Kind, now time.Time) (member.Member, member.User, member.Credential, notify.Message) {
	m, u, c, _ := member.Build(member.NewMember{
		Name: name, Domain: domain, Kind: kind,
		Contacts: member.Contacts{
			Primary:    member.Contact{Name: "Ann " + name, Email: "ann@" + domain},
			Escalation: member.Contact{Name: "Esc " + name, Email: "esc@" + domain},
			Billing:    member.Contact{Name: "Bill " + name, Email: "billing@" + domain},
		},
	}, now)
	m.UpdatedBy, u.UpdatedBy = "ops@tandem.example", "ops@tandem.example"
	welcome := notify.Message{
		ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: platform, To: []string{m.Contacts.Primary.Email}, Ref: m.ID, CreatedAt: now,
		Data: notify.MemberWelcome{MemberName: m.Name, MemberID: m.ID, ContactName: m.Contacts.Primary.Name, AdminEmail: u.Email, BaseURL: "https://tandem.example"},
	}
	return m, u, c, welcome
}

// newUser is what member.Service.AddUser writes.
func newUser(memberID, name, email string, now time.Time, roles ...string) (member.User, member.Credential) {
	u := member.User{
		ID: ident.New(ident.User, now), MemberID: memberID, Name: name, Email: email, Roles: roles,
		Status: member.UserActive, CreatedAt: now, UpdatedAt: now, Version: 1, UpdatedBy: "ops@tandem.example",
	}
	_, hash := auth.NewToken(auth.TokenPrefix)
	u.TokenHash = hash
	return u, member.Credential{Hash: hash, UserID: u.ID, MemberID: memberID, Roles: roles}
}

// newProgram is what program.Service.Create writes for host.
func newProgram(host member.Member, slug string, payment program.Payment, now time.Time) program.Program {
	return program.Program{
		ID: ident.New(ident.Program, now), Slug: slug, Name: "Partners of " + host.Name, HostMemberID: host.ID, HostName: host.Name,
		Type: program.PartnerProgram, Payment: payment, PrimaryContact: host.Contacts.Primary,
		SLA: program.DefaultSLA, Access: program.Open, Sender: program.SenderPlatform,
		Addendum: program.Addendum{Version: "1", Text: "The terms."}, StartDate: "2026-01-15",
		CreatedAt: now, UpdatedAt: now, Version: 1, UpdatedBy: "usr_admin",
	}
}

// newDepartment is what department.Service.Create writes: an inbound
// process serving programs, its address confirmed when confirmed is set.
func newDepartment(m member.Member, name, inbound string, confirmed bool, now time.Time, programIDs ...string) department.Department {
	d := department.Department{
		ID: ident.New(ident.Department, now), MemberID: m.ID, Name: name, ProgramIDs: programIDs,
		Inbound:   department.Inbound{Email: inbound, Hours: hours.AlwaysOpen, Escalation: m.Contacts.Escalation},
		CreatedAt: now, UpdatedAt: now, Version: 1, UpdatedBy: "usr_admin",
	}
	if confirmed {
		d.Confirmed = d.Confirmed.With(inbound)
	}
	return d
}

// world is a host with a program and a department, and a partner with a
// department of its own: the cast most rules need.
type world struct {
	host, partner           member.Member
	hostAdmin, partnerAdmin member.User
	hostCred, partnerCred   member.Credential
	prg                     program.Program
	hostDep, partnerDep     department.Department
}

// newWorld writes a world into s at now; tag keeps its domains and slug
// apart from another world's in the same store.
func newWorld(t *testing.T, s Store, tag string, now time.Time) world {
	t.Helper()
	var w world
	var welcome notify.Message
	w.host, w.hostAdmin, w.hostCred, welcome = newMember("Host"+tag, "host"+tag+".example", member.Full, now)
	must(t, "create the host", s.CreateMember(bg, w.host, w.hostAdmin, w.hostCred, []notify.Message{welcome}, idem.None))
	w.partner, w.partnerAdmin, w.partnerCred, welcome = newMember("Partner"+tag, "partner"+tag+".example", member.Full, now)
	must(t, "create the partner", s.CreateMember(bg, w.partner, w.partnerAdmin, w.partnerCred, []notify.Message{welcome}, idem.None))
	w.prg = newProgram(w.host, "partners"+strings.ToLower(tag), program.MemberPaid, now)
	must(t, "create the program", s.CreateProgram(bg, w.prg, idem.None))
	w.hostDep = newDepartment(w.host, "Support", "support@host"+tag+".example", true, now, w.prg.ID)
	must(t, "create the host's department", s.CreateDepartment(bg, w.hostDep, nil, idem.None))
	w.partnerDep = newDepartment(w.partner, "Partner desk", "desk@partner"+tag+".example", true, now, w.prg.ID)
	must(t, "create the partner's department", s.CreateDepartment(bg, w.partnerDep, nil, idem.None))
	return w
}

// openCase is what collab.Service.Open writes when the partner's admin
// opens a case at the host's department at now (high priority, 4 h): the
// case, its first event, the new-case mail to the department, the
// confirmation to the submitter and the department's webhook call.
func (w world) openCase(summary string, now time.Time) (collab.Case, collab.Event, []notify.Message) {
	sla := w.prg.SLA.For(program.High)
	c := collab.Case{
		ID: ident.New(ident.Case, now), Ref: collab.NewRef(), ProgramID: w.prg.ID, ProgramName: w.prg.Name, ProgramType: w.prg.Type,
		SubmitterMemberID: w.partner.ID, SubmitterName: w.partner.Name, SubmitterUserID: w.partnerAdmin.ID, SubmitterEmail: w.partnerAdmin.Email,
		ReceiverMemberID: w.host.ID, ReceiverName: w.host.Name, DepartmentID: w.hostDep.ID, DepartmentName: w.hostDep.Name,
		Priority: program.High, Summary: summary, Description: "Nothing loads since the upgrade.",
		Customer: &collab.Customer{Company: "Cust", ContactName: "Cy", ContactEmail: "cy@cust.example", CaseNumber: "C-1"},
		Status:   collab.Open, SLA: sla, ResponseDueAt: now.Add(sla), Level2DueAt: now.Add(2 * sla), RemindAt: now.Add(sla * 3 / 4),
		LastActivityAt: now, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	ev := collab.Event{ID: ident.New(ident.Event, now), At: now, Actor: w.partnerAdmin.Name + " <" + w.partnerAdmin.Email + ">",
		MemberID: w.partner.ID, Side: collab.Submitter, Action: "open", To: collab.Open}
	data := notify.CaseMail{CaseID: c.ID, Summary: c.Summary, Description: c.Description, Priority: string(c.Priority),
		ProgramName: c.ProgramName, SubmitterName: c.SubmitterName, SubmitterEmail: c.SubmitterEmail, ReceiverName: c.ReceiverName,
		DepartmentName: c.DepartmentName, DueAt: c.ResponseDueAt.Format("Mon 2 Jan 2006 15:04 UTC"), Link: "https://tandem.example/cases/" + c.ID,
		Customer: true, CustomerCompany: "Cust", CustomerContact: "Cy", CustomerEmail: "cy@cust.example", CustomerCase: "C-1"}
	msgs := []notify.Message{
		{ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: platform, To: []string{w.hostDep.Inbound.Email}, Ref: c.ID, CreatedAt: now,
			Data: notify.CaseNew{CaseMail: data, AcceptLink: "https://tandem.example/r/accept"}},
		{ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: platform, To: []string{w.partnerAdmin.Email}, Ref: c.ID, CreatedAt: now,
			Data: notify.CaseOpened{CaseMail: data}},
		{ID: ident.New(ident.Outbox, now), Channel: notify.Webhook, Ref: w.hostDep.ID, CreatedAt: now,
			Hook: &notify.HookCall{MemberID: w.host.ID, DepartmentID: w.hostDep.ID, URL: "https://host.example/hook", EventType: "case.created",
				Body: []byte(`{"type":"case.created","data":{"caseId":"` + c.ID + `"}}`)}},
	}
	return c, ev, msgs
}

// step is what collab.Service.Do writes for a step of side on c at now:
// the case after it (at the next version) and its event.
func step(c collab.Case, a collab.Action, side collab.Side, to collab.Status, text string, now time.Time) (collab.Case, collab.Event) {
	after := c
	after.Status, after.UpdatedAt, after.Version = to, now, c.Version+1
	after.LastActivityAt, after.IdleWarned = now, false
	if side == collab.Receiver && c.RespondedAt.IsZero() && (a == collab.Accept || a == collab.RequestInfo || a == collab.Reject) {
		after.RespondedAt = now
	}
	if a == collab.Close {
		after.Resolution = text
	}
	ev := collab.Event{ID: ident.New(ident.Event, now), At: now, Actor: "someone <someone@example.com>", Side: side, Action: a, From: c.Status, To: to, Text: text}
	return after, ev
}

// mail is a plain message to addr at now.
func mail(addr, ref string, now time.Time) notify.Message {
	return notify.Message{ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: platform, To: []string{addr}, Ref: ref, CreatedAt: now,
		Data: notify.MemberWelcome{MemberName: "Acme", ContactName: "Ann", AdminEmail: addr, BaseURL: "https://tandem.example"}}
}

// cast is a store with a world in it, shared by an area's subtests that
// add objects of their own to the world and read back only those (by id,
// or a list no other subtest adds to). A world is five transactions and a
// table one more: on DynamoDB Local under load they were most of the
// contract's time. Subtests that read a global index (the due and
// operators' indexes), list what another subtest could add to, or change
// the world's own objects keep a store and world of their own.
type cast struct {
	s Store
	w world
}

// shareCast opens the area's shared store (deleted when the area ends)
// and writes its world, tagged apart from the worlds of its own.
func shareCast(t *testing.T, open func(*testing.T) Store) cast {
	t.Helper()
	s := open(t)
	return cast{s: s, w: newWorld(t, s, "Shared", t0)}
}
