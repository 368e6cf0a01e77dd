package enrollment

import (
	"context"
	"errors"
	"net/url"
	"sync"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/department"
)

// Process is the partner's inbound support process that an enrollment's
// validation tests: the department its test case goes to, or, while the
// partner's existing member has not consented, the one the sign-up
// proposed (no department exists yet).
type Process struct {
	DepartmentName string
	Inbound        department.Inbound
	// Proposed: what the sign-up typed, not yet a department.
	Proposed bool
	// Confirmed: the inbound address has proved it takes mail (the test
	// case acknowledged, or a confirmation link).
	Confirmed bool
	// WebhookDisabled: deliveries to its webhook failed for a day.
	WebhookDisabled bool
}

// Processes are the inbound processes of enrollments es (as List gave
// them), by enrollment id, for the admins of their program's host and
// operators; the departments are read side by side, one round trip. An
// enrollment with neither department nor proposal is left out.
func (s *Service) Processes(ctx context.Context, p auth.Principal, es []Enrollment) (map[string]Process, error) {
	out := make(map[string]Process, len(es))
	var mu sync.Mutex
	var wg sync.WaitGroup
	var firstErr error
	for _, e := range es {
		if !p.AdminOf(e.HostMemberID) {
			return nil, apperr.Forbidden("the partners' support processes are for the admins of the program's host")
		}
		if !validates(e.Status) {
			continue // the partner's own settings once validation is over
		}
		if e.DepartmentID == "" {
			if e.Proposal != nil {
				out[e.ID] = Process{DepartmentName: e.Proposal.DepartmentName, Inbound: shown(e.Proposal.Inbound), Proposed: true}
			}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := s.store.GetDepartment(ctx, e.DepartmentID)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, apperr.ErrNotFound):
			case err != nil:
				if firstErr == nil {
					firstErr = err
				}
			default:
				out[e.ID] = Process{DepartmentName: d.Name, Inbound: shown(d.Inbound), Confirmed: d.InboundConfirmed(), WebhookDisabled: d.WebhookDisabled}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

// validates reports whether an enrollment in st is being validated: only
// then does its host see the partner's process (a department is otherwise
// its own member's).
func validates(st Status) bool {
	switch st {
	case PendingMemberConsent, PendingApproval, Validating, ValidationFailed:
		return true
	}
	return false
}

// shown is in as its host sees it: a webhook by its scheme and host only
// (a webhook's path and query often carry its secret).
func shown(in department.Inbound) department.Inbound {
	if in.WebhookURL != "" {
		if u, err := url.Parse(in.WebhookURL); err == nil && u.Host != "" {
			in.WebhookURL = u.Scheme + "://" + u.Host
		} else {
			in.WebhookURL = "(set)"
		}
	}
	return in
}
