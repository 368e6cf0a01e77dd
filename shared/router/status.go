package router

import (
	"net/http"

	"github.com/tandemhq/tandem/shared/apperr"
)

// statuses is the one table from a kind of failure to its HTTP status and
// the error code in the contract's error body.
var statuses = map[error]struct {
	status int
	code   string
}{
	apperr.ErrMalformed:        {http.StatusBadRequest, "malformed"},
	apperr.ErrUnauthorized:     {http.StatusUnauthorized, "unauthorized"},
	apperr.ErrForbidden:        {http.StatusForbidden, "forbidden"},
	apperr.ErrNotFound:         {http.StatusNotFound, "not_found"},
	apperr.ErrConflict:         {http.StatusConflict, "conflict"},
	apperr.ErrTooLarge:         {http.StatusRequestEntityTooLarge, "too_large"},
	apperr.ErrUnsupportedMedia: {http.StatusUnsupportedMediaType, "unsupported_media_type"},
	apperr.ErrInvalid:          {http.StatusUnprocessableEntity, "invalid"},
	apperr.ErrRateLimited:      {http.StatusTooManyRequests, "rate_limited"},
	apperr.ErrUnavailable:      {http.StatusServiceUnavailable, "unavailable"},
}

// Status maps an error to its HTTP status and error code by its kind
// (apperr.KindOf: the kind declared before the kind of its cause). An error
// of no known kind is a 500 "internal".
func Status(err error) (int, string) {
	if s, ok := statuses[apperr.KindOf(err)]; ok {
		return s.status, s.code
	}
	return http.StatusInternalServerError, "internal"
}
