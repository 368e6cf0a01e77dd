package api

import (
	"context"
	"net/http"

	"github.com/tandemhq/tandem/shared/merger"
	"github.com/tandemhq/tandem/shared/router"
)

// mergerView is a member's merger into another in the API.
type mergerView struct {
	From       string        `json:"from"`
	FromName   string        `json:"fromName"`
	Into       string        `json:"into"`
	IntoName   string        `json:"intoName"`
	Status     merger.Status `json:"status"`
	Actor      string        `json:"actor"`
	StartedAt  string        `json:"startedAt"`
	FinishedAt *string       `json:"finishedAt"`
	Moved      merger.Counts `json:"moved"`
}

func viewMerger(m merger.Merger) mergerView {
	return mergerView{From: m.From, FromName: m.FromName, Into: m.Into, IntoName: m.IntoName, Status: m.Status, Actor: m.Actor,
		StartedAt: ts(m.StartedAt), FinishedAt: tsPtr(m.FinishedAt), Moved: m.Moved}
}

// mergeMember starts (or goes on with) merging member {id} into another:
// 200 once done, 202 while objects are left for the next run.
func (s *Server) mergeMember(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in merger.Request
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	m, done, err := s.Mergers.Start(ctx, r.Principal, r.Param("id"), in)
	if err != nil {
		return nil, err
	}
	status := http.StatusAccepted
	if done {
		status = http.StatusOK
	}
	return router.JSON(status, viewMerger(m)), nil
}

func (s *Server) getMerger(ctx context.Context, r *router.Request) (*router.Response, error) {
	m, err := s.Mergers.Get(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewMerger(m)), nil
}
