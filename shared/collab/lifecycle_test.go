package collab_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

// raceStore is the in-memory store holding the intake fixture and one
// case, letting other writers in between a step's read and its write: each
// entry of race changes the case and writes it at the next version (a
// conditional write on the version it read, through the store, as a
// concurrent request would) just before the next write of the code under
// test lands. writes counts the latter.
type raceStore struct {
	*memstore.Store
	id     string
	race   []func(*collab.Case)
	writes int
}

// newRaceStore writes the intake fixture and c into a fresh store.
func newRaceStore(t *testing.T, c collab.Case, race ...func(*collab.Case)) *raceStore {
	t.Helper()
	st := fixture().store(t)
	ev := collab.Event{ID: ident.New(ident.Event, c.CreatedAt), At: c.CreatedAt, Actor: "Eng <eng@partner.example>", MemberID: c.SubmitterMemberID,
		Side: collab.Submitter, Action: "open", To: collab.Open}
	if err := st.CreateCase(context.Background(), c, ev, nil, idem.None); err != nil {
		t.Fatal(err)
	}
	return &raceStore{Store: st, id: c.ID, race: race}
}

func (r *raceStore) interleave(ctx context.Context) error {
	r.writes++
	if len(r.race) == 0 {
		return nil
	}
	cur, err := r.Store.GetCase(ctx, r.id)
	if err != nil {
		return err
	}
	next := cur
	r.race[0](&next)
	next.Version++
	r.race = r.race[1:]
	ev := collab.Event{ID: ident.New(ident.Event, friday5pm), At: friday5pm, Actor: "another writer", Action: collab.Note, From: cur.Status, To: next.Status}
	return r.Store.ApplyCase(ctx, cur, next, ev, nil, idem.None)
}

func (r *raceStore) ApplyCase(ctx context.Context, before, after collab.Case, ev collab.Event, msgs []notify.Message, claim idem.Claim) error {
	if err := r.interleave(ctx); err != nil {
		return err
	}
	return r.Store.ApplyCase(ctx, before, after, ev, msgs, claim)
}

func (r *raceStore) AppendCaseNote(ctx context.Context, before, after collab.Case, ev collab.Event, msgs []notify.Message, claim idem.Claim) error {
	if err := r.interleave(ctx); err != nil {
		return err
	}
	return r.Store.AppendCaseNote(ctx, before, after, ev, msgs, claim)
}

