package store

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/member"
)

// ClaimCredential implements enrollment.Store: the token is used up and the
// user created together, so a second claim finds the token used.
func (s *Store) ClaimCredential(ctx context.Context, tokenHash string, u member.User, cred member.Credential, now time.Time) error {
	items := []txItem{
		s.useMailToken(tokenHash, now),
		s.check(memberKey(u.MemberID), "attribute_exists(PK)", nil, nil, apperr.NotFound("member %s not found", u.MemberID)),
		s.putNew(marshal(toUserItem(u)), apperr.Conflict("user %s already exists", u.ID)),
		s.putNew(marshal(toCredentialItem(cred)), apperr.Conflict("token collision; retry")),
		s.userAdded(u),
	}
	return s.transact(ctx, "claim credential", items...)
}
