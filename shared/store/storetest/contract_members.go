package storetest

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/session"
)

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

func userIDs(us []member.User) []string { return ids(us, func(u member.User) string { return u.ID }) }

func eventActions(evs []audit.Event) []string {
	return ids(evs, func(e audit.Event) string { return e.Action })
}

func contractMembers(t *testing.T, open func(*testing.T) Store) {
	t.Run("a member and its first admin read back as written", func(t *testing.T) {
		s := open(t)
		m, u, c, welcome := newMember("Acme", "acme.example", member.Full, t0)
		must(t, "create", s.CreateMember(bg, m, u, c, []notify.Message{welcome}, idem.None))
		got, err := s.GetMember(bg, m.ID)
		must(t, "get member", err)
		same(t, "member", got, m)
		gu, err := s.GetUser(bg, m.ID, u.ID)
		must(t, "get user", err)
		same(t, "user", gu, u)
		gc, err := s.GetCredential(bg, c.Hash)
		must(t, "get credential", err)
		gc.Roles = sorted(gc.Roles)
		same(t, "credential", gc, c)
		id, ok, err := s.MemberIDByDomain(bg, "acme.example")
		if err != nil || !ok || id != m.ID {
			t.Fatalf("member by domain: got %q %v %v, want %s", id, ok, err, m.ID)
		}
	})

	t.Run("a second member with a taken domain is refused and nothing of it is written", func(t *testing.T) {
		s := open(t)
		m, u, c, _ := newMember("Acme", "acme.example", member.Full, t0)
		must(t, "create", s.CreateMember(bg, m, u, c, nil, idem.None))
		m2, u2, c2, welcome := newMember("Acme again", "acme.example", member.Full, t0)
		wantKind(t, "same domain", s.CreateMember(bg, m2, u2, c2, []notify.Message{welcome}, idem.None), apperr.ErrConflict)
		_, err := s.GetMember(bg, m2.ID)
		wantKind(t, "the refused member", err, apperr.ErrNotFound)
		_, err = s.GetUser(bg, m2.ID, u2.ID)
		wantKind(t, "the refused member's admin", err, apperr.ErrNotFound)
		_, err = s.GetCredential(bg, c2.Hash)
		wantKind(t, "the refused member's credential", err, apperr.ErrUnauthorized)
		_, _, err = s.ClaimOutbox(bg, welcome.ID, t0, time.Minute)
		wantKind(t, "the refused member's welcome", err, notify.ErrNotClaimable)
	})

	t.Run("a second create of the same member is refused", func(t *testing.T) {
		s := open(t)
		m, u, c, _ := newMember("Acme", "acme.example", member.Full, t0)
		must(t, "create", s.CreateMember(bg, m, u, c, nil, idem.None))
		wantKind(t, "again", s.CreateMember(bg, m, u, c, nil, idem.None), apperr.ErrConflict)
		got, err := s.GetMember(bg, m.ID)
		if err != nil || got.Version != 1 {
			t.Fatalf("after the refused create: got version %d, %v", got.Version, err)
		}
	})

	t.Run("what is missing is not found, an unknown token unauthorized", func(t *testing.T) {
		s := open(t)
		_, err := s.GetMember(bg, ident.New(ident.Member, t0))
		wantKind(t, "member", err, apperr.ErrNotFound)
		_, err = s.GetUser(bg, ident.New(ident.Member, t0), ident.New(ident.User, t0))
		wantKind(t, "user", err, apperr.ErrNotFound)
		_, err = s.GetCredential(bg, "no-such-hash")
		wantKind(t, "credential", err, apperr.ErrUnauthorized)
		id, ok, err := s.MemberIDByDomain(bg, "nobody.example")
		if err != nil || ok || id != "" {
			t.Fatalf("unknown domain: got %q %v %v, want nothing and no error", id, ok, err)
		}
		users, err := s.ListMemberUsers(bg, ident.New(ident.Member, t0))
		if err != nil || len(users) != 0 {
			t.Fatalf("users of a missing member: got %v, %v", users, err)
		}
	})

	t.Run("a member update at a stale version is a conflict", func(t *testing.T) {
		s := open(t)
		m, u, c, _ := newMember("Acme", "acme.example", member.Full, t0)
		must(t, "create", s.CreateMember(bg, m, u, c, nil, idem.None))
		next := m
		next.Name, next.UpdatedAt, next.Version = "Acme Inc", t0.Add(time.Minute), 2
		confirm := mail("cap@acme.example", m.ID, t0.Add(time.Minute))
		must(t, "update at version 1", s.UpdateMember(bg, next, 1, []notify.Message{confirm}))
		stale := m
		stale.Name, stale.UpdatedAt, stale.Version = "Acme GmbH", t0.Add(2*time.Minute), 2
		lost := mail("cap2@acme.example", m.ID, t0.Add(2*time.Minute))
		wantKind(t, "update at version 1 again", s.UpdateMember(bg, stale, 1, []notify.Message{lost}), apperr.ErrConflict)
		got, err := s.GetMember(bg, m.ID)
		must(t, "get", err)
		same(t, "the member", got, next)
		if _, _, err := s.ClaimOutbox(bg, confirm.ID, t0.Add(time.Minute), time.Minute); err != nil {
			t.Fatalf("the update's mail: %v", err)
		}
		_, _, err = s.ClaimOutbox(bg, lost.ID, t0.Add(2*time.Minute), time.Minute)
		wantKind(t, "the refused update's mail", err, notify.ErrNotClaimable)
	})

	t.Run("a user update at a stale version is a conflict; its roles reach the credential", func(t *testing.T) {
		s := open(t)
		m, u, c, _ := newMember("Acme", "acme.example", member.Full, t0)
		must(t, "create", s.CreateMember(bg, m, u, c, nil, idem.None))
		next := u
		next.Roles, next.ProgramIDs, next.UpdatedAt, next.Version = []string{auth.RoleEngineer}, []string{ident.New(ident.Program, t0)}, t0.Add(time.Minute), 2
		must(t, "update at version 1", s.UpdateUser(bg, next, 1))
		again := u
		again.Roles, again.Version = []string{auth.RoleAdmin}, 2
		wantKind(t, "update at version 1 again", s.UpdateUser(bg, again, 1), apperr.ErrConflict)
		got, err := s.GetUser(bg, m.ID, u.ID)
		must(t, "get", err)
		same(t, "the user", got, next)
		cred, err := s.GetCredential(bg, c.Hash)
		must(t, "credential", err)
		same(t, "the credential's roles", cred.Roles, []string{auth.RoleEngineer})
	})

	t.Run("a revoked user's credential is revoked, once", func(t *testing.T) {
		s := open(t)
		m, u, c, _ := newMember("Acme", "acme.example", member.Full, t0)
		must(t, "create", s.CreateMember(bg, m, u, c, nil, idem.None))
		must(t, "revoke", s.RevokeUser(bg, u, t0.Add(time.Minute)))
		wantKind(t, "revoke again at the version read", s.RevokeUser(bg, u, t0.Add(2*time.Minute)), apperr.ErrConflict)
		got, err := s.GetUser(bg, m.ID, u.ID)
		must(t, "get", err)
		if got.Status != member.UserRevoked || got.Version != 2 || !got.UpdatedAt.Equal(t0.Add(time.Minute)) {
			t.Fatalf("revoked user: got status %s version %d updated %v", got.Status, got.Version, got.UpdatedAt)
		}
		cred, err := s.GetCredential(bg, c.Hash)
		if err != nil || !cred.Revoked {
			t.Fatalf("credential: revoked=%v, %v", cred.Revoked, err)
		}
	})

	t.Run("of steps racing at one version exactly one wins, the others conflict", func(t *testing.T) {
		s := open(t)
		m, u, c, _ := newMember("Acme", "acme.example", member.Full, t0)
		must(t, "create", s.CreateMember(bg, m, u, c, nil, idem.None))
		const n = 8
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.RevokeUser(bg, u, t0.Add(time.Minute)) // each read version 1
			}()
		}
		wg.Wait()
		close(errs)
		wins := 0
		for err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, apperr.ErrConflict):
				t.Errorf("a racing revoke: got %v, want conflict", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d of %d racing revokes won, want 1", wins, n)
		}
		got, err := s.GetUser(bg, m.ID, u.ID)
		if err != nil || got.Version != 2 {
			t.Fatalf("after the race: version %d, %v", got.Version, err)
		}
	})

	t.Run("updates of what is missing are refused, not written", func(t *testing.T) {
		s := open(t)
		m, u, _, _ := newMember("Acme", "acme.example", member.Full, t0)
		next := m
		next.Version = 2
		wantKind(t, "update a missing member", s.UpdateMember(bg, next, 1, nil), apperr.ErrNotFound)
		nu := u
		nu.Version = 2
		wantKind(t, "update a missing user", s.UpdateUser(bg, nu, 1), apperr.ErrNotFound)
		wantKind(t, "revoke a missing user", s.RevokeUser(bg, u, t0), apperr.ErrConflict)
		p := newProgram(m, "nowhere", program.MemberPaid, t0)
		p.Version = 2
		wantKind(t, "update a missing program", s.UpdateProgram(bg, p, 1), apperr.ErrNotFound)
		_, err := s.GetMember(bg, m.ID)
		wantKind(t, "the member", err, apperr.ErrNotFound)
	})

	t.Run("users list under their member and by address, in any case", func(t *testing.T) {
		s := open(t)
		m, u, c, _ := newMember("Acme", "acme.example", member.Full, t0)
		must(t, "create", s.CreateMember(bg, m, u, c, nil, idem.None))
		eng, engCred := newUser(m.ID, "Eve", "Eve@Acme.example", t0.Add(time.Second), auth.RoleEngineer)
		must(t, "add a user", s.CreateUser(bg, eng, engCred, nil, idem.None))
		other, ou, oc, _ := newMember("Other", "other.example", member.Full, t0)
		must(t, "create another member", s.CreateMember(bg, other, ou, oc, nil, idem.None))
		elsewhere, elseCred := newUser(other.ID, "Eve", "eve@acme.example", t0.Add(2*time.Second), auth.RoleEngineer)
		must(t, "add the address there too", s.CreateUser(bg, elsewhere, elseCred, nil, idem.None))

		users, err := s.ListMemberUsers(bg, m.ID)
		must(t, "list", err)
		same(t, "the member's users", sorted(userIDs(users)), sorted([]string{u.ID, eng.ID}))
		byMail, err := s.UsersByEmail(bg, "EVE@acme.example")
		must(t, "by address", err)
		same(t, "users at the address", sorted(userIDs(byMail)), sorted([]string{eng.ID, elsewhere.ID}))
		cred, err := s.GetCredential(bg, engCred.Hash)
		if err != nil || cred.UserID != eng.ID || cred.MemberID != m.ID {
			t.Fatalf("the new user's credential: got %+v, %v", cred, err)
		}
	})

	t.Run("a second create of the same user is refused, and a user of no member", func(t *testing.T) {
		s := open(t)
		m, u, c, _ := newMember("Acme", "acme.example", member.Full, t0)
		must(t, "create", s.CreateMember(bg, m, u, c, nil, idem.None))
		eng, cred := newUser(m.ID, "Eve", "eve@acme.example", t0, auth.RoleEngineer)
		must(t, "add", s.CreateUser(bg, eng, cred, nil, idem.None))
		wantKind(t, "add again", s.CreateUser(bg, eng, cred, nil, idem.None), apperr.ErrConflict)
		orphan, ocred := newUser(ident.New(ident.Member, t0), "Olly", "olly@nowhere.example", t0, auth.RoleEngineer)
		wantKind(t, "a user of a missing member", s.CreateUser(bg, orphan, ocred, nil, idem.None), apperr.ErrConflict)
		_, err := s.GetUser(bg, orphan.MemberID, orphan.ID)
		wantKind(t, "the refused user", err, apperr.ErrNotFound)
	})

	t.Run("an invited user's sign-in link and mail are written with the user", func(t *testing.T) {
		s := open(t)
		m, u, c, _ := newMember("Acme", "acme.example", member.Full, t0)
		must(t, "create", s.CreateMember(bg, m, u, c, nil, idem.None))
		eng, cred := newUser(m.ID, "Eve", "eve@acme.example", t0, auth.RoleEngineer)
		inv := member.Invitation{LinkHash: "link-hash-eve", ExpiresAt: t0.Add(72 * time.Hour), Mail: mail(eng.Email, eng.ID, t0)}
		must(t, "add with an invitation", s.CreateUser(bg, eng, cred, &inv, idem.None))
		tok, err := s.GetLoginToken(bg, inv.LinkHash)
		must(t, "the link", err)
		same(t, "the link", tok, session.LoginToken{Hash: inv.LinkHash, UserID: eng.ID, MemberID: m.ID, Email: eng.Email, Next: "/inbox", ExpiresAt: inv.ExpiresAt})
		got, _, err := s.ClaimOutbox(bg, inv.Mail.ID, t0, time.Minute)
		must(t, "the invitation's mail", err)
		same(t, "the invitation's mail", got, inv.Mail)
	})

	t.Run("the member's timeline is oldest first, its users' among it and apart", func(t *testing.T) {
		s := open(t)
		m, u, c, _ := newMember("Acme", "acme.example", member.Full, t0)
		must(t, "create", s.CreateMember(bg, m, u, c, nil, idem.None))
		eng, cred := newUser(m.ID, "Eve", "eve@acme.example", t0.Add(time.Minute), auth.RoleEngineer)
		must(t, "add a user", s.CreateUser(bg, eng, cred, nil, idem.None))
		next := m
		next.Name, next.UpdatedAt, next.Version = "Acme Inc", t0.Add(2*time.Minute), 2
		must(t, "update the member", s.UpdateMember(bg, next, 1, nil))
		must(t, "revoke the user", s.RevokeUser(bg, eng, t0.Add(3*time.Minute)))

		all := flat(pages(t, "the timeline", 2, func(limit int, cursor string) ([]audit.Event, string, error) {
			return s.ListMemberEvents(bg, m.ID, "", limit, cursor)
		}))
		same(t, "the timeline's actions", eventActions(all), []string{"create", "add_user", "add_user", "update", "revoke_user"})
		for i := 1; i < len(all); i++ {
			if all[i].At.Before(all[i-1].At) {
				t.Fatalf("event %d (%v) is before event %d (%v)", i, all[i].At, i-1, all[i-1].At)
			}
		}
		mine := flat(pages(t, "the user's timeline", 1, func(limit int, cursor string) ([]audit.Event, string, error) {
			return s.ListMemberEvents(bg, m.ID, eng.ID, limit, cursor)
		}))
		same(t, "the user's actions", eventActions(mine), []string{"add_user", "revoke_user"})
		// A cursor is bound to its list: the member's does not page the user's.
		_, next1, err := s.ListMemberEvents(bg, m.ID, "", 1, "")
		must(t, "first page", err)
		_, _, err = s.ListMemberEvents(bg, m.ID, eng.ID, 1, next1)
		malformed(t, "the member's cursor on the user's timeline", err)
	})

	t.Run("members list by kind, and their kinds read in one go", func(t *testing.T) {
		s := open(t)
		full, fu, fc, _ := newMember("Full", "full.example", member.Full, t0)
		must(t, "create full", s.CreateMember(bg, full, fu, fc, nil, idem.None))
		lim, lu, lc, _ := newMember("Lim", "lim.example", member.Limited, t0)
		must(t, "create limited", s.CreateMember(bg, lim, lu, lc, nil, idem.None))
		got, err := s.ListMembersByKind(bg, member.Limited)
		must(t, "list limited", err)
		same(t, "limited members", ids(got, func(m member.Member) string { return m.ID }), []string{lim.ID})
		missing := ident.New(ident.Member, t0)
		kinds, err := s.MemberKinds(bg, []string{full.ID, lim.ID, missing, lim.ID})
		must(t, "kinds", err)
		same(t, "kinds", kinds, map[string]member.Kind{full.ID: member.Full, lim.ID: member.Limited})
	})
}