// now is the case as stored.
func (r *raceStore) now(t *testing.T) collab.Case {
	t.Helper()
	c, err := r.Store.GetCase(context.Background(), r.id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// notes are the texts of the notes in the case's timeline.
func (r *raceStore) notes(t *testing.T, text string) []string {
	t.Helper()
	evs, _, err := r.Store.ListCaseEvents(context.Background(), r.id, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		if ev.Action == collab.Note && ev.Text == text {
			out = append(out, ev.Text)
		}
	}
	return out
}

// mailCounted is how many steps of member memberID counted against its
// mail today (one more count reads it).
func (r *raceStore) mailCounted(t *testing.T, memberID string) int {
	t.Helper()
	n, _, err := r.Store.CountInWindow(context.Background(), "casemail#"+memberID, 24*time.Hour, friday5pm)
	if err != nil {
		t.Fatal(err)
	}
	return n - 1
}

// raceService is the case service over st at friday5pm.
func raceService(st *raceStore) *collab.Service {
	return collab.NewService(st, collab.Service{Now: func() time.Time { return friday5pm },
		MailLinks: collab.MailLinks{Keys: keyring.Fixed("t", []byte("test-key-0123456789abcdef0123456789"))}})
}

var receiverEngineer = auth.Principal{MemberID: hostID, UserID: "usr_01J0000000000000000000RCVR", Roles: []string{auth.RoleEngineer}}

func raceCase(status collab.Status) collab.Case {
	due := friday5pm.Add(-time.Hour)
	return collab.Case{
		ID: ident.New(ident.Case, friday5pm.Add(-4*time.Hour)), ProgramID: prgID, ProgramType: program.PartnerProgram,
		SubmitterMemberID: partnerID, SubmitterEmail: "eng@partner.example", ReceiverMemberID: hostID, DepartmentID: depID,
		Priority: program.Critical, Status: status, SLA: 2 * time.Hour, ResponseDueAt: due, Level2DueAt: due.Add(2 * time.Hour),
		Reminded: true, CreatedAt: friday5pm.Add(-4 * time.Hour), Version: 1,
	}
}

// Without a stated version, a step that loses the write race is checked
// again against the case as it is now and written again; with one, or when
// the case no longer allows it, it is refused.
func TestStepsRaceOtherWriters(t *testing.T) {
	note := func(c *collab.Case) {}
	accepted := func(c *collab.Case) { c.Status = collab.Accepted }
	one := 1
	for _, tc := range []struct {
		name       string
		status     collab.Status
		p          auth.Principal
		act        collab.Act
		race       []func(*collab.Case)
		wantErr    error
		wantStatus collab.Status
		wantWrites int
	}{
		{"an accept that lost to a note is written on a fresh read", collab.Open, receiverEngineer,
			collab.Act{Action: collab.Accept, Engineer: &member.Contact{Name: "Ann", Email: "ann@host.example"}}, []func(*collab.Case){note}, nil, collab.Accepted, 2},
		{"a close that lost to two notes", collab.Accepted, engineer, collab.Act{Action: collab.Close, Text: "fixed"}, []func(*collab.Case){note, note}, nil, collab.Closed, 3},
		{"a note beside another writes once, without a retry", collab.Open, engineer, collab.Act{Action: collab.Note, Text: "hello"}, []func(*collab.Case){note}, nil, collab.Open, 1},
		{"a submitter's answer that lost to an accept still applies, and leaves the case accepted", collab.InformationRequested, engineer,
			collab.Act{Action: collab.Note, Text: "the logs"}, []func(*collab.Case){accepted}, nil, collab.Accepted, 2},
		{"a stated version is not retried", collab.Open, engineer, collab.Act{Action: collab.Note, Text: "as I saw it", Version: &one}, []func(*collab.Case){note}, apperr.ErrConflict, collab.Open, 1},
		{"a reject that lost to an accept is refused by the case as it is now", collab.Open, receiverEngineer,
			collab.Act{Action: collab.Reject, Text: "not ours"}, []func(*collab.Case){accepted}, apperr.ErrConflict, collab.Accepted, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newRaceStore(t, raceCase(tc.status), tc.race...)
			svc := raceService(st)
			_, err := svc.Do(context.Background(), tc.p, st.id, tc.act, idem.None)
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
			if c := st.now(t); c.Status != tc.wantStatus || st.writes != tc.wantWrites {
				t.Errorf("case %s after %d writes, want %s after %d", c.Status, st.writes, tc.wantStatus, tc.wantWrites)
			}
			if notes := st.notes(t, tc.act.Text); tc.act.Action == collab.Note && tc.wantErr == nil && len(notes) != 1 {
				t.Errorf("notes written: %v, want the one", notes)
			}
			if counted := st.mailCounted(t, tc.p.MemberID); counted != 1 {
				t.Errorf("the step counted %d times against its member's daily mail, want once", counted)
			}
		})
	}
}

// A caller that gives up while its step keeps losing races hears 503, never
// a 409 it did not cause.
func TestStepLosingRacesUntilItsCallerGivesUp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	st := newRaceStore(t, raceCase(collab.Open), func(*collab.Case) { cancel() })
	svc := raceService(st)
	_, err := svc.Do(ctx, receiverEngineer, st.id, collab.Act{Action: collab.Accept, Engineer: &member.Contact{Name: "Ann", Email: "ann@host.example"}}, idem.None)
	if !errors.Is(apperr.KindOf(err), apperr.ErrUnavailable) {
		t.Fatalf("got %v, want unavailable", err)
	}
}

// A note written between an escalation run's read and its write does not
// put the escalation off to the next run: the run reads the case again, and
// it is still due.
func TestEscalationRacingANote(t *testing.T) {
	st := newRaceStore(t, raceCase(collab.Open), func(c *collab.Case) { c.LastActivityAt = friday5pm })
	svc := raceService(st)
	raised, err := svc.Escalate(context.Background(), st.id, friday5pm)
	if err != nil {
		t.Fatal(err)
	}
	if level := st.now(t).EscalationLevel; len(raised) != 1 || raised[0] != 1 || level != 1 {
		t.Fatalf("raised %v, level %d; want level 1 in this run", raised, level)
	}
	// A response racing the run, though, stops the clock: nothing is raised.
	st = newRaceStore(t, raceCase(collab.Open), func(c *collab.Case) { c.Status, c.RespondedAt = collab.Accepted, friday5pm })
	svc = raceService(st)
	if raised, err := svc.Escalate(context.Background(), st.id, friday5pm); err != nil || len(raised) != 0 {
		t.Fatalf("after a racing response: raised %v, %v; want nothing", raised, err)
	}
}

// Housekeeping racing an escalation warns in the same run; racing a note,
// it finds the case no longer idle.
func TestHousekeepingRacingOtherWriters(t *testing.T) {
	idle := func() collab.Case {
		c := raceCase(collab.Accepted)
		c.LastActivityAt = friday5pm.Add(-24 * 24 * time.Hour) // warned after 23 days
		return c
	}
	st := newRaceStore(t, idle(), func(c *collab.Case) { c.EscalationLevel = 1 })
	svc := raceService(st)
	if got, err := svc.Housekeep(context.Background(), st.id, friday5pm); err != nil || got != collab.HousekeepWarned || !st.now(t).IdleWarned {
		t.Fatalf("racing an escalation: %q, %v, warned %v; want warned in this run", got, err, st.now(t).IdleWarned)
	}
	st = newRaceStore(t, idle(), func(c *collab.Case) { c.LastActivityAt = friday5pm })
	svc = raceService(st)
	if got, err := svc.Housekeep(context.Background(), st.id, friday5pm); err != nil || got != "" || st.now(t).IdleWarned {
		t.Fatalf("racing a note: %q, %v, warned %v; want nothing", got, err, st.now(t).IdleWarned)
	}
}
