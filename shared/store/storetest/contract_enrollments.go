package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/registration"
	"github.com/tandemhq/tandem/shared/session"
)

var origin = notify.Origin{From: platform, BaseURL: "https://tandem.example"}

// signupToken is what registration.Service.Register writes for email.
func signupToken(prg program.Program, email string, now time.Time) (registration.SignupToken, notify.Message) {
	tok := registration.SignupToken{Hash: "sgn-hash-" + ident.ULID(now), ProgramID: prg.ID, Email: email, ExpiresAt: now.Add(24 * time.Hour), CreatedAt: now}
	msg := notify.Message{ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: platform, To: []string{email}, Ref: prg.ID, CreatedAt: now,
		Data: notify.RegistrationVerify{ProgramName: prg.Name, HostName: prg.HostName, Link: "https://tandem.example/p/" + prg.Slug + "/signup?token=x", Expires: "24 hours"}}
	return tok, msg
}

// newcomer is what registration.Service.SignUp writes when email's
// company is new to Tandem: the member, its enrollment admitted into prg
// (enrollment.Admit) with its department, invoice, test case and mail.
func newcomer(prg program.Program, tok registration.SignupToken, now time.Time) registration.Signup {
	_, domain, _ := strings.Cut(tok.Email, "@")
	company := enrollment.Company{Name: "New " + domain, Website: "https://" + domain, Country: "DE"}
	contact := member.Contact{Name: "Pat", Email: tok.Email}
	contacts := enrollment.Contacts{Primary: contact, Support: contact, Escalation: contact, Billing: contact}
	su := registration.Signup{TokenHash: tok.Hash, ProgramID: prg.ID, AddendumVersion: prg.Addendum.Version, Now: now}
	e := enrollment.Enrollment{
		ID: ident.New(ident.Enrollment, now), ProgramID: prg.ID, HostMemberID: prg.HostMemberID, Email: tok.Email, Company: company, Contacts: contacts,
		Addendum: enrollment.Acceptance{Version: prg.Addendum.Version, Name: "Pat", Title: "CEO", At: now},
		HostPaid: prg.Payment == program.HostPaid, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	m := member.Member{ID: ident.New(ident.Member, now), Name: company.Name, Domain: domain, Kind: member.Limited,
		Contacts: member.Contacts{Primary: contact, Escalation: contact, Billing: contact}, CreatedAt: now, UpdatedAt: now, Version: 1}
	su.NewMember = &m
	e.MemberID, e.MemberName = m.ID, m.Name
	proposal := enrollment.Proposal{DepartmentName: company.Name + " support",
		Inbound: department.Inbound{Email: "support@" + domain, Hours: hours.AlwaysOpen, Escalation: contact}}
	a := enrollment.Admit(&e, prg, proposal, origin, enrollment.Links{Keys: Keys}, true, "", now)
	su.Department, su.Invoice, su.Validation, su.Messages = &a.Department, a.Invoice, a.Validation, a.Messages
	su.Event = enrollment.Event{ID: ident.New(ident.Event, now), At: now, Actor: tok.Email, Action: "sign_up", To: e.Status}
	su.Enrollment = e
	return su
}

// signUp registers email for prg and signs it up as a newcomer at now.
func signUp(t *testing.T, s Store, prg program.Program, email string, now time.Time) registration.Signup {
	t.Helper()
	tok, msg := signupToken(prg, email, now)
	must(t, "register "+email, s.CreateSignupToken(bg, tok, msg))
	su := newcomer(prg, tok, now)
	must(t, "sign up "+email, s.CreateSignup(bg, su))
	return su
}

// credentialToken is a credential link of e as going live mailed them
// before it made the partner's admin (such links are still honoured).
func credentialToken(e enrollment.Enrollment, now time.Time) enrollment.Token {
	_, hash := auth.NewToken("crd_")
	return enrollment.Token{Hash: hash, Kind: enrollment.CredentialToken, EnrollmentID: e.ID, MemberID: e.MemberID,
		Name: e.Contacts.Primary.Name, Email: e.Contacts.Primary.Email, ExpiresAt: now.Add(enrollment.CredentialTTL)}
}

// change is what enrollment.Service writes for action on e at now.
func change(e enrollment.Enrollment, a enrollment.Action, to enrollment.Status, now time.Time) enrollment.Change {
	after := e
	after.Status, after.UpdatedAt, after.Version = to, now, e.Version+1
	return enrollment.Change{Before: e, After: after,
		Event: enrollment.Event{ID: ident.New(ident.Event, now), At: now, Actor: "Ann <ann@host.example>", Action: a, From: e.Status, To: to}}
}

func enrIDs(es []enrollment.Enrollment) []string {
	return ids(es, func(e enrollment.Enrollment) string { return e.ID })
}

func contractEnrollments(t *testing.T, open func(*testing.T) Store) {
	t.Run("a newcomer's sign-up writes the member, its enrollment, department, invoice and mail, and takes its place", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		tok, regMail := signupToken(w.prg, "pat@newco.example", t0)
		must(t, "register", s.CreateSignupToken(bg, tok, regMail))
		got, err := s.GetSignupToken(bg, tok.Hash)
		must(t, "the sign-up link", err)
		same(t, "the sign-up link", got, tok)
		readBack(t, s, "the sign-up link's mail", []notify.Message{regMail}, t0)

		su := newcomer(w.prg, tok, t0.Add(time.Minute))
		must(t, "sign up", s.CreateSignup(bg, su))
		e, err := s.GetEnrollment(bg, su.Enrollment.ID)
		must(t, "get the enrollment", err)
		same(t, "the enrollment", e, su.Enrollment)
		m, err := s.GetMember(bg, su.NewMember.ID)
		must(t, "get the member", err)
		same(t, "the member", m, *su.NewMember)
		d, err := s.GetDepartment(bg, su.Department.ID)
		must(t, "get the department", err)
		same(t, "the department", d, *su.Department)
		inv, err := s.GetInvoice(bg, su.Invoice.ID)
		must(t, "get the invoice", err)
		same(t, "the invoice", inv, *su.Invoice)
		readBack(t, s, "the sign-up's mail", su.Messages, t0.Add(time.Minute))
		got, _ = s.GetSignupToken(bg, tok.Hash)
		if !got.Used {
			t.Fatalf("the sign-up link is not used after the sign-up")
		}
		if ok, err := s.Enrolled(bg, w.prg.ID, su.NewMember.ID); err != nil || !ok {
			t.Fatalf("enrolled: %v, %v", ok, err)
		}
		st, err := s.EnrollmentStatus(bg, w.prg.ID, su.NewMember.ID)
		if err != nil || st != su.Enrollment.Status {
			t.Fatalf("status: got %q, %v, want %q", st, err, su.Enrollment.Status)
		}
		id, ok, err := s.MemberIDByDomain(bg, "newco.example")
		if err != nil || !ok || id != su.NewMember.ID {
			t.Fatalf("the newcomer's domain: %q %v %v", id, ok, err)
		}
		evs, _, err := s.ListEnrollmentEvents(bg, e.ID, 10, "")
		must(t, "events", err)
		same(t, "the enrollment's timeline", evs, []enrollment.Event{su.Event})
	})

	t.Run("a sign-up link is used once, and not after it expired", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		tok, msg := signupToken(w.prg, "pat@newco.example", t0)
		must(t, "register", s.CreateSignupToken(bg, tok, msg))
		must(t, "sign up", s.CreateSignup(bg, newcomer(w.prg, tok, t0)))
		again := newcomer(w.prg, tok, t0.Add(time.Minute))
		again.NewMember.Domain = "other.example"
		wantKind(t, "sign up again with the used link", s.CreateSignup(bg, again), apperr.ErrConflict)
		late, msg2 := signupToken(w.prg, "sam@late.example", t0.Add(time.Second))
		must(t, "register", s.CreateSignupToken(bg, late, msg2))
		wantKind(t, "sign up at the link's expiry", s.CreateSignup(bg, newcomer(w.prg, late, late.ExpiresAt)), apperr.ErrConflict)
		_, err := s.GetSignupToken(bg, "no-such-link")
		wantKind(t, "an unknown link", err, apperr.ErrNotFound)
	})

	t.Run("a sign-up is refused when the addendum changed, and writes nothing", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		tok, msg := signupToken(w.prg, "pat@newco.example", t0)
		must(t, "register", s.CreateSignupToken(bg, tok, msg))
		su := newcomer(w.prg, tok, t0)
		next := w.prg
		next.Addendum, next.UpdatedAt, next.Version = program.Addendum{Version: "2", Text: "New."}, t0, 2
		must(t, "new addendum", s.UpdateProgram(bg, next, 1))
		wantKind(t, "sign up to the old addendum", s.CreateSignup(bg, su), apperr.ErrConflict)
		_, err := s.GetEnrollment(bg, su.Enrollment.ID)
		wantKind(t, "the refused enrollment", err, apperr.ErrNotFound)
		_, err = s.GetMember(bg, su.NewMember.ID)
		wantKind(t, "the refused member", err, apperr.ErrNotFound)
		unclaimable(t, s, "the refused sign-up's mail", su.Messages, t0)
		if got, _ := s.GetSignupToken(bg, tok.Hash); got.Used {
			t.Fatalf("the link of a refused sign-up is used")
		}
	})

	t.Run("a newcomer whose domain was just taken is told so", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		tok, msg := signupToken(w.prg, "pat@partnerA.example", t0)
		must(t, "register", s.CreateSignupToken(bg, tok, msg))
		err := s.CreateSignup(bg, newcomer(w.prg, tok, t0))
		wantKind(t, "sign up a new member at a member's domain", err, registration.ErrDomainTaken)
	})

	t.Run("a member holds one place in a program", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		su := signUp(t, s, w.prg, "pat@newco.example", t0)
		// A second sign-up of the same member, awaiting its consent.
		tok, msg := signupToken(w.prg, "sam@newco.example", t0.Add(time.Second))
		must(t, "register", s.CreateSignupToken(bg, tok, msg))
		second := newcomer(w.prg, tok, t0.Add(time.Second))
		second.NewMember, second.Department, second.Invoice, second.Validation = nil, nil, nil, nil
		second.Enrollment.MemberID, second.Enrollment.ExistingMember, second.Enrollment.Status = su.NewMember.ID, true, enrollment.PendingMemberConsent
		second.Messages = nil
		wantKind(t, "a second place", s.CreateSignup(bg, second), apperr.ErrConflict)
		_, err := s.GetEnrollment(bg, second.Enrollment.ID)
		wantKind(t, "the refused enrollment", err, apperr.ErrNotFound)
	})

	t.Run("an enrollment change at a stale version or status is a conflict and writes nothing", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		su := signUp(t, s, w.prg, "pat@newco.example", t0)
		e := su.Enrollment
		approve := change(e, enrollment.Approve, enrollment.Validating, t0.Add(time.Minute))
		approve.Messages = []notify.Message{mail("pat@newco.example", e.ID, t0.Add(time.Minute))}
		must(t, "approve", s.ApplyEnrollmentChange(bg, approve))
		reject := change(e, enrollment.Reject, enrollment.Rejected, t0.Add(2*time.Minute))
		reject.Release = true
		reject.Messages = []notify.Message{mail("pat@newco.example", e.ID, t0.Add(2*time.Minute))}
		wantKind(t, "reject at the version read before", s.ApplyEnrollmentChange(bg, reject), apperr.ErrConflict)
		got, err := s.GetEnrollment(bg, e.ID)
		must(t, "get", err)
		same(t, "the enrollment", got, approve.After)
		unclaimable(t, s, "the refused change's mail", reject.Messages, t0.Add(2*time.Minute))
		readBack(t, s, "the change's mail", approve.Messages, t0.Add(2*time.Minute))
		if ok, _ := s.Enrolled(bg, w.prg.ID, su.NewMember.ID); !ok {
			t.Fatalf("the refused release gave the place back")
		}
		evs := flat(pages(t, "the enrollment's timeline", 1, func(limit int, cursor string) ([]enrollment.Event, string, error) {
			return s.ListEnrollmentEvents(bg, e.ID, limit, cursor)
		}))
		same(t, "the timeline", ids(evs, func(e enrollment.Event) string { return string(e.Action) }), []string{"sign_up", "approve"})
	})

	t.Run("a rejected sign-up gives its place back", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		su := signUp(t, s, w.prg, "pat@newco.example", t0)
		reject := change(su.Enrollment, enrollment.Reject, enrollment.Rejected, t0.Add(time.Minute))
		reject.Release = true
		must(t, "reject", s.ApplyEnrollmentChange(bg, reject))
		if ok, err := s.Enrolled(bg, w.prg.ID, su.NewMember.ID); err != nil || ok {
			t.Fatalf("enrolled after the rejection: %v, %v", ok, err)
		}
		st, err := s.EnrollmentStatus(bg, w.prg.ID, su.NewMember.ID)
		if err != nil || st != "" {
			t.Fatalf("status after the rejection: %q, %v, want none", st, err)
		}
		progs, err := s.ProgramsOf(bg, su.NewMember.ID)
		if err != nil || len(progs) != 0 {
			t.Fatalf("programs of the rejected member: %v, %v", progs, err)
		}
	})

	t.Run("a mail token is used once: the claimed credential's user is created with it", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		su := signUp(t, s, w.prg, "pat@newco.example", t0)
		e := su.Enrollment
		live := change(e, enrollment.Approve, enrollment.Active, t0.Add(time.Minute))
		tok := credentialToken(live.After, t0.Add(time.Minute))
		live.Tokens = []enrollment.Token{tok}
		must(t, "go live", s.ApplyEnrollmentChange(bg, live))
		got, err := s.GetMailToken(bg, tok.Hash)
		must(t, "the token", err)
		same(t, "the token", got, tok)

		u, cred := newUser(e.MemberID, tok.Name, tok.Email, t0.Add(2*time.Minute), auth.RoleAdmin, auth.RoleEngineer)
		must(t, "claim", s.ClaimCredential(bg, tok.Hash, enrollment.AdminSignIn{User: u, New: true, Credential: cred}, t0.Add(2*time.Minute)))
		gu, err := s.GetUser(bg, e.MemberID, u.ID)
		must(t, "the user", err)
		same(t, "the user", gu, u)
		if got, _ := s.GetMailToken(bg, tok.Hash); !got.Used {
			t.Fatalf("the token is not used after the claim")
		}
		u2, cred2 := newUser(e.MemberID, tok.Name, tok.Email, t0.Add(3*time.Minute), auth.RoleAdmin)
		wantKind(t, "claim again", s.ClaimCredential(bg, tok.Hash, enrollment.AdminSignIn{User: u2, New: true, Credential: cred2}, t0.Add(3*time.Minute)), apperr.ErrConflict)
		_, err = s.GetUser(bg, e.MemberID, u2.ID)
		wantKind(t, "the second claim's user", err, apperr.ErrNotFound)
		_, err = s.GetMailToken(bg, "no-such-token")
		wantKind(t, "an unknown token", err, apperr.ErrNotFound)
	})

	t.Run("a credential claimed to sign in writes the sign-in link, and the user only when new", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		su := signUp(t, s, w.prg, "pat@newco.example", t0)
		live := change(su.Enrollment, enrollment.Approve, enrollment.Active, t0.Add(time.Minute))
		first, second := credentialToken(live.After, t0.Add(time.Minute)), credentialToken(live.After, t0.Add(time.Minute))
		live.Tokens = []enrollment.Token{first, second}
		must(t, "go live", s.ApplyEnrollmentChange(bg, live))
		u, cred := newUser(su.Enrollment.MemberID, first.Name, first.Email, t0.Add(2*time.Minute), auth.RoleAdmin, auth.RoleEngineer)
		link := enrollment.AdminSignIn{User: u, New: true, Credential: cred, LinkHash: "link-one", LinkExpires: t0.Add(time.Hour)}
		must(t, "claim to sign in", s.ClaimCredential(bg, first.Hash, link, t0.Add(2*time.Minute)))
		lt, err := s.GetLoginToken(bg, "link-one")
		must(t, "the sign-in link", err)
		same(t, "the sign-in link", lt, session.LoginToken{Hash: "link-one", UserID: u.ID, MemberID: u.MemberID, Email: u.Email, Next: "/inbox", ExpiresAt: t0.Add(time.Hour)})
		again := enrollment.AdminSignIn{User: u, LinkHash: "link-two", LinkExpires: t0.Add(time.Hour)}
		must(t, "claim for the existing user", s.ClaimCredential(bg, second.Hash, again, t0.Add(3*time.Minute)))
		users, err := s.ListMemberUsers(bg, su.Enrollment.MemberID)
		must(t, "the users", err)
		same(t, "the users", len(users), 1)
		if _, err := s.GetLoginToken(bg, "link-two"); err != nil {
			t.Fatalf("the existing user's sign-in link: %v", err)
		}
	})

	t.Run("going live writes the partner's first admin with its sign-in link, once", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		su := signUp(t, s, w.prg, "pat@newco.example", t0)
		live := change(su.Enrollment, enrollment.Approve, enrollment.Active, t0.Add(time.Minute))
		u, cred := newUser(su.Enrollment.MemberID, "Pat", "pat@newco.example", t0.Add(time.Minute), auth.RoleAdmin, auth.RoleEngineer)
		live.Admin = &enrollment.AdminSignIn{User: u, New: true, Credential: cred, LinkHash: "golive-link", LinkExpires: t0.Add(7 * 24 * time.Hour)}
		must(t, "go live", s.ApplyEnrollmentChange(bg, live))
		gu, err := s.GetUser(bg, u.MemberID, u.ID)
		must(t, "the admin", err)
		same(t, "the admin", gu, u)
		lt, err := s.GetLoginToken(bg, "golive-link")
		must(t, "the sign-in link", err)
		same(t, "the sign-in link", lt, session.LoginToken{Hash: "golive-link", UserID: u.ID, MemberID: u.MemberID, Email: u.Email, Next: "/inbox", ExpiresAt: t0.Add(7 * 24 * time.Hour)})
		// A retry of the same go-live (read before the first was written)
		// writes nothing: not a second user, not a second link.
		u2, cred2 := newUser(su.Enrollment.MemberID, "Pat", "pat@newco.example", t0.Add(2*time.Minute), auth.RoleAdmin, auth.RoleEngineer)
		retry := change(su.Enrollment, enrollment.Approve, enrollment.Active, t0.Add(2*time.Minute))
		retry.Admin = &enrollment.AdminSignIn{User: u2, New: true, Credential: cred2, LinkHash: "golive-link-2", LinkExpires: t0.Add(7 * 24 * time.Hour)}
		wantKind(t, "the retried go-live", s.ApplyEnrollmentChange(bg, retry), apperr.ErrConflict)
		users, err := s.ListMemberUsers(bg, u.MemberID)
		must(t, "the users", err)
		same(t, "the users after the retry", len(users), 1)
		_, err = s.GetLoginToken(bg, "golive-link-2")
		wantKind(t, "the retry's link", err, apperr.ErrNotFound)
	})

	t.Run("an expired mail token is not used", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		su := signUp(t, s, w.prg, "pat@newco.example", t0)
		live := change(su.Enrollment, enrollment.Approve, enrollment.Active, t0.Add(time.Minute))
		tok := credentialToken(live.After, t0.Add(time.Minute))
		live.Tokens = []enrollment.Token{tok}
		must(t, "go live", s.ApplyEnrollmentChange(bg, live))
		u, cred := newUser(su.Enrollment.MemberID, tok.Name, tok.Email, tok.ExpiresAt, auth.RoleAdmin)
		wantKind(t, "claim at the expiry", s.ClaimCredential(bg, tok.Hash, enrollment.AdminSignIn{User: u, New: true, Credential: cred}, tok.ExpiresAt), apperr.ErrConflict)
	})

	t.Run("a program's enrollments list by status, a page at a time, and count per status", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		var sus []registration.Signup
		for i, dom := range []string{"one", "two", "three", "four"} {
			sus = append(sus, signUp(t, s, w.prg, "pat@"+dom+".example", t0.Add(time.Duration(i)*time.Minute)))
		}
		must(t, "approve the second", s.ApplyEnrollmentChange(bg, change(sus[1].Enrollment, enrollment.Approve, enrollment.Validating, t0.Add(time.Hour))))
		waiting := flat(pages(t, "the waiting enrollments", 2, func(limit int, cursor string) ([]enrollment.Enrollment, string, error) {
			return s.ListProgramEnrollments(bg, w.prg.ID, enrollment.PendingApproval, limit, cursor)
		}))
		same(t, "the waiting enrollments, oldest first", enrIDs(waiting), []string{sus[0].Enrollment.ID, sus[2].Enrollment.ID, sus[3].Enrollment.ID})
		all := flat(pages(t, "all enrollments", 3, func(limit int, cursor string) ([]enrollment.Enrollment, string, error) {
			return s.ListProgramEnrollments(bg, w.prg.ID, "", limit, cursor)
		}))
		same(t, "all enrollments", sorted(enrIDs(all)), sorted([]string{sus[0].Enrollment.ID, sus[1].Enrollment.ID, sus[2].Enrollment.ID, sus[3].Enrollment.ID}))
		_, next, err := s.ListProgramEnrollments(bg, w.prg.ID, enrollment.PendingApproval, 1, "")
		must(t, "first page", err)
		_, _, err = s.ListProgramEnrollments(bg, w.prg.ID, enrollment.Validating, 1, next)
		malformed(t, "the waiting list's cursor on the validating list", err)
		counts, err := s.CountProgramEnrollments(bg, w.prg.ID)
		must(t, "count", err)
		same(t, "counts", counts, map[enrollment.Status]int{enrollment.PendingApproval: 3, enrollment.Validating: 1})
		statuses, err := s.EnrollmentStatuses(bg, w.prg.ID, []string{sus[0].NewMember.ID, sus[1].NewMember.ID, w.partner.ID})
		must(t, "statuses", err)
		same(t, "statuses", statuses, map[string]enrollment.Status{sus[0].NewMember.ID: enrollment.PendingApproval, sus[1].NewMember.ID: enrollment.Validating})
		mine, err := s.ListMemberEnrollments(bg, sus[1].NewMember.ID)
		must(t, "the member's enrollments", err)
		same(t, "the member's enrollments", enrIDs(mine), []string{sus[1].Enrollment.ID})
	})

	t.Run("sign-ups waiting for a decision are in the operators' index, oldest first, until decided", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		a := signUp(t, s, w.prg, "pat@one.example", t0)
		b := signUp(t, s, w.prg, "pat@two.example", t0.Add(time.Minute))
		got, more, err := s.WaitingSignups(bg, t0.Add(time.Hour), 10)
		if err != nil || more {
			t.Fatalf("waiting: more=%v %v", more, err)
		}
		same(t, "waiting, oldest first", enrIDs(got), []string{a.Enrollment.ID, b.Enrollment.ID})
		same(t, "a waiting sign-up as stored", got[0], a.Enrollment)
		got, _, _ = s.WaitingSignups(bg, t0.Add(30*time.Second), 10)
		same(t, "waiting at 30 s", enrIDs(got), []string{a.Enrollment.ID})
		must(t, "approve the first", s.ApplyEnrollmentChange(bg, change(a.Enrollment, enrollment.Approve, enrollment.Validating, t0.Add(2*time.Minute))))
		got, _, _ = s.WaitingSignups(bg, t0.Add(time.Hour), 10)
		same(t, "waiting once the first was approved", enrIDs(got), []string{b.Enrollment.ID})
	})

	t.Run("enrollments awaiting payment and overdue invoices are in the operators' index until paid", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		a := signUp(t, s, w.prg, "pat@one.example", t0)
		b := signUp(t, s, w.prg, "pat@two.example", t0.Add(time.Minute))
		if a.Invoice == nil || b.Invoice == nil {
			t.Fatal("a member-paid sign-up without its membership invoice")
		}
		none, more, err := s.AwaitingPayment(bg, t0.Add(time.Hour), 10)
		if err != nil || more || len(none) != 0 {
			t.Fatalf("awaiting payment before validation: %v more=%v %v", enrIDs(none), more, err)
		}
		pa := change(a.Enrollment, enrollment.Pass, enrollment.AwaitingPayment, t0.Add(2*time.Hour))
		must(t, "validate the first", s.ApplyEnrollmentChange(bg, pa))
		pb := change(b.Enrollment, enrollment.Pass, enrollment.AwaitingPayment, t0.Add(3*time.Hour))
		must(t, "validate the second", s.ApplyEnrollmentChange(bg, pb))
		got, more, err := s.AwaitingPayment(bg, t0.Add(4*time.Hour), 10)
		if err != nil || more {
			t.Fatalf("awaiting payment: more=%v %v", more, err)
		}
		same(t, "awaiting payment, longest first", enrIDs(got), []string{a.Enrollment.ID, b.Enrollment.ID})
		same(t, "an enrollment awaiting payment as stored", got[0], pa.After)
		got, more, _ = s.AwaitingPayment(bg, t0.Add(4*time.Hour), 1)
		if len(got) != 1 || !more {
			t.Fatalf("awaiting payment, one at most: %v more=%v", enrIDs(got), more)
		}

		invIDs := func(invs []billing.Invoice) []string {
			return ids(invs, func(i billing.Invoice) string { return i.ID })
		}
		early, _, err := s.OverdueInvoices(bg, a.Invoice.DueAt.Add(-time.Second), 10)
		must(t, "overdue before the due date", err)
		same(t, "overdue before the due date", invIDs(early), []string{})
		late, _, err := s.OverdueInvoices(bg, b.Invoice.DueAt.Add(time.Hour), 10)
		must(t, "overdue", err)
		same(t, "overdue, most overdue first", invIDs(late), []string{a.Invoice.ID, b.Invoice.ID})
		same(t, "an overdue invoice as stored", late[0], *a.Invoice)

		paid := *a.Invoice
		paid.Status, paid.PaidAt, paid.PaymentRef, paid.PaidCents = billing.Paid, t0.Add(5*time.Hour), "wire 1", paid.TotalCents
		paid.UpdatedAt, paid.Version = t0.Add(5*time.Hour), paid.Version+1
		live := change(pa.After, enrollment.Pay, enrollment.Active, t0.Add(5*time.Hour))
		live.Invoices = []enrollment.InvoiceChange{{Before: *a.Invoice, After: paid}}
		must(t, "pay the first", s.ApplyEnrollmentChange(bg, live))
		got, _, _ = s.AwaitingPayment(bg, t0.Add(6*time.Hour), 10)
		same(t, "awaiting payment once the first paid", enrIDs(got), []string{b.Enrollment.ID})
		late, _, _ = s.OverdueInvoices(bg, b.Invoice.DueAt.Add(time.Hour), 10)
		same(t, "overdue once the first paid", invIDs(late), []string{b.Invoice.ID})
	})

	t.Run("a live member-paid enrollment is due for its renewal steps, and not once terminated", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		su := signUp(t, s, w.prg, "pat@newco.example", t0)
		live := change(su.Enrollment, enrollment.Approve, enrollment.Active, t0.Add(time.Hour))
		live.After.GoLiveAt, live.After.RenewalDate = t0.Add(time.Hour), billing.AddYears(t0.Add(time.Hour), 1)
		must(t, "go live", s.ApplyEnrollmentChange(bg, live))
		_, at, ok := live.After.NextRenewal()
		if !ok {
			t.Fatal("a live member-paid enrollment has no renewal step")
		}
		due, _, err := s.DueRenewals(bg, at.Add(-time.Second), 10)
		if err != nil || len(due) != 0 {
			t.Fatalf("due before its first step: %v, %v", due, err)
		}
		due, _, err = s.DueRenewals(bg, at, 10)
		must(t, "due", err)
		same(t, "due at its first step", dueIDs(due), []string{su.Enrollment.ID})
		end := change(live.After, "terminate", enrollment.Terminated, at.Add(time.Hour))
		end.Release = true
		must(t, "terminate", s.ApplyEnrollmentChange(bg, end))
		due, _, _ = s.DueRenewals(bg, at.AddDate(2, 0, 0), 10)
		if len(due) != 0 {
			t.Fatalf("a terminated enrollment is due: %+v", due)
		}
	})

	t.Run("a missing enrollment is not found", func(t *testing.T) {
		s := open(t)
		_, err := s.GetEnrollment(bg, ident.New(ident.Enrollment, t0))
		wantKind(t, "get", err, apperr.ErrNotFound)
		st, err := s.EnrollmentStatus(bg, ident.New(ident.Program, t0), ident.New(ident.Member, t0))
		if err != nil || st != "" {
			t.Fatalf("status of no enrollment: %q, %v", st, err)
		}
	})
}

