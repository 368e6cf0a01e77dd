package router

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/idem"
)

// IdempotencyStore keeps Idempotency-Key records (see package idem).
type IdempotencyStore interface {
	ClaimIdempotency(ctx context.Context, key, owner, bodyHash string, now time.Time, retention time.Duration) (idem.Record, bool, error)
	GetIdempotency(ctx context.Context, key string) (idem.Record, error)
	TakeOverIdempotency(ctx context.Context, key, prevOwner, owner string, now time.Time) error
	CompleteIdempotency(ctx context.Context, key, owner string, status int, body []byte) error
	ReleaseIdempotency(ctx context.Context, key, owner string) error
}

// Guard is the one Idempotency-Key mechanism, used by the router for
// creates and appends, by inbound webhooks for webhook-ids and by the
// one-click links of case mail: claim the key, run the work with the claim
// (its write commits it), and keep or release the outcome by one rule
// (kept).
type Guard struct {
	Store IdempotencyStore
	Log   *slog.Logger
}

// Once describes one guarded request.
type Once struct {
	Key, BodyHash string
	Retention     time.Duration
	// Mismatch is the answer when the key was used with another body.
	Mismatch error
	// Taken answers when another request holds or held the key: a replay,
	// a wait, or a refusal. It returns ErrTakeOver when the holder died
	// before committing, so this request may take the key over.
	Taken func(ctx context.Context, rec idem.Record) (*Response, error)
	// Run does the work; its create commits claim in its transaction.
	Run func(ctx context.Context, claim idem.Claim) (*Response, error)
	// Keep overrides which outcomes are stored (kept, when nil).
	Keep func(status int) bool
}

// ErrTakeOver tells the guard to take over a key whose holder died.
var ErrTakeOver = errors.New("take the key over")

// kept reports whether an outcome is stored as the key's answer. Outcomes
// that may differ on a retry free the key: failures on our side (5xx),
// conflicts and rate limits (the state or the clock moves on), and refused
// credentials (fixed by the caller). Successes and settled client errors
// (400, 403, 404, 413, 415, 422) are replayed.
func kept(status int) bool {
	return status < 500 && status != http.StatusConflict && status != http.StatusTooManyRequests && status != http.StatusUnauthorized
}

// Do runs o at most once per key.
func (g Guard) Do(ctx context.Context, now time.Time, o Once) (*Response, error) {
	owner := randomOwner()
	rec, claimed, err := g.Store.ClaimIdempotency(ctx, o.Key, owner, o.BodyHash, now, o.Retention)
	if err != nil {
		return nil, err
	}
	if !claimed {
		if rec.BodyHash != o.BodyHash {
			return nil, o.Mismatch
		}
		resp, err := o.Taken(ctx, rec)
		if !errors.Is(err, ErrTakeOver) {
			return resp, err
		}
		if err := g.Store.TakeOverIdempotency(ctx, o.Key, rec.Owner, owner, now); err != nil {
			return nil, apperr.Conflict("a request with this key is still being processed; retry in a few seconds")
		}
	}
	resp, herr := o.Run(ctx, idem.Claim{Key: o.Key, Owner: owner})
	if herr != nil {
		status, _ := Status(herr)
		keep := kept
		if o.Keep != nil {
			keep = o.Keep
		}
		if !keep(status) {
			_ = g.Store.ReleaseIdempotency(ctx, o.Key, owner)
			return nil, herr
		}
		er := errorResponse(herr, false)
		if err := g.Store.CompleteIdempotency(ctx, o.Key, owner, er.Status, er.Body); err != nil {
			g.Log.Warn("could not store an idempotent answer", "key", o.Key, "err", err)
		}
		return nil, herr
	}
	body := resp.Body
	if resp.Replay != nil {
		body = resp.Replay
	}
	if err := g.Store.CompleteIdempotency(ctx, o.Key, owner, resp.Status, body); err != nil {
		g.Log.Warn("could not store an idempotent answer", "key", o.Key, "err", err)
	}
	return resp, nil
}

// Replay answers with a completed key's stored answer.
func Replay(rec idem.Record) *Response {
	return &Response{
		Status:  rec.Status,
		Headers: map[string]string{"content-type": "application/json", "idempotent-replayed": "true"},
		Body:    rec.Body,
	}
}

// idempotent runs a create route's handler once per Idempotency-Key.
func (rt *Router) idempotent(ctx context.Context, r *Request, h Handler) (*Response, error) {
	key := r.Header("idempotency-key")
	if len(key) > idem.MaxKeyLen || strings.ContainsAny(key, "\x00\r\n") {
		return nil, apperr.InvalidField("Idempotency-Key", "must be at most 255 printable characters")
	}
	// Keys are the caller's own: one user's stored answer (which may hold
	// what only that user may see) is never replayed to another, even of
	// the same member.
	scope := "public"
	switch {
	case r.Principal.UserID != "":
		scope = "user:" + r.Principal.UserID
	case r.Principal.Operator:
		scope = "operator"
	case r.Principal.MemberID != "":
		scope = r.Principal.MemberID
	}
	now := rt.now()
	g := Guard{Store: rt.idem, Log: rt.log}
	return g.Do(ctx, now, Once{
		Key: scope + "#" + r.Route.Key() + "#" + key, BodyHash: idem.Fingerprint(r.Method, r.Path, r.Body), Retention: idem.Retention,
		Mismatch: apperr.InvalidField("Idempotency-Key", "was already used with a different request; use a new key for a new request"),
		Taken: func(_ context.Context, rec idem.Record) (*Response, error) {
			switch {
			case rec.State == idem.Completed:
				return Replay(rec), nil
			case now.Before(rec.LockedUntil):
				return nil, apperr.Conflict("a request with this Idempotency-Key is still being processed; retry in a few seconds")
			case rec.State == idem.Committed:
				return nil, apperr.Conflict("the request with this Idempotency-Key created %s, but its response was not kept; fetch that object", rec.ResultID)
			}
			return nil, ErrTakeOver // the first request died holding the key
		},
		Run: func(ctx context.Context, claim idem.Claim) (*Response, error) {
			r.Claim = claim
			return h(ctx, r)
		},
	})
}
