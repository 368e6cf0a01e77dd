package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/web"
)

// nav is the console header of r's signed-in user: the names come with
// the session (see session.Service.Resolve), no read of their own.
func (s *Server) nav(r *router.Request, active string) nav {
	return nav{FormToken: r.FormToken, Active: active, MemberID: r.Principal.MemberID, Admin: r.Principal.AdminOf(r.Principal.MemberID),
		Operator: r.Principal.Operator, UserName: r.Session.UserName, MemberName: r.Session.MemberName}
}

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

// historyLimit bounds the events a console page shows.
const historyLimit = 200

// history is a timeline for a page: times in the viewer's zone, actors by
// name where they are users of memberIDs.
func (s *Server) history(ctx context.Context, r *router.Request, evs []audit.Event, memberIDs ...string) []timelineEntry {
	loc, _, _ := viewerZone(r)
	names := s.actorNames(ctx, memberIDs...)
	out := make([]timelineEntry, 0, len(evs))
	for _, ev := range evs {
		what := strings.ReplaceAll(ev.Action, "_", " ")
		switch {
		case ev.From != "" && ev.To != "" && ev.To != ev.From:
			what += " (" + ev.From + " → " + ev.To + ")"
		case ev.To != "" && ev.To != ev.From:
			what += " → " + ev.To
		}
		out = append(out, timelineEntry{At: ev.At.In(loc).Format(timeLayout), Actor: names(ev.Actor), What: what, Text: ev.Reason})
	}
	return out
}

// nav is the signed-in console's header: who is signed in, and the token
// every form of the page carries.
type nav struct {
	UserName, MemberName, FormToken string
	// MemberID is the signed-in user's member (its people page).
	MemberID string
	// Active names the current section (inbox, outbox, new, programs,
	// people, invoices, webhooks, operator).
	Active string
	// Admin shows the admin sections (programs, people, invoices, webhooks).
	Admin bool
	// Operator shows the operator's page.
	Operator bool
}

// fact is one labelled value of a case.
type fact struct{ Label, Value string }

// timelineEntry is one event of a case's timeline.
type timelineEntry struct{ At, Actor, What, Text string }

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// inputSpec is one input of a department's process form, rendered by type.
type inputSpec struct {
	web.Field
	Kind      string // text, textarea, email, number, date, select
	Options   []option
	Pattern   string
	MaxLength int
}

func human(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c == '_' {
			out[i] = ' '
		}
	}
	return string(out)
}

// check is one checkbox of a group (roles, programs).
type check struct {
	Value, Label string
	Checked      bool
}

// RegistrationHandlers, ApprovalHandlers, CasesHandlers and HooksHandlers
// are the pages of each HTTP function (routes.Registration …); the
// function's JSON routes are api's sets of the same names. A function's
// main names only its own sets, so the linker leaves the other functions'
// pages out of its zip.

func itoa(n int) string { return strconv.Itoa(n) }

// formState is a form as a page shows it again: what was typed and why it
// was refused, by field name (the API's names, joined with dots). Every
// console form keeps its values and errors in one.
type formState struct {
	Values map[string]string
	Errors map[string]string
	// Prefix sets the form's inputs' ids apart when a page has two forms
	// with fields of the same name.
	Prefix string
}

// field is input name of the form: its value and error filled in.
func (f formState) field(name, label, typ, hint string) web.Field {
	return web.Field{ID: f.Prefix + fieldID(name), Name: name, Label: label, Type: typ, Hint: hint, Value: f.Values[name], Error: f.Errors[name]}
}
