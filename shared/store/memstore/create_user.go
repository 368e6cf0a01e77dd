package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/session"
)

// memberTakesUsers is the condition that a member exists and was not merged
// into another.
func memberTakesUsers(cur *item) bool {
	m, ok := valOf[member.Member](cur)
	return ok && m.MergedInto == ""
}

// CreateUser implements member.Store: the user and its credential together,
// only if the member exists (and takes users); with an invitation, its
// sign-in link and mail.
func (s *Store) CreateUser(ctx context.Context, u member.User, cred member.Credential, inv *member.Invitation, claim idem.Claim) error {
	ws := []write{
		check(memberPK(u.MemberID), metaSK, memberTakesUsers,
			apperr.Conflict("member %s is not taking new users: it was merged into another member (add the user there)", u.MemberID)),
		putNew(userItem(u), apperr.Conflict("user %s already exists", u.ID)),
		credentialWrite(cred),
		userAdded(u),
	}
	if inv != nil {
		ws = append(ws, putNew(loginTokenItem(session.LoginToken{
			Hash: inv.LinkHash, UserID: u.ID, MemberID: u.MemberID, Email: u.Email, Next: "/inbox", ExpiresAt: inv.ExpiresAt,
		}), apperr.Conflict("token collision; retry")))
		ws = append(ws, outboxWrites([]notify.Message{inv.Mail})...)
	}
	return s.transact("create user", append(ws, commitClaim(claim, u.ID)...)...)
}
