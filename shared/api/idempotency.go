package api

import (
	"context"
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
	storeKey := scope + "#" + r.Route.Key() + "#" + key
	hash := idem.Fingerprint(r.Method, r.Path, r.Body)
	owner := randomOwner()
	now := rt.now()

	rec, claimed, err := rt.idem.ClaimIdempotency(ctx, storeKey, owner, hash, now, idem.Retention)
	if err != nil {
		return nil, err
	}
	if !claimed {
		if rec.BodyHash != hash {
			return nil, apperr.InvalidField("Idempotency-Key", "was already used with a different request; use a new key for a new request")
		}
		switch {
		case rec.State == idem.Completed:
			return &Response{
				Status:  rec.Status,
				Headers: map[string]string{"content-type": "application/json", "idempotent-replayed": "true"},
				Body:    rec.Body,
			}, nil
		case now.Before(rec.LockedUntil):
			return nil, apperr.Conflict("a request with this Idempotency-Key is still being processed; retry in a few seconds")
		case rec.State == idem.Committed:
			return nil, apperr.Conflict("the request with this Idempotency-Key created %s, but its response was not kept; fetch that object", rec.ResultID)
		}
		// The first request died holding the key: take it over.
		if err := rt.idem.TakeOverIdempotency(ctx, storeKey, rec.Owner, owner, now); err != nil {
			return nil, apperr.Conflict("a request with this Idempotency-Key is still being processed; retry in a few seconds")
		}
	}

	resp, herr := h(idem.WithClaim(ctx, idem.Claim{Key: storeKey, Owner: owner}), r)
	if herr != nil {
		status, _ := Status(herr)
		// Outcomes that may differ on retry free the key; settled client
		// errors (400, 404, 422…) are replayed like successes.
		if status >= 500 || status == http.StatusConflict || status == http.StatusTooManyRequests || status == http.StatusUnauthorized {
			_ = rt.idem.ReleaseIdempotency(ctx, storeKey, owner)
			return nil, herr
		}
		er := errorResponse(herr, false)
		_ = rt.idem.CompleteIdempotency(ctx, storeKey, owner, er.Status, er.Body)
		return nil, herr
	}
	body := resp.Body
	if resp.Replay != nil {
		body = resp.Replay
	}
	if err := rt.idem.CompleteIdempotency(ctx, storeKey, owner, resp.Status, body); err != nil {
		rt.log.Warn("could not store idempotent response", "key", storeKey, "err", err)
	}
	return resp, nil
}
