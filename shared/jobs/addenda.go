package jobs

import (
	"context"
	"log/slog"
	"time"
)

// AddendumAsker mails a program's partners its new addendum version, a
// batch at a time; done once every partner was asked.
type AddendumAsker interface {
	AskAddendum(ctx context.Context, programID string, now time.Time) (asked int, done bool, err error)
}

// Addenda asks partners to accept their program's new addendum version:
// programs wait in the sweep from the update that changed the version
// until every partner was asked (each once, by a conditional write with
// its mail), so a run that stops half-way is finished by the next.
type Addenda struct {
	Due      DueFunc
	Programs AddendumAsker
	Log      *slog.Logger
}

// AddendaSummary is what a run did.
type AddendaSummary struct {
	Programs int `json:"programs"`
	Asked    int `json:"partnersAsked"`
	Failed   int `json:"failed"`
}

// Run asks for every program due at now.
func (j *Addenda) Run(ctx context.Context, now time.Time) (AddendaSummary, error) {
	b, err := batches(ctx, now, j.Due, j.Programs.AskAddendum, j.Log)
	return AddendaSummary{Programs: b.found, Asked: b.work, Failed: b.failed}, err
}
