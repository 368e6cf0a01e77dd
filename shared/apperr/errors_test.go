package apperr

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestStatusMapsEveryKindOnce(t *testing.T) {
	cases := []struct {
		err    error
		status int
		code   string
	}{
		{Malformed("x"), 400, "malformed"},
		{Unauthorized("x"), 401, "unauthorized"},
		{Forbidden("x"), 403, "forbidden"},
		{NotFound("x"), 404, "not_found"},
		{Conflict("x"), 409, "conflict"},
		{&StateError{Object: "case c", Action: "accept", Current: "closed"}, 409, "conflict"},
		{TooLarge("x"), 413, "too_large"},
		{UnsupportedMedia("x"), 415, "unsupported_media_type"},
		{InvalidField("a", "b"), 422, "invalid"},
		{RateLimited(time.Minute, "x"), 429, "rate_limited"},
		{Unavailable(errors.New("io"), "x"), 503, "unavailable"},
		{errors.New("boom"), 500, "internal"},
		{fmt.Errorf("approve enr_1: %w", Conflict("stale")), 409, "conflict"},
	}
	for _, c := range cases {
		status, code := Status(c.err)
		if status != c.status || code != c.code {
			t.Errorf("Status(%v) = %d %s, want %d %s", c.err, status, code, c.status, c.code)
		}
	}
}

func TestPublicHidesInternals(t *testing.T) {
	msg, fields, _ := Public(fmt.Errorf("query GSI1: %w", errors.New("secret table detail")))
	if msg == "" || fields != nil || contains(msg, "secret") {
		t.Errorf("internal error leaks: %q", msg)
	}
	msg, _, retry := Public(fmt.Errorf("get x: %w", Unavailable(errors.New("timeout"), "the database is busy")))
	if msg != "the database is busy" || retry != time.Second {
		t.Errorf("unavailable: got %q retry %v", msg, retry)
	}
	msg, _, _ = Public(fmt.Errorf("ctx: %w", &StateError{Object: "enrollment e", Action: "approve", Current: "active"}))
	if msg != "cannot approve enrollment e: it is active" {
		t.Errorf("state error message: %q", msg)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
