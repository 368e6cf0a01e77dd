package jobs

import (
	"context"
	"log/slog"
	"sync"
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
	var sum AddendaSummary
	var mu sync.Mutex
	found, failed, _, err := sweep(ctx, now, j.Due, func(ctx context.Context, id string) error {
		n, _, err := j.Programs.AskAddendum(ctx, id, now)
		mu.Lock()
		sum.Asked += n
		mu.Unlock()
		return err
	}, logger(j.Log))
	sum.Programs, sum.Failed = found, failed
	return sum, err
}
