package collab_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
)

func act(a collab.Action) collab.Act {
	switch a {
	case collab.Accept:
		return collab.Act{Action: a, Engineer: &member.Contact{Name: "Hanna", Email: "hanna@host.example"}, ReceiverCaseNumber: "H-1"}
	case collab.RequestInfo:
		return collab.Act{Action: a, Text: "Which version?"}
	case collab.Note:
		return collab.Act{Action: a, Text: "More logs attached."}
	case collab.Reject:
		return collab.Act{Action: a, Text: "Not our product."}
	}
	return collab.Act{Action: a, Text: "Fixed in 9.3."}
}

// collab.Do over every side × action × state of a partner program's case:
// the status it leads to, or the refusal (403: the submitter cannot take
// the receiver's steps; 409: the state does not allow it, and nothing is
// allowed once the case is rejected or closed). A step that is taken is
// written at the next version, restarts the idle clock, stops the response
// clock when it is the receiver's first response, and mails the other
// side: the department's inbound address for the submitter's steps, the
// submitter for the receiver's.
func TestDoEverySideActionState(t *testing.T) {
	var (
		O  = collab.Open
		A  = collab.Accepted
		IR = collab.InformationRequested
		R  = collab.Rejected
		C  = collab.Closed
	)
	forbidden, conflict := apperr.ErrForbidden, apperr.ErrConflict
	type key struct {
		side collab.Side
		s    collab.Status
		a    collab.Action
	}
	// want is the status after the step, or the kind of its refusal.
	want := map[key]any{}
	for _, s := range []collab.Status{R, C} {
		for _, side := range []collab.Side{collab.Receiver, collab.Submitter} {
			for _, a := range collab.ActionOrder {
				want[key{side, s, a}] = conflict
			}
		}
	}
	for k, v := range map[key]any{
		{collab.Receiver, O, collab.Accept}: A, {collab.Receiver, O, collab.RequestInfo}: IR, {collab.Receiver, O, collab.Note}: O,
		{collab.Receiver, O, collab.Reject}: R, {collab.Receiver, O, collab.Close}: forbidden,
		{collab.Receiver, A, collab.Accept}: conflict, {collab.Receiver, A, collab.RequestInfo}: IR, {collab.Receiver, A, collab.Note}: A,
		{collab.Receiver, A, collab.Reject}: conflict, {collab.Receiver, A, collab.Close}: forbidden,
		{collab.Receiver, IR, collab.Accept}: A, {collab.Receiver, IR, collab.RequestInfo}: conflict, {collab.Receiver, IR, collab.Note}: IR,
		{collab.Receiver, IR, collab.Reject}: R, {collab.Receiver, IR, collab.Close}: forbidden,
		{collab.Submitter, O, collab.Accept}: forbidden, {collab.Submitter, O, collab.RequestInfo}: forbidden, {collab.Submitter, O, collab.Note}: O,
		{collab.Submitter, O, collab.Reject}: forbidden, {collab.Submitter, O, collab.Close}: C,
		{collab.Submitter, A, collab.Accept}: forbidden, {collab.Submitter, A, collab.RequestInfo}: forbidden, {collab.Submitter, A, collab.Note}: A,
		{collab.Submitter, A, collab.Reject}: forbidden, {collab.Submitter, A, collab.Close}: C,
		// The submitter's answer to a question returns the case to the receiver.
		{collab.Submitter, IR, collab.Accept}: forbidden, {collab.Submitter, IR, collab.RequestInfo}: forbidden, {collab.Submitter, IR, collab.Note}: O,
		{collab.Submitter, IR, collab.Reject}: forbidden, {collab.Submitter, IR, collab.Close}: C,
	} {
		want[k] = v
	}
	now := mon(8, 0)
	for _, side := range []collab.Side{collab.Receiver, collab.Submitter} {
		for _, s := range collab.Statuses {
			for _, a := range collab.ActionOrder {
				k := key{side, s, a}
				t.Run(fmt.Sprintf("%s %s %s", side, a, s), func(t *testing.T) {
					w := newWorld(t, nil)
					c := w.newCase(t, mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0), func(c *collab.Case) {
						c.Status = s
						if s != collab.Open {
							c.RespondedAt = mon(7, 30) // answered before
						}
					})
					p, other := w.partEng.Principal(), inbound
					if side == collab.Receiver {
						p, other = w.hostEng.Principal(), submitter
					}
					got, err := w.service(now).Do(bg, p, c.ID, act(a), idem.None)
					stored, _ := w.st.GetCase(bg, c.ID)
					what, _ := mailed(t, w.st)
					if kind, refused := want[k].(error); refused {
						if !errors.Is(err, kind) {
							t.Fatalf("got %v (%v), want %v", apperr.KindOf(err), err, kind)
						}
						if stored.Version != 1 || stored.Status != s || len(what) != 0 {
							t.Errorf("a refused step changed the case (v%d, %s) or mailed %s", stored.Version, stored.Status, keysOf(what))
						}
						return
					}
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					to := want[k].(collab.Status)
					if got.Status != to || stored.Status != to || stored.Version != 2 || !stored.LastActivityAt.Equal(now) {
						t.Errorf("got %s, stored %s v%d active %s; want %s v2 active now", got.Status, stored.Status, stored.Version, stored.LastActivityAt, to)
					}
					firstResponse := side == collab.Receiver && s == collab.Open && (a == collab.Accept || a == collab.RequestInfo || a == collab.Reject)
					switch {
					case firstResponse && !stored.RespondedAt.Equal(now):
						t.Errorf("the receiver's first response did not stop the clock: responded %s", stored.RespondedAt)
					case !firstResponse && s == collab.Open && !stored.RespondedAt.IsZero():
						t.Errorf("the clock stopped at a %s by the %s", a, side)
					case s != collab.Open && !stored.RespondedAt.Equal(mon(7, 30)):
						t.Errorf("the first response moved to %s", stored.RespondedAt)
					}
					if wantMail := map[string]string{other: "case_update"}; !reflect.DeepEqual(what, wantMail) {
						t.Errorf("mailed %s, want %s", keysOf(what), keysOf(wantMail))
					}
				})
			}
		}
	}
}

