package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/merger"
	"github.com/tandemhq/tandem/shared/router"
)

// mergePage serves GET /operator/members/{id}/merge: name the member to
// merge into (?into= a domain or an id), see what would move, confirm; or,
// once begun, the merger's progress.
func (s *Server) mergePage(ctx context.Context, r *router.Request) (*router.Response, error) {
	if err := operatorOnly(r); err != nil {
		return nil, err
	}
	p, status, err := s.mergeData(ctx, r, r.Query.Get("into"))
	if err != nil {
		return nil, err
	}
	if r.Query.Get("done") == "1" && p.Merger != nil {
		if p.Merger.Running {
			p.Notice = "The merger began; what is left moves in the next runs."
		} else {
			p.Notice = p.From.Name + " was merged into " + p.Merger.IntoName + "."
		}
	}
	return router.Page(status, mergeView(p)), nil
}

// mergeData is the page for member {id} with into as typed; status is 422
// or 409 when into cannot be merged into (the page says why).
func (s *Server) mergeData(ctx context.Context, r *router.Request, into string) (mergePage, int, error) {
	from := r.Param("id")
	b, err := s.Members.Get(ctx, r.Principal, from)
	if err != nil {
		return mergePage{}, 0, err
	}
	p := mergePage{Nav: s.nav(r, "operator"), Into: into, Errors: map[string]string{},
		From: operatorMember{ID: b.ID, Name: b.Name, Domain: b.Domain, Kind: string(b.Kind), Status: b.Status()}}
	m, err := s.Mergers.Get(ctx, r.Principal, from)
	switch {
	case err == nil:
		p.Merger = s.mergeProgress(r, m)
		return p, http.StatusOK, nil
	case !errors.Is(err, apperr.ErrNotFound):
		return p, 0, err
	case into == "":
		return p, http.StatusOK, nil
	}
	pv, err := s.mergePreview(ctx, r, from, into)
	if f, ok := refused(err); ok {
		p.Problem, p.Errors = f.Message, f.Fields
		if p.Errors["into"] != "" {
			p.Problem = "Please check the member to merge into."
		}
		return p, f.Status, nil
	}
	if err != nil {
		return p, 0, err
	}
	p.Preview = pv
	return p, http.StatusOK, nil
}

func (s *Server) mergePreview(ctx context.Context, r *router.Request, from, into string) (*mergePreview, error) {
	id, err := s.Mergers.Resolve(ctx, into)
	if err != nil {
		return nil, err
	}
	pv, err := s.Mergers.Preview(ctx, r.Principal, from, id)
	if err != nil {
		return nil, err
	}
	out := &mergePreview{IntoID: pv.Into.ID, IntoName: pv.Into.Name, IntoDomain: pv.Into.Domain, Users: pv.Users, Departments: pv.Departments}
	names := s.programNames(r.Principal)
	for _, x := range pv.Programs {
		row := mergeProgramRow{ProgramID: x.ProgramID, Program: names(ctx, x.ProgramID), Status: string(x.Status)}
		switch x.Place {
		case merger.TakePlace:
			row.Outcome = pv.Into.Name + " takes " + pv.From.Name + "'s place; the host is asked to keep it or remove it"
		case merger.PlaceTaken:
			row.Outcome = pv.Into.Name + " has its own place or hosts the program: " + pv.From.Name + "'s ends (removed), the host is told"
		default:
			row.Outcome = "moves to " + pv.Into.Name + " as it is (it holds no place)"
		}
		out.Programs = append(out.Programs, row)
	}
	return out, nil
}

func (s *Server) mergeProgress(r *router.Request, m merger.Merger) *mergeProgress {
	loc, _, _ := viewerZone(r)
	g := &mergeProgress{IntoID: m.Into, IntoName: m.IntoName, StartedBy: m.Actor, Started: m.StartedAt.In(loc).Format(timeLayout),
		Running: m.Status == merger.Running}
	if !m.FinishedAt.IsZero() {
		g.Finished = m.FinishedAt.In(loc).Format(timeLayout)
	}
	c := m.Moved
	for _, x := range []struct {
		label string
		n     int
	}{{"Users", c.Users}, {"Users already there (folded)", c.UsersFolded}, {"Departments", c.Departments}, {"Enrollments", c.Enrollments},
		{"Cases", c.Cases}, {"Invoices", c.Invoices}, {"Validated configurations", c.Configurations}, {"Hosts told", c.HostsTold}} {
		g.Counts = append(g.Counts, option{Label: x.label, Value: strconv.Itoa(x.n)})
	}
	return g
}

// mergeForm serves POST /operator/members/{id}/merge: begin the merger
// (or go on with it) and show its progress.
func (s *Server) mergeForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	if err := operatorOnly(r); err != nil {
		return nil, err
	}
	v, err := r.Form()
	if err != nil {
		return nil, err
	}
	from := r.Param("id")
	if _, _, err := s.Mergers.Start(ctx, r.Principal, from, merger.Request{Into: v.Get("into")}); err != nil {
		f, ok := refused(err)
		if !ok {
			return nil, err
		}
		p, _, perr := s.mergeData(ctx, r, "")
		if perr != nil {
			return nil, perr
		}
		p.Problem = fmt.Sprintf("Not merged: %s.", f.Message)
		for k, why := range f.Fields {
			p.Errors[k] = why
		}
		return router.Page(f.Status, mergeView(p)), nil
	}
	return router.Redirect("/operator/members/" + from + "/merge?done=1"), nil
}

// mergePage is an operator merging one member into another: the target
// to name, then what would move (to confirm), then the merger's progress.
type mergePage struct {
	Nav  nav
	From operatorMember
	// Into is the target as typed (a domain or a member id).
	Into            string
	Errors          map[string]string
	Notice, Problem string
	// Preview asks the operator to confirm; Merger is the merger begun.
	Preview *mergePreview
	Merger  *mergeProgress
}

// mergePreview is what a merger would move.
type mergePreview struct {
	IntoID, IntoName, IntoDomain string
	Users, Departments           int
	Programs                     []mergeProgramRow
}

// mergeProgramRow is one of the merged member's enrollments and what
// becomes of it.
type mergeProgramRow struct{ ProgramID, Program, Status, Outcome string }

// mergeProgress is a merger under way or done.
type mergeProgress struct {
	IntoID, IntoName, StartedBy, Started, Finished string
	Running                                        bool
	// Counts are what moved, by kind (label: the kind, value: how many).
	Counts []option
}
