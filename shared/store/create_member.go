package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
)

// memberWrites are the items that create a member with its first user; other
// creates (sign-up) add them to their own transactions.
func (s *Store) memberWrites(m member.Member, admin member.User, cred member.Credential) []txItem {
	return append([]txItem{
		s.putNew(marshal(toMemberItem(m)), apperr.Conflict("member %s already exists", m.ID)),
		s.putNew(marshal(toDomainItem(m)),
			apperr.Conflict("a member with domain %s already exists", m.Domain)),
		s.putNew(marshal(toUserItem(admin)), apperr.Conflict("user %s already exists", admin.ID)),
		s.putNew(marshal(toCredentialItem(cred)), apperr.Conflict("token collision; retry")),
		s.memberEvent(m.ID, "", audit.Event{At: m.CreatedAt, Actor: m.UpdatedBy, Action: "create"}),
		s.userAdded(admin),
	}, s.newCountWrites(m.ID)...)
}

// CreateMember implements member.Store.
func (s *Store) CreateMember(ctx context.Context, m member.Member, admin member.User, cred member.Credential, msgs []notify.Message, claim idem.Claim) error {
	items := s.memberWrites(m, admin, cred)
	items = append(items, s.outboxWrites(msgs)...)
	items = append(items, s.commitClaim(claim, m.ID)...)
	return s.transact(ctx, "create member", items...)
}
