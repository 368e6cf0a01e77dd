package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/merger"
)

// mergerItem is a member's merger into another: its progress, counted in
// the transaction of each move, and its place in the merge sweep while it
// runs (so the scheduled run finishes one that stopped half-way).
type mergerItem struct {
	keyAttrs
	From           string   `dynamodbav:"from"`
	Into           string   `dynamodbav:"into"`
	FromName       string   `dynamodbav:"fromName"`
	IntoName       string   `dynamodbav:"intoName"`
	FromDomain     string   `dynamodbav:"fromDomain,omitempty"`
	Status         string   `dynamodbav:"status"`
	Actor          string   `dynamodbav:"actor"`
	StartedAt      string   `dynamodbav:"startedAt"`
	FinishedAt     string   `dynamodbav:"finishedAt,omitempty"`
	Users          int      `dynamodbav:"users"`
	UsersFolded    int      `dynamodbav:"usersFolded"`
	Departments    int      `dynamodbav:"departments"`
	Enrollments    int      `dynamodbav:"enrollments"`
	Cases          int      `dynamodbav:"cases"`
	Invoices       int      `dynamodbav:"invoices"`
	Configurations int      `dynamodbav:"configurations"`
	HostsTold      int      `dynamodbav:"hostsTold"`
	Programs       []string `dynamodbav:"programs,stringset,omitempty"`
}

func (it mergerItem) domain() merger.Merger {
	return merger.Merger{
		From: it.From, Into: it.Into, FromName: it.FromName, IntoName: it.IntoName, FromDomain: it.FromDomain,
		Status: merger.Status(it.Status), Actor: it.Actor, StartedAt: parseISO(it.StartedAt), FinishedAt: parseISO(it.FinishedAt),
		Moved: merger.Counts{Users: it.Users, UsersFolded: it.UsersFolded, Departments: it.Departments, Enrollments: it.Enrollments,
			Cases: it.Cases, Invoices: it.Invoices, Configurations: it.Configurations, HostsTold: it.HostsTold},
		Programs: it.Programs,
	}
}

// newMergerItem is m as it starts: running, nothing moved yet, in the
// merge sweep.
func newMergerItem(m merger.Merger) mergerItem {
	it := mergerItem{
		keyAttrs: keyAttrs{
			PK: mergerPK(m.From), SK: metaSK, Type: "merger",
		},
		From: m.From, Into: m.Into, FromName: m.FromName, IntoName: m.IntoName,
		FromDomain: m.FromDomain, Status: string(merger.Running), Actor: m.Actor, StartedAt: iso(m.StartedAt),
	}
	it.DuePK, it.DueSK = dueAttrs(sweepMerge, m.From, m.StartedAt)
	return it
}

// GetMerger implements merger.Store.
func (s *Store) GetMerger(ctx context.Context, from string) (merger.Merger, error) {
	var it mergerItem
	if err := s.getItem(ctx, "get merger", mergerKey(from), &it, apperr.NotFound("no merger of member %s", from)); err != nil {
		return merger.Merger{}, err
	}
	return it.domain(), nil
}

var errMergerStopped = apperr.Conflict("the merger is no longer running")