func contractPrograms(t *testing.T, open func(*testing.T) Store) {
	t.Run("a program reads back as written, by id and by slug", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		got, err := s.GetProgram(bg, w.prg.ID)
		must(t, "get", err)
		same(t, "program", got, w.prg)
		id, err := s.ProgramIDBySlug(bg, w.prg.Slug)
		if err != nil || id != w.prg.ID {
			t.Fatalf("by slug: got %q, %v", id, err)
		}
		hosted, err := s.ListHostPrograms(bg, w.host.ID)
		must(t, "host's programs", err)
		same(t, "host's programs", ids(hosted, func(p program.Program) string { return p.ID }), []string{w.prg.ID})
		none, err := s.ListHostPrograms(bg, w.partner.ID)
		if err != nil || len(none) != 0 {
			t.Fatalf("the partner hosts nothing: got %v, %v", none, err)
		}
	})

	t.Run("a taken slug is refused", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		p := newProgram(w.partner, w.prg.Slug, program.MemberPaid, t0)
		wantKind(t, "the same slug", s.CreateProgram(bg, p, idem.None), apperr.ErrConflict)
		_, err := s.GetProgram(bg, p.ID)
		wantKind(t, "the refused program", err, apperr.ErrNotFound)
	})

	t.Run("a program of no member is refused", func(t *testing.T) {
		s := open(t)
		ghost := member.Member{ID: ident.New(ident.Member, t0), Name: "Ghost"}
		p := newProgram(ghost, "ghosts", program.MemberPaid, t0)
		wantKind(t, "create", s.CreateProgram(bg, p, idem.None), apperr.ErrInvalid)
		_, err := s.ProgramIDBySlug(bg, "ghosts")
		wantKind(t, "its slug", err, apperr.ErrNotFound)
	})

	t.Run("what is missing is not found", func(t *testing.T) {
		s := open(t)
		_, err := s.GetProgram(bg, ident.New(ident.Program, t0))
		wantKind(t, "program", err, apperr.ErrNotFound)
		_, err = s.ProgramIDBySlug(bg, "nothing-here")
		wantKind(t, "slug", err, apperr.ErrNotFound)
	})

	t.Run("a program update at a stale version is a conflict", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		next := w.prg
		next.Name, next.UpdatedAt, next.Version = "Renamed", t0.Add(time.Minute), 2
		must(t, "update at 1", s.UpdateProgram(bg, next, 1))
		stale := w.prg
		stale.Name, stale.Version = "Lost", 2
		wantKind(t, "update at 1 again", s.UpdateProgram(bg, stale, 1), apperr.ErrConflict)
		got, err := s.GetProgram(bg, w.prg.ID)
		must(t, "get", err)
		same(t, "program", got, next)
		evs := flat(pages(t, "the program's timeline", 1, func(limit int, cursor string) ([]audit.Event, string, error) {
			return s.ListProgramEvents(bg, w.prg.ID, limit, cursor)
		}))
		same(t, "the program's timeline", eventActions(evs), []string{"create", "update"})
	})

	t.Run("a new addendum version is in the addendum sweep until every partner was asked", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		at := t0.Add(time.Hour)
		next := w.prg
		next.Addendum, next.UpdatedAt, next.Version = program.Addendum{Version: "2", Text: "New terms."}, at, 2
		must(t, "update", s.UpdateProgram(bg, next, 1))
		due, _, err := s.DueAddenda(bg, at.Add(-time.Second), 10)
		if err != nil || len(due) != 0 {
			t.Fatalf("due before the update: %v, %v", due, err)
		}
		due, _, err = s.DueAddenda(bg, at, 10)
		must(t, "due", err)
		same(t, "due at the update", dueIDs(due), []string{w.prg.ID})
		must(t, "asked for an older version", s.AddendumAsked(bg, w.prg.ID, "1"))
		due, _, _ = s.DueAddenda(bg, at, 10)
		same(t, "still due after asking for an older version", dueIDs(due), []string{w.prg.ID})
		must(t, "asked", s.AddendumAsked(bg, w.prg.ID, "2"))
		due, _, err = s.DueAddenda(bg, at.Add(time.Hour), 10)
		if err != nil || len(due) != 0 {
			t.Fatalf("due once asked: %v, %v", due, err)
		}
	})
}

