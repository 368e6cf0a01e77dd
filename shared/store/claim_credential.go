package store

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/session"
)

// ClaimCredential implements enrollment.Store: the token is used up and the
// admin written together (see adminSignIn), so a second claim finds the
// token used.
func (s *Store) ClaimCredential(ctx context.Context, tokenHash string, a enrollment.AdminSignIn, now time.Time) error {
	items := append([]txItem{s.useMailToken(tokenHash, now)}, s.adminSignIn(a)...)
	return s.transact(ctx, "claim credential", items...)
}

// adminSignIn writes a partner's admin: the user with its credential when
// new (only into a member that exists and takes users), and its sign-in
// link when it has one.
func (s *Store) adminSignIn(a enrollment.AdminSignIn) []txItem {
	var items []txItem
	u := a.User
	if a.New {
		items = append(items,
			s.check(memberKey(u.MemberID), "attribute_exists(PK) AND attribute_not_exists(mergedInto)", nil, nil,
				apperr.Conflict("member %s is not taking new users: it was merged into another member", u.MemberID)),
			s.putNew(marshal(toUserItem(u)), apperr.Conflict("user %s already exists", u.ID)),
			s.putNew(marshal(toCredentialItem(a.Credential)), apperr.Conflict("token collision; retry")),
			s.userAdded(u),
		)
	}
	if a.LinkHash != "" {
		items = append(items, s.putNew(marshal(newLoginTokenItem(session.LoginToken{
			Hash: a.LinkHash, UserID: u.ID, MemberID: u.MemberID, Email: u.Email, Next: "/inbox", ExpiresAt: a.LinkExpires,
		})), apperr.Conflict("token collision; retry")))
	}
	return items
}
