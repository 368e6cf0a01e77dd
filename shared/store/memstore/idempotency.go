package memstore

import (
	"context"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/idem"
)

// idemRec is an idempotency record as stored (expiry in epoch seconds, the
// lock as its stored string).
type idemRec struct {
	Owner, BodyHash string
	State           idem.State
	ResultID        string
	Status          int
	Body            []byte
	LockedUntil     string
	ExpiresAt       int64
}

func (r idemRec) record(pk string) idem.Record {
	var body []byte
	if len(r.Body) > 0 {
		body = append([]byte(nil), r.Body...)
	}
	return idem.Record{
		Key: strings.TrimPrefix(pk, idemPrefix), Owner: r.Owner, BodyHash: r.BodyHash, State: r.State,
		ResultID: r.ResultID, Status: r.Status, Body: body,
		LockedUntil: parseISO(r.LockedUntil), ExpiresAt: time.Unix(r.ExpiresAt, 0).UTC(),
	}
}

// ClaimIdempotency takes key for owner unless a live record holds it. It
// returns (zero, true) when claimed, or the existing record and false.
// Expired records are replaced.
func (s *Store) ClaimIdempotency(ctx context.Context, k, owner, bodyHash string, now time.Time, retention time.Duration) (idem.Record, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pk := idemPK(k)
	if old, ok := valOf[idemRec](s.get(pk, metaSK)); ok && !(old.ExpiresAt < now.Unix()) {
		return old.record(pk), false, nil
	}
	s.setItem(tableKey(pk, metaSK), &item{PK: pk, SK: metaSK, v: idemRec{
		Owner: owner, BodyHash: bodyHash, State: idem.InProgress, LockedUntil: iso(now.Add(idem.Lock)), ExpiresAt: now.Add(retention).Unix(),
	}})
	return idem.Record{}, true, nil
}

// TakeOverIdempotency moves a stale in-progress claim from prev to owner.
func (s *Store) TakeOverIdempotency(ctx context.Context, k, prev, owner string, now time.Time) error {
	n := iso(now)
	return s.single("take over idempotency key", update(idemPK(k), metaSK, func(cur *item) bool {
		r, ok := valOf[idemRec](cur)
		return ok && r.Owner == prev && r.State == idem.InProgress && r.LockedUntil < n
	}, func(cur *item) *item {
		r := cur.v.(idemRec)
		r.Owner, r.LockedUntil = owner, iso(now.Add(idem.Lock))
		cur.v = r
		return cur
	}, nil))
}

// CompleteIdempotency stores the response for replays, if owner still holds
// key.
func (s *Store) CompleteIdempotency(ctx context.Context, k, owner string, status int, body []byte) error {
	return s.single("complete idempotency key", update(idemPK(k), metaSK, func(cur *item) bool {
		r, ok := valOf[idemRec](cur)
		return ok && r.Owner == owner
	}, func(cur *item) *item {
		r := cur.v.(idemRec)
		r.State, r.Status, r.Body = idem.Completed, status, append([]byte(nil), body...)
		cur.v = r
		return cur
	}, nil))
}

// ReleaseIdempotency forgets a claim whose request failed without creating
// anything, so the client's retry runs afresh.
func (s *Store) ReleaseIdempotency(ctx context.Context, k, owner string) error {
	err := s.single("release idempotency key", remove(idemPK(k), metaSK, func(cur *item) bool {
		r, ok := valOf[idemRec](cur)
		return ok && r.Owner == owner && r.State == idem.InProgress
	}, nil))
	if isCondFailure(err) {
		return nil
	}
	return err
}

// commitClaim is the write that marks claim c committed with the created
// object's id, or nothing when c holds no key.
func commitClaim(c idem.Claim, resultID string) []write {
	if !c.Held() {
		return nil
	}
	return []write{update(idemPK(c.Key), metaSK, func(cur *item) bool {
		r, ok := valOf[idemRec](cur)
		return ok && r.Owner == c.Owner && r.State == idem.InProgress
	}, func(cur *item) *item {
		r := cur.v.(idemRec)
		r.State, r.ResultID = idem.Committed, resultID
		cur.v = r
		return cur
	}, apperr.Conflict("another request with this Idempotency-Key took over; retry to see its result"))}
}

// GetIdempotency reads a key's record.
func (s *Store) GetIdempotency(ctx context.Context, k string) (idem.Record, error) {
	r, ok := getVal[idemRec](s, idemPK(k), metaSK)
	if !ok {
		return idem.Record{}, apperr.NotFound("no record")
	}
	return r.record(idemPK(k)), nil
}
