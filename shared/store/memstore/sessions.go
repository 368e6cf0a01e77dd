package memstore

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/session"
)

// loginTokenItem is a sign-in link as stored (its hash is its key).
func loginTokenItem(t session.LoginToken) *item {
	return &item{PK: loginTokenPK(t.Hash), SK: metaSK, v: session.LoginToken{
		Operator: t.Operator, UserID: t.UserID, MemberID: t.MemberID, Email: t.Email, Next: t.Next, ExpiresAt: ts(t.ExpiresAt),
	}}
}

// GetLoginToken implements session.Store.
func (s *Store) GetLoginToken(ctx context.Context, hash string) (session.LoginToken, error) {
	t, ok := getVal[session.LoginToken](s, loginTokenPK(hash), metaSK)
	if !ok {
		return session.LoginToken{}, apperr.NotFound("unknown sign-in link")
	}
	t.Hash = hash
	return t, nil
}

// GetSession implements session.Store. As in the table, only the session's
// own fields are kept (not the names a caller may have filled in), and an
// expired session stays until it is ended (DynamoDB's TTL deletion lags;
// the service checks the expiry).
func (s *Store) GetSession(ctx context.Context, hash string) (session.Session, error) {
	ses, ok := getVal[session.Session](s, sessionPK(hash), metaSK)
	if !ok {
		return session.Session{}, apperr.NotFound("no session")
	}
	ses.Hash = hash
	return ses, nil
}

// ExtendSession implements session.Store: a sliding expiry, only while the
// session exists.
func (s *Store) ExtendSession(ctx context.Context, hash string, expires time.Time) error {
	return s.single("extend session", update(sessionPK(hash), metaSK, exists, func(cur *item) *item {
		ses := cur.v.(session.Session)
		ses.ExpiresAt = ts(expires)
		cur.v = ses
		return cur
	}, nil))
}

// EndSession implements session.Store.
func (s *Store) EndSession(ctx context.Context, hash string) error {
	return s.single("end session", remove(sessionPK(hash), metaSK, nil, nil))
}

// StartSession implements session.Store: the link is used up and the
// session created together, so a replayed link makes no second session.
func (s *Store) StartSession(ctx context.Context, tokenHash string, ses session.Session, now time.Time) error {
	n := iso(now)
	return s.transact("start session",
		update(loginTokenPK(tokenHash), metaSK, func(cur *item) bool {
			t, ok := valOf[session.LoginToken](cur)
			return ok && !t.Used && iso(t.ExpiresAt) > n
		}, func(cur *item) *item {
			t := cur.v.(session.LoginToken)
			t.Used = true
			cur.v = t
			return cur
		}, apperr.Conflict("this sign-in link was already used or has expired; ask for a new one")),
		putNew(&item{PK: sessionPK(ses.Hash), SK: metaSK, v: session.Session{
			Operator: ses.Operator, UserID: ses.UserID, MemberID: ses.MemberID, CreatedAt: ts(ses.CreatedAt), ExpiresAt: ts(ses.ExpiresAt),
		}}, apperr.Conflict("session collision; retry")),
	)
}

// CreateLoginTokens implements session.Store.
func (s *Store) CreateLoginTokens(ctx context.Context, toks []session.LoginToken, msgs []notify.Message) error {
	var ws []write
	for _, t := range toks {
		ws = append(ws, putNew(loginTokenItem(t), apperr.Conflict("token collision; retry")))
	}
	ws = append(ws, outboxWrites(msgs)...)
	return s.transact("create login tokens", ws...)
}
