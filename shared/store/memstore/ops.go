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

// opsItems reads the operators' index of kind up to now and the item each
// entry names (get), keeping those keep says are still waiting: the index
// lags a write that just moved one on.
func opsItems[T any](ctx context.Context, s *Store, kind string, now time.Time, limit int, get func(context.Context, string) (T, error), keep func(T) bool) ([]T, bool, error) {
	s.mu.Lock()
	entries, more := s.sparseAt(opsIndex(kind), now, limit)
	s.mu.Unlock()
	out := make([]T, 0, len(entries))
	for _, d := range entries {
		v, err := get(ctx, d.ID)
		if err != nil {
			return nil, false, err
		}
		if keep(v) {
			out = append(out, v)
		}
	}
	return out, more, nil
}

// StaleCases returns cases whose receiver has not responded by the response
// time, most overdue first, at most limit; more reports others.
func (s *Store) StaleCases(ctx context.Context, now time.Time, limit int) ([]collab.Case, bool, error) {
	return opsItems(ctx, s, opsCase, now, limit, s.GetCase, collab.Case.ClockRunning)
}

// WaitingSignups returns sign-ups waiting for the host's approval or the
// existing member's consent, across programs, oldest first.
func (s *Store) WaitingSignups(ctx context.Context, now time.Time, limit int) ([]enrollment.Enrollment, bool, error) {
	return opsItems(ctx, s, opsSignup, now, limit, s.GetEnrollment, func(enrollment.Enrollment) bool { return true })
}

// AwaitingPayment returns enrollments waiting for their membership to be
// paid, across programs, longest waiting first.
func (s *Store) AwaitingPayment(ctx context.Context, now time.Time, limit int) ([]enrollment.Enrollment, bool, error) {
	return opsItems(ctx, s, opsPayment, now, limit, s.GetEnrollment, func(e enrollment.Enrollment) bool { return e.Status == enrollment.AwaitingPayment })
}

// OverdueInvoices returns open invoices whose due date passed by now,
// across members, most overdue first.
func (s *Store) OverdueInvoices(ctx context.Context, now time.Time, limit int) ([]billing.Invoice, bool, error) {
	return opsItems(ctx, s, opsInvoice, now, limit, s.GetInvoice, func(inv billing.Invoice) bool { return inv.Status == billing.Open })
}
