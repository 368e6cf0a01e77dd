package report

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/program"
)

// Store is what the report reads of the table.
type Store interface {
	// ListSLARecords returns the records of a program's cases opened in
	// [from, to), oldest first.
	ListSLARecords(ctx context.Context, programID string, from, to time.Time) ([]Record, error)
}

// Programs finds a program its host's admins (and operators) may see in full.
type Programs interface {
	ForHost(ctx context.Context, p auth.Principal, id string) (program.Program, error)
}

// Service answers the SLA compliance report.
type Service struct {
	store    Store
	Programs Programs
	Now      func() time.Time
}

// NewService is the service over st configured as c (its exported fields):
// its store is its own, so no caller reads around its checks.
func NewService(st Store, c Service) *Service {
	c.store = st
	return &c
}

// MaxSpan is the longest period one report covers.
const MaxSpan = 3 * 366 * 24 * time.Hour

// Period is a report's [From, To), as given ("2026-01-01") or defaulted.
type Period struct {
	From, To time.Time
}

// ParsePeriod reads from and to (YYYY-MM-DD; to is the first day not
// counted). Either left empty defaults: to the first of next month, from
// six months before to.
func ParsePeriod(from, to string, now time.Time) (Period, error) {
	var p Period
	bad := apperr.Fields{}
	day := func(field, s string) time.Time {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			bad.Add(field, "must be a date like 2026-01-01")
		}
		return t
	}
	if to == "" {
		n := now.UTC()
		p.To = time.Date(n.Year(), n.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	} else {
		p.To = day("to", to)
	}
	if from == "" {
		p.From = p.To.AddDate(0, -6, 0)
	} else {
		p.From = day("from", from)
	}
	if err := bad.Err(); err != nil {
		return Period{}, err
	}
	switch {
	case !p.From.Before(p.To):
		bad.Add("to", "must be after from (to is the first day not counted)")
	case p.To.Sub(p.From) > MaxSpan:
		bad.Add("to", "a report covers at most three years")
	}
	return p, bad.Err()
}

// SLA computes the report of program id over per for a host admin of the
// program or an operator; anyone else gets the program's 404 or 403.
func (s *Service) SLA(ctx context.Context, p auth.Principal, id string, per Period) (SLA, program.Program, error) {
	prg, err := s.Programs.ForHost(ctx, p, id)
	if err != nil {
		return SLA{}, program.Program{}, err
	}
	recs, err := s.store.ListSLARecords(ctx, prg.ID, per.From, per.To)
	if err != nil {
		return SLA{}, program.Program{}, err
	}
	return Compute(prg.ID, per.From, per.To, s.Now(), recs), prg, nil
}
