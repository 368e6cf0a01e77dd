package notify

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/ident"
)

// DeadLetterStore keeps the messages that could not be delivered.
type DeadLetterStore interface {
	ListDeadLetters(ctx context.Context, limit int, cursor string) ([]DeadLetter, string, error)
	// ResendDeadLetter sends dead letter id again as message newID.
	ResendDeadLetter(ctx context.Context, id, newID string, now time.Time) (string, error)
}

// DeadLetters lets platform operators see what could not be delivered and
// send it again, as a new message (a second resend is a conflict).
type DeadLetters struct {
	store DeadLetterStore
	now   func() time.Time
}

// NewDeadLetters returns the dead letters over st, timed by now.
func NewDeadLetters(st DeadLetterStore, now func() time.Time) *DeadLetters {
	return &DeadLetters{store: st, now: now}
}

// List pages through the dead letters (operators only).
func (d *DeadLetters) List(ctx context.Context, p auth.Principal, limit int, cursor string) ([]DeadLetter, string, error) {
	if !p.Operator {
		return nil, "", apperr.Forbidden("only platform operators can list dead letters")
	}
	return d.store.ListDeadLetters(ctx, limit, cursor)
}

// Resend sends dead letter id again as a new message and returns its id
// (operators only).
func (d *DeadLetters) Resend(ctx context.Context, p auth.Principal, id string) (string, error) {
	if !p.Operator {
		return "", apperr.Forbidden("only platform operators can resend dead letters")
	}
	if !ident.Valid(ident.Outbox, id) {
		return "", apperr.NotFound("dead letter %s not found", id)
	}
	now := d.now()
	return d.store.ResendDeadLetter(ctx, id, ident.New(ident.Outbox, now), now)
}
