package apperr

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestKindOf(t *testing.T) {
	cases := []struct {
		err  error
		kind error
	}{
		{Malformed("x"), ErrMalformed},
		{Unauthorized("x"), ErrUnauthorized},
		{Forbidden("x"), ErrForbidden},
		{NotFound("x"), ErrNotFound},
		{Conflict("x"), ErrConflict},
		{&StateError{Object: "case c", Action: "accept", Current: "closed"}, ErrConflict},
		{TooLarge("x"), ErrTooLarge},
		{UnsupportedMedia("x"), ErrUnsupportedMedia},
		{InvalidField("a", "b"), ErrInvalid},
		{RateLimited(time.Minute, "x"), ErrRateLimited},
		{Unavailable(errors.New("io"), "x"), ErrUnavailable},
		{errors.New("boom"), nil},
		{fmt.Errorf("approve enr_1: %w", Conflict("stale")), ErrConflict},
		{fmt.Errorf("wrapped: %w", ErrNotFound), ErrNotFound},
		// The kind declared wins over the kind of its cause.
		{Unavailable(NotFound("gone"), "busy"), ErrUnavailable},
		{fmt.Errorf("get: %w", Unavailable(fmt.Errorf("x: %w", Conflict("c")), "busy")), ErrUnavailable},
	}
	for _, c := range cases {
		if got := KindOf(c.err); got != c.kind {
			t.Errorf("KindOf(%v) = %v, want %v", c.err, got, c.kind)
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
