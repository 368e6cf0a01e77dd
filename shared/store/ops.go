package store

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/table"
)

func opsIndex(kind string) sparse {
	return sparse{index: table.Ops, pkAttr: table.OpsPK, skAttr: table.OpsSK, pk: func(shard int) string { return opsPK(kind, shard) }}
}

// StaleCases returns cases whose receiver has not responded by the
// response time, most overdue first, at most limit; more reports others.
// It reads the operators' sparse index: only cases still waiting.
func (s *Store) StaleCases(ctx context.Context, now time.Time, limit int) ([]collab.Case, bool, error) {
	due, more, err := s.sparseAt(ctx, opsIndex(opsCase), now, limit)
	if err != nil {
		return nil, false, err
	}
	out := make([]collab.Case, 0, len(due))
	for _, d := range due {
		c, err := s.GetCase(ctx, d.ID)
		if err != nil {
			return nil, false, err
		}
		if c.ClockRunning() { // the index lags a write that just answered it
			out = append(out, c)
		}
	}
	return out, more, nil
}

// WaitingSignups returns sign-ups waiting for the host's approval or the
// existing member's consent, across programs, oldest first.
func (s *Store) WaitingSignups(ctx context.Context, now time.Time, limit int) ([]enrollment.Enrollment, bool, error) {
	due, more, err := s.sparseAt(ctx, opsIndex(opsSignup), now, limit)
	if err != nil {
		return nil, false, err
	}
	out := make([]enrollment.Enrollment, 0, len(due))
	for _, d := range due {
		e, err := s.GetEnrollment(ctx, d.ID)
		if err != nil {
			return nil, false, err
		}
		out = append(out, e)
	}
	return out, more, nil
}

// AwaitingPayment returns enrollments waiting for their membership to be
// paid, across programs, longest waiting first.
func (s *Store) AwaitingPayment(ctx context.Context, now time.Time, limit int) ([]enrollment.Enrollment, bool, error) {
	due, more, err := s.sparseAt(ctx, opsIndex(opsPayment), now, limit)
	if err != nil {
		return nil, false, err
	}
	out := make([]enrollment.Enrollment, 0, len(due))
	for _, d := range due {
		e, err := s.GetEnrollment(ctx, d.ID)
		if err != nil {
			return nil, false, err
		}
		if e.Status == enrollment.AwaitingPayment { // the index lags a write that just moved it on
			out = append(out, e)
		}
	}
	return out, more, nil
}

// OverdueInvoices returns open invoices whose due date passed by now,
// across members, most overdue first.
func (s *Store) OverdueInvoices(ctx context.Context, now time.Time, limit int) ([]billing.Invoice, bool, error) {
	due, more, err := s.sparseAt(ctx, opsIndex(opsInvoice), now, limit)
	if err != nil {
		return nil, false, err
	}
	out := make([]billing.Invoice, 0, len(due))
	for _, d := range due {
		inv, err := s.GetInvoice(ctx, d.ID)
		if err != nil {
			return nil, false, err
		}
		if inv.Status == billing.Open {
			out = append(out, inv)
		}
	}
	return out, more, nil
}
