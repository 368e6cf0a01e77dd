package enrollment

import (
	"context"
	"slices"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// AddendumLinkTTL is how long the link to accept a new addendum works.
const AddendumLinkTTL = 60 * 24 * time.Hour

// askBatch bounds how many partners one run of the sweep asks: the rest
// wait for the next run (the program stays in the sweep).
const askBatch = 100

// boundStatuses are the places the addendum binds: admitted, and neither
// refused nor ended.
var boundStatuses = []Status{Validating, ValidationFailed, AwaitingPayment, Active, Lapsed}

func (st Status) bound() bool { return slices.Contains(boundStatuses, st) }

// Outstanding reports whether the partner has yet to accept version.
func (e Enrollment) Outstanding(version string) bool {
	return e.Status.bound() && e.Addendum.Version != version
}

// Addenda is what a new addendum version needs (AskAddendum,
// AcceptAddendum, AddendumByLink, Outstanding): the program, its
// partners' enrollments, each acceptance written, and the program out of
// the addendum sweep once all were asked.
type Addenda interface {
	GetProgram(ctx context.Context, id string) (program.Program, error)
	GetEnrollment(ctx context.Context, id string) (Enrollment, error)
	ListProgramEnrollments(ctx context.Context, programID string, status Status, limit int, cursor string) ([]Enrollment, string, error)
	// ApplyEnrollmentChange writes a change in one transaction; a
	// moved-on enrollment is a conflict.
	ApplyEnrollmentChange(ctx context.Context, c Change) error
	// AddendumAsked takes the program out of the addendum sweep once every
	// partner was asked to accept version (unless a newer one came).
	AddendumAsked(ctx context.Context, programID, version string) error
}

// AskAddendum mails each bound partner of program id that has not
// accepted its current addendum version a link to accept it, each with
// its enrollment's event in one transaction, once per version. done is
// false while partners are left for the next run.
func (s *Service) AskAddendum(ctx context.Context, id string, now time.Time) (asked int, done bool, err error) {
	prg, err := s.store.GetProgram(ctx, id)
	if err != nil {
		return 0, false, err
	}
	v := prg.Addendum.Version
	for _, st := range boundStatuses {
		cursor := ""
		for {
			es, next, err := s.store.ListProgramEnrollments(ctx, id, st, 200, cursor)
			if err != nil {
				return asked, false, err
			}
			for _, e := range es {
				if !e.Outstanding(v) || e.AddendumAsked == v {
					continue
				}
				if asked == askBatch {
					return asked, false, nil
				}
				if _, err := s.apply(ctx, s.askAddendum(prg, e, now)); err != nil {
					return asked, false, err
				}
				asked++
			}
			if cursor = next; cursor == "" {
				break
			}
		}
	}
	return asked, true, s.store.AddendumAsked(ctx, id, v)
}

func (s *Service) askAddendum(prg program.Program, e Enrollment, now time.Time) Change {
	after := e
	after.AddendumAsked, after.AddendumAskedAt, after.UpdatedAt, after.Version = prg.Addendum.Version, now, now, e.Version+1
	link := s.Origin.BaseURL + "/a/" + s.Links.Sign(e.ID, AcceptAddendum, now.Add(AddendumLinkTTL))
	data := notify.AddendumChanged{
		ProgramMail: s.programMail(prg), CompanyName: e.Company.Name, Version: prg.Addendum.Version,
		Previous: e.Addendum.Version, Link: link, Expires: now.Add(AddendumLinkTTL).UTC().Format("2 January 2006"),
	}
	return Change{
		Before: e, After: after,
		Event: Event{ID: ident.New(ident.Event, now), At: now, Actor: "tandem", Action: AskAddendum, From: e.Status, To: e.Status,
			Reason: "asked to accept addendum version " + prg.Addendum.Version},
		Messages: []notify.Message{s.mail(prg, partnerAddrs(e), e.ID, data, now, false)},
	}
}

// AcceptInput is a partner's acceptance of the program's addendum.
type AcceptInput struct {
	Version string `json:"version"`
	Name    string `json:"name"`
	Title   string `json:"title"`
}

// AcceptAddendum records that the partner accepted the program's current
// addendum version — by its admin (p), or through the mailed link (p is
// the zero principal and the link named the enrollment).
func (s *Service) AcceptAddendum(ctx context.Context, p auth.Principal, id string, in AcceptInput, viaLink bool) (Enrollment, error) {
	var e Enrollment
	var err error
	if viaLink {
		e, err = s.store.GetEnrollment(ctx, id)
	} else {
		e, err = s.Get(ctx, p, id)
		if err == nil && !p.AdminOf(e.MemberID) {
			err = apperr.Forbidden("accepting the program's addendum takes the admin role of the partner")
		}
	}
	if err != nil {
		return Enrollment{}, err
	}
	f := apperr.Fields{}
	in.Version = input.Text(f, "version", in.Version, 40)
	in.Name = input.Text(f, "name", in.Name, 200)
	in.Title = input.Text(f, "title", in.Title, 200)
	if err := f.Err(); err != nil {
		return Enrollment{}, err
	}
	prg, err := s.store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return Enrollment{}, err
	}
	switch {
	case in.Version != prg.Addendum.Version:
		return Enrollment{}, &apperr.Error{Kind: apperr.ErrConflict,
			Message: "the program's addendum is now version " + prg.Addendum.Version + "; review it and accept that version",
			Fields:  map[string]string{"version": "must be the current version, " + prg.Addendum.Version}}
	case !e.Status.bound():
		return Enrollment{}, apperr.Conflict("this enrollment is %s: there is no addendum to accept", humanStatus(e.Status))
	case e.Addendum.Version == in.Version:
		return Enrollment{}, apperr.Conflict("%s already accepted version %s on %s", e.Company.Name, in.Version, e.Addendum.At.UTC().Format("2 January 2006"))
	}
	now := s.Now().UTC()
	actor := p.Actor()
	if viaLink {
		actor = in.Name + " (" + in.Title + ") by the mailed link"
	}
	after := e
	after.Addendum = Acceptance{Version: in.Version, Name: in.Name, Title: in.Title, At: now}
	after.UpdatedAt, after.Version = now, e.Version+1
	return s.apply(ctx, Change{
		Before: e, After: after,
		Event: Event{ID: ident.New(ident.Event, now), At: now, Actor: actor, Action: AcceptAddendum, From: e.Status, To: e.Status,
			Reason: "accepted addendum version " + in.Version + " (was " + e.Addendum.Version + ")"},
	})
}

