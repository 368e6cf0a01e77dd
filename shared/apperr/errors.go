// Package apperr defines the kinds of failure Tandem distinguishes.
//
// Code below the handlers returns errors that wrap one of the sentinel kinds
// (directly or through *Error, which also carries a message a person can act
// on and, for validation, the offending fields). The domain knows nothing of
// HTTP: package router turns a kind into a status, in one table.
package apperr

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The kinds of failure. Each maps to exactly one HTTP status.
var (
	// ErrMalformed: the request could not be parsed (bad JSON, bad cursor). 400.
	ErrMalformed = errors.New("malformed request")
	// ErrUnauthorized: no credentials, or credentials that do not verify. 401.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: authenticated, but a required role is missing. 403.
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: no such object, or one the caller's tenant may not see. 404.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the object is in the wrong state, a version is stale, or a
	// unique value is taken. 409.
	ErrConflict = errors.New("conflict")
	// ErrTooLarge: the request body is over the limit. 413.
	ErrTooLarge = errors.New("request too large")
	// ErrUnsupportedMedia: the body is not of an accepted content type. 415.
	ErrUnsupportedMedia = errors.New("unsupported media type")
	// ErrInvalid: the request parsed but failed validation. 422.
	ErrInvalid = errors.New("invalid request")
	// ErrRateLimited: too many requests; retry later. 429.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable: a dependency is slow or down; retry later. 503.
	ErrUnavailable = errors.New("dependency unavailable")
)

// Error is a failure of a known kind with a message meant for the client.
type Error struct {
	// Kind is one of the sentinel errors above.
	Kind error
	// Message is safe to show to the caller.
	Message string
	// Fields names each offending input field (JSON path) and why.
	Fields map[string]string
	// RetryAfter is the advised wait for ErrRateLimited and ErrUnavailable.
	RetryAfter time.Duration
	// Cause is an underlying error kept for logs; never shown to clients.
	Cause error
}

func (e *Error) Error() string {
	msg := e.Message
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, k+": "+e.Fields[k])
		}
		msg += " (" + strings.Join(parts, "; ") + ")"
	}
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

// Unwrap lets errors.Is match both the kind and the cause.
func (e *Error) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Kind, e.Cause}
	}
	return []error{e.Kind}
}

func newf(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Malformed reports an unparseable request.
func Malformed(format string, args ...any) error { return newf(ErrMalformed, format, args...) }

// Unauthorized reports missing or bad credentials.
func Unauthorized(format string, args ...any) error { return newf(ErrUnauthorized, format, args...) }

// Forbidden reports a missing role.
func Forbidden(format string, args ...any) error { return newf(ErrForbidden, format, args...) }

// NotFound reports an object that does not exist for this caller.
func NotFound(format string, args ...any) error { return newf(ErrNotFound, format, args...) }

// Conflict reports a wrong state, stale version or taken unique value.
func Conflict(format string, args ...any) error { return newf(ErrConflict, format, args...) }

// TooLarge reports a body over the limit.
func TooLarge(format string, args ...any) error { return newf(ErrTooLarge, format, args...) }

// UnsupportedMedia reports a body that is not of an accepted type.
func UnsupportedMedia(format string, args ...any) error {
	return newf(ErrUnsupportedMedia, format, args...)
}

// RateLimited reports that the caller must wait before retrying.
func RateLimited(after time.Duration, format string, args ...any) error {
	e := newf(ErrRateLimited, format, args...)
	e.RetryAfter = after
	return e
}

// Unavailable reports a slow or failing dependency, keeping the cause for logs.
func Unavailable(cause error, format string, args ...any) error {
	e := newf(ErrUnavailable, format, args...)
	e.RetryAfter = time.Second
	e.Cause = cause
	return e
}

// Invalid reports validation failures, one message per field path.
func Invalid(fields map[string]string) error {
	return &Error{Kind: ErrInvalid, Message: "the request has invalid fields", Fields: fields}
}

// InvalidField reports a single invalid field.
func InvalidField(path, why string) error {
	return Invalid(map[string]string{path: why})
}

// StateError is a refused transition: the action is not allowed in the
// object's current state.
type StateError struct {
	Object  string // e.g. "enrollment enr_01…"
	Action  string // e.g. "approve"
	Current string // the state the object is in
}

func (e *StateError) Error() string {
	return fmt.Sprintf("cannot %s %s: it is %s", e.Action, e.Object, e.Current)
}

// Unwrap makes a StateError a conflict.
func (e *StateError) Unwrap() error { return ErrConflict }

// Fields collects validation problems and turns them into one error.
type Fields map[string]string

// Add records why path is invalid; the first reason for a path wins.
func (f Fields) Add(path, why string) {
	if _, ok := f[path]; !ok {
		f[path] = why
	}
}

// Err returns nil when nothing was added, else an ErrInvalid error.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return Invalid(map[string]string(f))
}

// Kinds lists every kind, most specific first.
var Kinds = []error{
	ErrMalformed, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrTooLarge,
	ErrUnsupportedMedia, ErrInvalid, ErrRateLimited, ErrUnavailable,
}

// KindOf is the kind of err, or nil for an internal error. The kind an
// *Error declares wins over its cause's (an Unavailable whose cause is a
// NotFound is unavailable); a *StateError is a conflict; otherwise the
// first sentinel err wraps.
func KindOf(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) && e.Kind != nil {
		return e.Kind
	}
	var se *StateError
	if errors.As(err, &se) {
		return ErrConflict
	}
	for _, k := range Kinds {
		if errors.Is(err, k) {
			return k
		}
	}
	return nil
}

// Public is what may be shown to the client for err: its message, fields and
// advised retry wait. Internal errors get a generic message.
func Public(err error) (message string, fields map[string]string, retryAfter time.Duration) {
	if KindOf(err) == nil {
		return "something went wrong on our side; it has been logged", nil, 0
	}
	var se *StateError
	if errors.As(err, &se) {
		return se.Error(), nil, 0
	}
	var e *Error
	if errors.As(err, &e) {
		retry := e.RetryAfter
		if retry == 0 && (e.Kind == ErrUnavailable || e.Kind == ErrRateLimited) {
			retry = time.Second
		}
		return e.Message, e.Fields, retry
	}
	switch {
	case errors.Is(err, ErrUnavailable), errors.Is(err, ErrRateLimited):
		return err.Error(), nil, time.Second
	}
	return err.Error(), nil, 0
}
