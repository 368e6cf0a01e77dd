package api

import (
	"context"
	"net/http"

	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/router"
)

// timeline answers a page of an object's events from list.
func timeline(r *router.Request, list func(limit int, cursor string) ([]audit.Event, string, error)) (*router.Response, error) {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return nil, err
	}
	evs, next, err := list(limit, cursor)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, listOf(evs, next)), nil
}

// programEvents serves GET /v1/programs/{id}/events.
func (s *Server) programEvents(ctx context.Context, r *router.Request) (*router.Response, error) {
	return timeline(r, func(limit int, cursor string) ([]audit.Event, string, error) {
		return s.Programs.Events(ctx, r.Principal, r.Param("id"), limit, cursor)
	})
}

// departmentEvents serves GET /v1/departments/{id}/events.
func (s *Server) departmentEvents(ctx context.Context, r *router.Request) (*router.Response, error) {
	return timeline(r, func(limit int, cursor string) ([]audit.Event, string, error) {
		return s.Departments.Events(ctx, r.Principal, r.Param("id"), limit, cursor)
	})
}

// invoiceEvents serves GET /v1/invoices/{id}/events.
func (s *Server) invoiceEvents(ctx context.Context, r *router.Request) (*router.Response, error) {
	return timeline(r, func(limit int, cursor string) ([]audit.Event, string, error) {
		return s.Invoices.Events(ctx, r.Principal, r.Param("id"), limit, cursor)
	})
}

// memberEvents serves GET /v1/members/{id}/events: the member's timeline
// with its users'.
func (s *Server) memberEvents(ctx context.Context, r *router.Request) (*router.Response, error) {
	return timeline(r, func(limit int, cursor string) ([]audit.Event, string, error) {
		return s.Members.Events(ctx, r.Principal, r.Param("id"), "", limit, cursor)
	})
}

// userEvents serves GET /v1/members/{id}/users/{userId}/events.
func (s *Server) userEvents(ctx context.Context, r *router.Request) (*router.Response, error) {
	return timeline(r, func(limit int, cursor string) ([]audit.Event, string, error) {
		return s.Members.Events(ctx, r.Principal, r.Param("id"), r.Param("userId"), limit, cursor)
	})
}