// AddendumByLink resolves the link mailed by AskAddendum: the enrollment
// and its program (whose current addendum the page shows).
func (s *Service) AddendumByLink(ctx context.Context, token string) (Enrollment, program.Program, error) {
	id, _, err := s.Links.Verify(token, s.Now(), AcceptAddendum)
	if err != nil {
		return Enrollment{}, program.Program{}, err
	}
	e, err := s.store.GetEnrollment(ctx, id)
	if err != nil {
		return Enrollment{}, program.Program{}, err
	}
	prg, err := s.store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return Enrollment{}, program.Program{}, err
	}
	return e, prg, nil
}

// maxOutstanding bounds the partners one outstanding list reads.
const maxOutstanding = 5000

// Outstanding lists a program's partners (bound places) that have not
// accepted its current addendum version, for the host's users and
// operators; version is that current version.
func (s *Service) Outstanding(ctx context.Context, p auth.Principal, programID string) (out []Enrollment, version string, err error) {
	if _, _, err := s.List(ctx, p, programID, "", 1, ""); err != nil { // 404 to other tenants
		return nil, "", err
	}
	prg, err := s.store.GetProgram(ctx, programID)
	if err != nil {
		return nil, "", err
	}
	read := 0
	for _, st := range boundStatuses {
		cursor := ""
		for read < maxOutstanding {
			es, next, err := s.store.ListProgramEnrollments(ctx, programID, st, 200, cursor)
			if err != nil {
				return nil, "", err
			}
			read += len(es)
			for _, e := range es {
				if e.Outstanding(prg.Addendum.Version) {
					out = append(out, e)
				}
			}
			if cursor = next; cursor == "" {
				break
			}
		}
	}
	return out, prg.Addendum.Version, nil
}
