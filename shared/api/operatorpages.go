package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/web"
)

// operatorOnly refuses anyone but a platform operator.
func operatorOnly(r *router.Request) error {
	if !r.Principal.Operator {
		return apperr.Forbidden("this is for Tandem's operators")
	}
	return nil
}

// resendDeadLetter serves POST /v1/dead-letters/{id}/resend (operators):
// the message goes again as a new one; a second resend is a 409.
func (s *Server) resendDeadLetter(ctx context.Context, r *router.Request) (*router.Response, error) {
	if err := operatorOnly(r); err != nil {
		return nil, err
	}
	var in struct{}
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	newID, err := s.resend(ctx, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, map[string]string{"id": r.Param("id"), "resentAs": newID}), nil
}

func (s *Server) resend(ctx context.Context, id string) (string, error) {
	if !ident.Valid(ident.Outbox, id) {
		return "", apperr.NotFound("dead letter %s not found", id)
	}
	now := s.Now()
	return s.DeadLetters.ResendDeadLetter(ctx, id, ident.New(ident.Outbox, now), now)
}

// resendDeadLetterForm serves POST /operator/dead-letters/{id}/resend.
func (s *Server) resendDeadLetterForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	if err := operatorOnly(r); err != nil {
		return nil, err
	}
	if _, err := s.resend(ctx, r.Param("id")); err != nil {
		if status, _ := router.Status(err); status != http.StatusConflict {
			return nil, err
		}
		msg, _, _ := apperr.Public(err)
		o, perr := s.operatorData(ctx, r)
		if perr != nil {
			return nil, perr
		}
		o.Problem = "Not resent: " + msg + "."
		return router.Page(http.StatusConflict, web.OperatorView(o)), nil
	}
	return router.Redirect("/operator?done=resent"), nil
}

// operatorPage serves GET /operator: search, sign-ups waiting anywhere,
// stale cases and dead letters.
func (s *Server) operatorPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	if err := operatorOnly(r); err != nil {
		return nil, err
	}
	o, err := s.operatorData(ctx, r)
	if err != nil {
		return nil, err
	}
	if r.Query.Get("done") == "resent" {
		o.Notice = "Sent again as a new message; it leaves the dead letters."
	}
	return router.Page(http.StatusOK, web.OperatorView(o)), nil
}

// operatorLists bounds what each list of the operator's page shows.
const operatorLists = 25

func (s *Server) operatorData(ctx context.Context, r *router.Request) (web.OperatorPage, error) {
	loc, _, _ := viewerZone(r)
	now := s.Now()
	o := web.OperatorPage{Nav: s.nav(ctx, r, "operator"), Query: strings.TrimSpace(r.Query.Get("q"))}
	if o.Query != "" {
		o.Searched = true
		ms, err := s.Members.Search(ctx, r.Principal, o.Query)
		if err != nil {
			return o, err
		}
		for i, m := range ms {
			if i == operatorLists {
				break
			}
			om := web.OperatorMember{ID: m.ID, Name: m.Name, Domain: m.Domain, Kind: string(m.Kind), Status: m.Status()}
			ps, err := s.Programs.ListForHost(ctx, r.Principal, m.ID)
			if err != nil {
				return o, err
			}
			for _, p := range ps {
				om.Programs = append(om.Programs, web.Option{Value: p.ID, Label: p.Name})
			}
			o.Members = append(o.Members, om)
		}
	}
	waiting, more, err := s.Watch.WaitingSignups(ctx, now, operatorLists)
	if err != nil {
		return o, err
	}
	o.MoreWaiting = more
	names := s.programNames()
	for _, e := range waiting {
		o.Waiting = append(o.Waiting, web.WaitingRow{
			ID: e.ID, ProgramID: e.ProgramID, Program: names(ctx, e.ProgramID), Company: e.Company.Name, Email: e.Email,
			Status: string(e.Status), Since: e.CreatedAt.In(loc).Format(timeLayout),
		})
	}
	stale, more, err := s.Watch.StaleCases(ctx, now, operatorLists)
	if err != nil {
		return o, err
	}
	o.MoreStale = more
	for _, c := range stale {
		o.Stale = append(o.Stale, web.StaleRow{
			ID: c.ID, Summary: c.Summary, From: c.SubmitterName, To: c.ReceiverName + ", " + c.DepartmentName, Program: c.ProgramName,
			Priority: string(c.Priority), Due: c.ResponseDueAt.In(loc).Format(timeLayout), Late: late(now.Sub(c.ResponseDueAt)), Level: c.EscalationLevel,
		})
	}
	dead, next, err := s.DeadLetters.ListDeadLetters(ctx, operatorLists, r.Query.Get("deadCursor"))
	if err != nil {
		return o, err
	}
	o.DeadCursor = next
	for _, d := range dead {
		o.Dead = append(o.Dead, web.DeadRow{
			ID: d.ID, Channel: string(d.Channel), Template: d.Template, To: strings.Join(d.To, ", "), Reason: d.Reason,
			At: d.DeadAt.In(loc).Format(timeLayout), Attempts: d.Attempts,
		})
	}
	return o, nil
}

// late is how overdue something is, as a person says it.
func late(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + " days"
	case d >= 2*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " hours"
	case d >= 2*time.Minute:
		return strconv.Itoa(int(d/time.Minute)) + " minutes"
	}
	return "1 minute"
}
