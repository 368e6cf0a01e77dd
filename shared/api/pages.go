package api

import (
	"net/http"
	"net/url"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/router"
)

// refusal is a console form's step that was refused in a way its page shows
// again: invalid input (422, with the fields' errors) or a lost race or a
// step the object's state no longer allows (409, with what changed).
type refusal struct {
	Status  int
	Message string
	Fields  map[string]string
}

// Conflict reports a lost race or an out-of-state step.
func (f refusal) Conflict() bool { return f.Status == http.StatusConflict }

// refused sorts err: a refusal the page shows again (ok), or anything else,
// which is the error page.
func refused(err error) (refusal, bool) {
	status, _ := router.Status(err)
	if status != http.StatusUnprocessableEntity && status != http.StatusConflict {
		return refusal{}, false
	}
	msg, fields, _ := apperr.Public(err)
	return refusal{Status: status, Message: msg, Fields: fields}, true
}

// formValues are a posted form's values, the first of each name, to show
// again.
func formValues(v url.Values) map[string]string {
	out := make(map[string]string, len(v))
	for k := range v {
		out[k] = v.Get(k)
	}
	return out
}
