package memstore

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/session"
)

// credentialUpdate changes the credential of token hash, which must exist
// (a failed condition is the plain conflict).
func credentialUpdate(hash string, f func(*member.Credential)) write {
	return update(tokenPK(hash), metaSK, exists, func(cur *item) *item {
		c, _ := valOf[member.Credential](cur)
		f(&c)
		cur.v = c
		return cur
	}, nil)
}

// UpdateUser implements member.Store: the user at version prev replaced,
// its credential's roles with it.
func (s *Store) UpdateUser(ctx context.Context, u member.User, prev int) error {
	was, ok := getVal[member.User](s, memberPK(u.MemberID), userSK(u.ID))
	if !ok {
		return apperr.NotFound("user %s not found", u.ID)
	}
	return s.transact("update user",
		putIf(userItem(u), atVersion[member.User](prev, func(u member.User) int { return u.Version }), errVersion),
		memberEvent(u.MemberID, u.ID, audit.Event{At: u.UpdatedAt, Actor: u.UpdatedBy, Action: "update_user",
			Reason: userLine(u) + ": " + audit.ChangedText(changedFields(userAttrs(was), userAttrs(u)))}),
		credentialUpdate(u.TokenHash, func(c *member.Credential) { c.Roles = omitted(u.Roles) }),
	)
}

// RevokeUser implements member.Store: the user's status and its credential
// change together, conditional on the version read.
func (s *Store) RevokeUser(ctx context.Context, u member.User, now time.Time) error {
	return s.transact("revoke user",
		update(memberPK(u.MemberID), userSK(u.ID), atVersion[member.User](u.Version, func(u member.User) int { return u.Version }), func(cur *item) *item {
			x := cur.v.(member.User)
			x.Status, x.UpdatedAt, x.Version = member.UserRevoked, ts(now), u.Version+1
			cur.v = x
			return cur
		}, errVersion),
		memberEvent(u.MemberID, u.ID, audit.Event{At: now, Actor: u.UpdatedBy, Action: "revoke_user", From: string(u.Status), To: string(member.UserRevoked),
			Reason: userLine(u)}),
		credentialUpdate(u.TokenHash, func(c *member.Credential) { c.Revoked = true }),
	)
}

// ClaimCredential implements enrollment.Store: the token is used up and the
// admin written together (see adminSignIn), so a second claim finds the
// token used.
func (s *Store) ClaimCredential(ctx context.Context, tokenHash string, a enrollment.AdminSignIn, now time.Time) error {
	return s.transact("claim credential", append([]write{useMailToken(tokenHash, now)}, adminSignIn(a)...)...)
}

// adminSignIn writes a partner's admin: the user with its credential when
// new (only into a member that exists and takes users), and its sign-in
// link when it has one.
func adminSignIn(a enrollment.AdminSignIn) []write {
	var ws []write
	u := a.User
	if a.New {
		ws = append(ws,
			check(memberPK(u.MemberID), metaSK, memberTakesUsers,
				apperr.Conflict("member %s is not taking new users: it was merged into another member", u.MemberID)),
			putNew(userItem(u), apperr.Conflict("user %s already exists", u.ID)),
			credentialWrite(a.Credential),
			userAdded(u),
		)
	}
	if a.LinkHash != "" {
		ws = append(ws, putNew(loginTokenItem(session.LoginToken{
			Hash: a.LinkHash, UserID: u.ID, MemberID: u.MemberID, Email: u.Email, Next: "/inbox", ExpiresAt: a.LinkExpires,
		}), apperr.Conflict("token collision; retry")))
	}
	return ws
}