func depIDs(ds []department.Department) []string {
	return ids(ds, func(d department.Department) string { return d.ID })
}

func contractDepartments(t *testing.T, open func(*testing.T) Store) {
	t.Run("a department reads back as written and lists under its member", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		got, err := s.GetDepartment(bg, w.hostDep.ID)
		must(t, "get", err)
		same(t, "department", got, w.hostDep)
		second := newDepartment(w.host, "Billing desk", "billing@hostA.example", false, t0.Add(time.Second))
		must(t, "a second", s.CreateDepartment(bg, second, nil, idem.None))
		list, err := s.ListMemberDepartments(bg, w.host.ID)
		must(t, "list", err)
		same(t, "the host's departments", sorted(depIDs(list)), sorted([]string{w.hostDep.ID, second.ID}))
	})

	t.Run("a department of no member is refused; a missing one is not found", func(t *testing.T) {
		s := open(t)
		ghost := member.Member{ID: ident.New(ident.Member, t0)}
		d := newDepartment(ghost, "Nowhere", "x@nowhere.example", false, t0)
		wantKind(t, "create", s.CreateDepartment(bg, d, nil, idem.None), apperr.ErrNotFound)
		_, err := s.GetDepartment(bg, d.ID)
		wantKind(t, "get", err, apperr.ErrNotFound)
	})

	t.Run("a second create of the same department is refused", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		wantKind(t, "again", s.CreateDepartment(bg, w.hostDep, nil, idem.None), apperr.ErrConflict)
	})

	t.Run("a department's confirmation requests are written with it", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		d := newDepartment(w.host, "New desk", "new@hostA.example", false, t0)
		ask := mail(d.Inbound.Email, d.ID, t0)
		must(t, "create", s.CreateDepartment(bg, d, []notify.Message{ask}, idem.None))
		got, _, err := s.ClaimOutbox(bg, ask.ID, t0, time.Minute)
		must(t, "the request", err)
		same(t, "the request", got, ask)
	})

	t.Run("a department update at a stale version is a conflict", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		next := w.hostDep
		next.Name, next.UpdatedAt, next.Version = "Support EMEA", t0.Add(time.Minute), 2
		must(t, "update at 1", s.UpdateDepartment(bg, next, w.hostDep, nil))
		stale := w.hostDep
		stale.Name, stale.Version = "Lost", 2
		wantKind(t, "update at 1 again", s.UpdateDepartment(bg, stale, w.hostDep, nil), apperr.ErrConflict)
		got, err := s.GetDepartment(bg, w.hostDep.ID)
		must(t, "get", err)
		same(t, "department", got, next)
		evs := flat(pages(t, "the department's timeline", 1, func(limit int, cursor string) ([]audit.Event, string, error) {
			return s.ListDepartmentEvents(bg, w.hostDep.ID, limit, cursor)
		}))
		same(t, "the department's timeline", eventActions(evs), []string{"create", "update"})
	})

	t.Run("departments are found at their inbound address, which follows a change", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		at, err := s.DepartmentsAt(bg, "Support@HostA.example")
		must(t, "at the address", err)
		same(t, "at the address", depIDs(at), []string{w.hostDep.ID})
		next := w.hostDep
		next.Inbound.Email, next.UpdatedAt, next.Version = "help@hostA.example", t0.Add(time.Minute), 2
		must(t, "move the address", s.UpdateDepartment(bg, next, w.hostDep, nil))
		at, err = s.DepartmentsAt(bg, "support@hosta.example")
		if err != nil || len(at) != 0 {
			t.Fatalf("the old address: got %v, %v", depIDs(at), err)
		}
		at, err = s.DepartmentsAt(bg, "help@hosta.example")
		must(t, "the new address", err)
		same(t, "the new address", depIDs(at), []string{w.hostDep.ID})
	})

	t.Run("a member's programs are those it hosts and those it is enrolled in", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		got, err := s.ProgramsOf(bg, w.host.ID)
		must(t, "host", err)
		same(t, "the host's programs", got, []string{w.prg.ID})
		got, err = s.ProgramsOf(bg, w.partner.ID)
		if err != nil || len(got) != 0 {
			t.Fatalf("the partner, not enrolled: got %v, %v", got, err)
		}
	})
}
