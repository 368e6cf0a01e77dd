package memstore

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/enrollment"
)

func opsIndex(kind string) sparse {
	return sparse{index: idxOps, pk: func(shard int) string { return opsPK(kind, shard) }}
}

// StaleCases returns cases whose receiver has not responded by the response
// time, most overdue first, at most limit; more reports others.
func (s *Store) StaleCases(ctx context.Context, now time.Time, limit int) ([]collab.Case, bool, error) {
	s.mu.Lock()
	entries, more := s.sparseAt(opsIndex(opsCase), now, limit)
	s.mu.Unlock()
	out := make([]collab.Case, 0, len(entries))
	for _, d := range entries {
		c, err := s.GetCase(ctx, d.ID)
		if err != nil {
			return nil, false, err
		}
		if c.ClockRunning() {
			out = append(out, c)
		}
	}
	return out, more, nil
}

// WaitingSignups returns sign-ups waiting for the host's approval or the
// existing member's consent, across programs, oldest first.
func (s *Store) WaitingSignups(ctx context.Context, now time.Time, limit int) ([]enrollment.Enrollment, bool, error) {
	s.mu.Lock()
	entries, more := s.sparseAt(opsIndex(opsSignup), now, limit)
	s.mu.Unlock()
	out := make([]enrollment.Enrollment, 0, len(entries))
	for _, d := range entries {
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
	s.mu.Lock()
	entries, more := s.sparseAt(opsIndex(opsPayment), now, limit)
	s.mu.Unlock()
	out := make([]enrollment.Enrollment, 0, len(entries))
	for _, d := range entries {
		e, err := s.GetEnrollment(ctx, d.ID)
		if err != nil {
			return nil, false, err
		}
		if e.Status == enrollment.AwaitingPayment {
			out = append(out, e)
		}
	}
	return out, more, nil
}

// OverdueInvoices returns open invoices whose due date passed by now,
// across members, most overdue first.
func (s *Store) OverdueInvoices(ctx context.Context, now time.Time, limit int) ([]billing.Invoice, bool, error) {
	s.mu.Lock()
	entries, more := s.sparseAt(opsIndex(opsInvoice), now, limit)
	s.mu.Unlock()
	out := make([]billing.Invoice, 0, len(entries))
	for _, d := range entries {
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
