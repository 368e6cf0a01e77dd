package collab

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// raceStore is the table as a step and the scheduled runs see it
// (Stepper, Escalations): it holds one case and lets other writers in
// between a step's read and its write: each entry of race changes the
// case (and counts as a version) just before the next write lands, as a
// concurrent request would. Departments, users and programs come from the
// intake fixture.
type raceStore struct {
	*fakeStore
	c      Case
	race   []func(*Case)
	writes int
	notes  []string
}

func (r *raceStore) GetCase(_ context.Context, id string) (Case, error) {
	if id != r.c.ID {
		return Case{}, apperr.NotFound("case %s not found", id)
	}
	return r.c, nil
}

func (r *raceStore) interleave() {
	r.writes++
	if len(r.race) > 0 {
		r.race[0](&r.c)
		r.c.Version++
		r.race = r.race[1:]
	}
}

func (r *raceStore) ApplyCase(_ context.Context, before, after Case, _ Event, _ []notify.Message, _ idem.Claim) error {
	r.interleave()
	if r.c.Version != before.Version {
		return fmt.Errorf("%w: case is at %d, not %d", ErrStale, r.c.Version, before.Version)
	}
	r.c = after
	return nil
}

func (r *raceStore) AppendCaseNote(_ context.Context, before, after Case, ev Event, _ []notify.Message, _ idem.Claim) error {
	r.interleave()
	if r.c.Status != before.Status {
		return fmt.Errorf("%w: case is %s, not %s", ErrStale, r.c.Status, before.Status)
	}
	r.c.Status, r.c.LastActivityAt, r.c.Version = after.Status, after.LastActivityAt, r.c.Version+1
	r.notes = append(r.notes, ev.Text)
	return nil
}

var receiverEngineer = auth.Principal{MemberID: hostID, UserID: "usr_01J0000000000000000000RCVR", Roles: []string{auth.RoleEngineer}}

func raceCase(status Status) Case {
	due := friday5pm.Add(-time.Hour)
	return Case{
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
	note := func(c *Case) {}
	accepted := func(c *Case) { c.Status = Accepted }
	one := 1
	for _, tc := range []struct {
		name       string
		status     Status
		p          auth.Principal
		act        Act
		race       []func(*Case)
		wantErr    error
		wantStatus Status
		wantWrites int
	}{
		{"an accept that lost to a note is written on a fresh read", Open, receiverEngineer,
			Act{Action: Accept, Engineer: &member.Contact{Name: "Ann", Email: "ann@host.example"}}, []func(*Case){note}, nil, Accepted, 2},
		{"a close that lost to two notes", Accepted, engineer, Act{Action: Close, Text: "fixed"}, []func(*Case){note, note}, nil, Closed, 3},
		{"a note beside another writes once, without a retry", Open, engineer, Act{Action: Note, Text: "hello"}, []func(*Case){note}, nil, Open, 1},
		{"a submitter's answer that lost to an accept still applies, and leaves the case accepted", InformationRequested, engineer,
			Act{Action: Note, Text: "the logs"}, []func(*Case){accepted}, nil, Accepted, 2},
		{"a stated version is not retried", Open, engineer, Act{Action: Note, Text: "as I saw it", Version: &one}, []func(*Case){note}, apperr.ErrConflict, Open, 1},
		{"a reject that lost to an accept is refused by the case as it is now", Open, receiverEngineer,
			Act{Action: Reject, Text: "not ours"}, []func(*Case){accepted}, apperr.ErrConflict, Accepted, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &raceStore{fakeStore: fixture(), c: raceCase(tc.status), race: tc.race}
			svc := &Service{store: st, Now: func() time.Time { return friday5pm }}
			_, err := svc.Do(context.Background(), tc.p, st.c.ID, tc.act, idem.None)
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
			if st.c.Status != tc.wantStatus || st.writes != tc.wantWrites {
				t.Errorf("case %s after %d writes, want %s after %d", st.c.Status, st.writes, tc.wantStatus, tc.wantWrites)
			}
			if tc.act.Action == Note && tc.wantErr == nil && len(st.notes) != 1 {
				t.Errorf("notes written: %v, want the one", st.notes)
			}
			if counted := st.hits["casemail#"+tc.p.MemberID]; counted != 1 {
				t.Errorf("the step counted %d times against its member's daily mail, want once", counted)
			}
		})
	}
}

// A caller that gives up while its step keeps losing races hears 503, never
// a 409 it did not cause.
func TestStepLosingRacesUntilItsCallerGivesUp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	st := &raceStore{fakeStore: fixture(), c: raceCase(Open)}
	st.race = []func(*Case){func(*Case) { cancel() }}
	svc := &Service{store: st, Now: func() time.Time { return friday5pm }}
	_, err := svc.Do(ctx, receiverEngineer, st.c.ID, Act{Action: Accept, Engineer: &member.Contact{Name: "Ann", Email: "ann@host.example"}}, idem.None)
	if !errors.Is(apperr.KindOf(err), apperr.ErrUnavailable) {
		t.Fatalf("got %v, want unavailable", err)
	}
}

// A note written between an escalation run's read and its write does not
// put the escalation off to the next run: the run reads the case again, and
// it is still due.
func TestEscalationRacingANote(t *testing.T) {
	st := &raceStore{fakeStore: fixture(), c: raceCase(Open), race: []func(*Case){func(c *Case) { c.LastActivityAt = friday5pm }}}
	svc := &Service{store: st, Now: func() time.Time { return friday5pm }}
	raised, err := svc.Escalate(context.Background(), st.c.ID, friday5pm)
	if err != nil {
		t.Fatal(err)
	}
	if len(raised) != 1 || raised[0] != 1 || st.c.EscalationLevel != 1 {
		t.Fatalf("raised %v, level %d; want level 1 in this run", raised, st.c.EscalationLevel)
	}
	// A response racing the run, though, stops the clock: nothing is raised.
	st = &raceStore{fakeStore: fixture(), c: raceCase(Open), race: []func(*Case){func(c *Case) { c.Status, c.RespondedAt = Accepted, friday5pm }}}
	svc.store = st
	if raised, err := svc.Escalate(context.Background(), st.c.ID, friday5pm); err != nil || len(raised) != 0 {
		t.Fatalf("after a racing response: raised %v, %v; want nothing", raised, err)
	}
}

// Housekeeping racing an escalation warns in the same run; racing a note,
// it finds the case no longer idle.
func TestHousekeepingRacingOtherWriters(t *testing.T) {
	idle := func() Case {
		c := raceCase(Accepted)
		c.LastActivityAt = friday5pm.Add(-24 * 24 * time.Hour) // warned after 23 days
		return c
	}
	st := &raceStore{fakeStore: fixture(), c: idle(), race: []func(*Case){func(c *Case) { c.EscalationLevel = 1 }}}
	svc := &Service{store: st, Now: func() time.Time { return friday5pm }}
	if got, err := svc.Housekeep(context.Background(), st.c.ID, friday5pm); err != nil || got != HousekeepWarned || !st.c.IdleWarned {
		t.Fatalf("racing an escalation: %q, %v, warned %v; want warned in this run", got, err, st.c.IdleWarned)
	}
	st = &raceStore{fakeStore: fixture(), c: idle(), race: []func(*Case){func(c *Case) { c.LastActivityAt = friday5pm }}}
	svc.store = st
	if got, err := svc.Housekeep(context.Background(), st.c.ID, friday5pm); err != nil || got != "" || st.c.IdleWarned {
		t.Fatalf("racing a note: %q, %v, warned %v; want nothing", got, err, st.c.IdleWarned)
	}
}