// contractPaymentEvents: a payment provider's event is recorded in the
// transaction of what it changes, once.
func contractPaymentEvents(t *testing.T, open func(*testing.T) Store) {
	t.Run("a payment event is written with the payment, once; a note leaves the invoice as it is", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		tok, regMail := signupToken(w.prg, "pat@newco.example", t0)
		must(t, "register", s.CreateSignupToken(bg, tok, regMail))
		su := newcomer(w.prg, tok, t0.Add(time.Minute))
		must(t, "sign up", s.CreateSignup(bg, su))
		inv := *su.Invoice
		if done, err := s.PaymentEventRecorded(bg, "stripe:evt_1"); err != nil || done {
			t.Fatalf("an unseen event: got recorded %v, %v; want false", done, err)
		}
		at := t0.Add(2 * time.Minute)
		paid := inv
		paid.Status, paid.PaymentRef, paid.PaidCents, paid.PaidAt, paid.UpdatedAt, paid.Version = billing.Paid, "pi_1", inv.TotalCents, at, at, inv.Version+1
		must(t, "pay", s.ApplyEnrollmentChange(bg, enrollment.Change{PaymentEvent: "stripe:evt_1", Event: enrollment.Event{Actor: enrollment.StripeActor},
			Invoices: []enrollment.InvoiceChange{{Before: inv, After: paid}}}))
		if done, err := s.PaymentEventRecorded(bg, "stripe:evt_1"); err != nil || !done {
			t.Fatalf("a processed event: got recorded %v, %v; want true", done, err)
		}
		note := func(reason string, at time.Time) enrollment.InvoiceNote {
			return enrollment.InvoiceNote{InvoiceID: inv.ID, Version: paid.Version,
				Event: audit.Event{ID: ident.New(ident.Event, at), At: at, Actor: enrollment.StripeActor, Action: "payment_noted", Reason: reason}}
		}
		before, _, err := s.ListInvoiceEvents(bg, inv.ID, 20, "")
		must(t, "the invoice's timeline", err)
		again := enrollment.Change{PaymentEvent: "stripe:evt_1", InvoiceNotes: []enrollment.InvoiceNote{note("again", t0.Add(3*time.Minute))}}
		wantKind(t, "the same event again", s.ApplyEnrollmentChange(bg, again), apperr.ErrConflict)
		after, _, err := s.ListInvoiceEvents(bg, inv.ID, 20, "")
		must(t, "the invoice's timeline", err)
		same(t, "the timeline after a refused replay", after, before)

		second := note("paid already", t0.Add(4*time.Minute))
		must(t, "note a second event", s.ApplyEnrollmentChange(bg, enrollment.Change{PaymentEvent: "stripe:evt_2", InvoiceNotes: []enrollment.InvoiceNote{second}}))
		got, err := s.GetInvoice(bg, inv.ID)
		must(t, "get the invoice", err)
		same(t, "the invoice after a note", got, paid)
		after, _, err = s.ListInvoiceEvents(bg, inv.ID, 20, "")
		must(t, "the invoice's timeline", err)
		if len(after) != len(before)+1 || after[len(after)-1].Reason != "paid already" || after[len(after)-1].Actor != enrollment.StripeActor {
			t.Fatalf("the timeline after a note: got %+v, want %d entries ending with the note", after, len(before)+1)
		}
	})
}
