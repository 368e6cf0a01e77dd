package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/session"
)

// CreateUser implements member.Store: the user and its credential together,
// only if the member exists.
func (s *Store) CreateUser(ctx context.Context, u member.User, cred member.Credential, inv *member.Invitation, claim idem.Claim) error {
	items := []txItem{
		s.check(memberKey(u.MemberID), "attribute_exists(PK) AND attribute_not_exists(mergedInto)", nil, nil,
			apperr.Conflict("member %s is not taking new users: it was merged into another member (add the user there)", u.MemberID)),
		s.putNew(marshal(toUserItem(u)), apperr.Conflict("user %s already exists", u.ID)),
		s.putNew(marshal(toCredentialItem(cred)), apperr.Conflict("token collision; retry")),
		s.userAdded(u),
	}
	if inv != nil {
		items = append(items, s.putNew(marshal(newLoginTokenItem(session.LoginToken{
			Hash: inv.LinkHash, UserID: u.ID, MemberID: u.MemberID, Email: u.Email, Next: "/inbox", ExpiresAt: inv.ExpiresAt,
		})), apperr.Conflict("token collision; retry")))
		items = append(items, s.outboxWrites([]notify.Message{inv.Mail})...)
	}
	return s.transact(ctx, "create user", append(items, s.commitClaim(claim, u.ID)...)...)
}