// Do's other refusals, and who may act: a member outside the case does
// not see it; a user without the engineer or admin role may not act; an
// accept names the engineer, a note has text; a stated version must be the
// case's; a solution support program has no reject. Operators act as the
// receiver, and an admin without the engineer role may act too.
func TestDoWho(t *testing.T) {
	now := mon(8, 0)
	for _, tc := range []struct {
		name  string
		p     func(w world) auth.Principal
		act   collab.Act
		edit  func(*collab.Case)
		kind  error
		field string
	}{
		{"a member outside the case", func(w world) auth.Principal {
			return auth.Principal{MemberID: "mem_01J0000000000000000000THRD", UserID: "usr_x", Roles: []string{auth.RoleEngineer}}
		}, act(collab.Note), nil, apperr.ErrNotFound, ""},
		{"a user without the engineer or admin role", func(w world) auth.Principal { return w.hostPeer.Principal() }, act(collab.Note), nil, apperr.ErrForbidden, ""},
		{"an accept without the engineer", func(w world) auth.Principal { return w.hostEng.Principal() }, collab.Act{Action: collab.Accept}, nil, apperr.ErrInvalid, "engineer"},
		{"a note without text", func(w world) auth.Principal { return w.partEng.Principal() }, collab.Act{Action: collab.Note, Text: "  "}, nil, apperr.ErrInvalid, "text"},
		{"a question without text", func(w world) auth.Principal { return w.hostEng.Principal() }, collab.Act{Action: collab.RequestInfo}, nil, apperr.ErrInvalid, "question"},
		{"a reject without a reason", func(w world) auth.Principal { return w.hostEng.Principal() }, collab.Act{Action: collab.Reject}, nil, apperr.ErrInvalid, "reason"},
		{"a close without a resolution", func(w world) auth.Principal { return w.partEng.Principal() }, collab.Act{Action: collab.Close}, nil, apperr.ErrInvalid, "resolution"},
		{"a stale version", func(w world) auth.Principal { return w.partEng.Principal() }, func() collab.Act {
			a, v := act(collab.Note), 7
			a.Version = &v
			return a
		}(), nil, apperr.ErrConflict, ""},
		{"a reject in a solution support program", func(w world) auth.Principal { return w.hostEng.Principal() }, act(collab.Reject),
			func(c *collab.Case) { c.ProgramType = program.SolutionSupport }, apperr.ErrConflict, ""},
		{"an operator accepts as the receiver", func(w world) auth.Principal { return auth.Principal{Operator: true, UserID: "ops"} }, act(collab.Accept), nil, nil, ""},
		{"an admin without the engineer role closes", func(w world) auth.Principal {
			return auth.Principal{MemberID: w.partner.ID, UserID: "usr_01J00000000000000000000ADM", Roles: []string{auth.RoleAdmin}}
		}, act(collab.Close), nil, nil, ""},
		{"the current version stated", func(w world) auth.Principal { return w.hostEng.Principal() }, func() collab.Act {
			a, v := act(collab.Accept), 1
			a.Version = &v
			return a
		}(), nil, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, nil)
			c := w.newCase(t, mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0), tc.edit)
			_, err := w.service(now).Do(bg, tc.p(w), c.ID, tc.act, idem.None)
			if tc.kind == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("got %v (%v), want %v", apperr.KindOf(err), err, tc.kind)
			}
			var ae *apperr.Error
			if tc.field != "" && (!errors.As(err, &ae) || ae.Fields[tc.field] == "") {
				t.Errorf("got %v, want it to name %s", err, tc.field)
			}
			if stored, _ := w.st.GetCase(bg, c.ID); stored.Version != 1 {
				t.Errorf("a refused step was written (version %d)", stored.Version)
			}
		})
	}
}
