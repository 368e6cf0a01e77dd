package router

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
)

func TestStatusMapsEveryKindOnce(t *testing.T) {
	cases := []struct {
		err    error
		status int
		code   string
	}{
		{apperr.Malformed("x"), 400, "malformed"},
		{apperr.Unauthorized("x"), 401, "unauthorized"},
		{apperr.Forbidden("x"), 403, "forbidden"},
		{apperr.NotFound("x"), 404, "not_found"},
		{apperr.Conflict("x"), 409, "conflict"},
		{&apperr.StateError{Object: "case c", Action: "accept", Current: "closed"}, 409, "conflict"},
		{apperr.TooLarge("x"), 413, "too_large"},
		{apperr.UnsupportedMedia("x"), 415, "unsupported_media_type"},
		{apperr.InvalidField("a", "b"), 422, "invalid"},
		{apperr.RateLimited(time.Minute, "x"), 429, "rate_limited"},
		{apperr.Unavailable(errors.New("io"), "x"), 503, "unavailable"},
		{errors.New("boom"), 500, "internal"},
		{fmt.Errorf("approve enr_1: %w", apperr.Conflict("stale")), 409, "conflict"},
		// An Unavailable wrapping a NotFound is a 503, not a 404: the kind
		// is checked before its cause.
		{apperr.Unavailable(apperr.NotFound("member m"), "the database is busy"), 503, "unavailable"},
		{fmt.Errorf("get member: %w", apperr.Unavailable(fmt.Errorf("read: %w", apperr.ErrNotFound), "busy")), 503, "unavailable"},
	}
	for _, c := range cases {
		status, code := Status(c.err)
		if status != c.status || code != c.code {
			t.Errorf("Status(%v) = %d %s, want %d %s", c.err, status, code, c.status, c.code)
		}
	}
	if len(statuses) != len(apperr.Kinds) {
		t.Errorf("the status table has %d kinds, apperr %d", len(statuses), len(apperr.Kinds))
	}
}
