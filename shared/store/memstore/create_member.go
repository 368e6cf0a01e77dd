package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
)

// memberWrites are the writes that create a member with its first user.
func memberWrites(m member.Member, admin member.User, cred member.Credential) []write {
	return []write{
		putNew(memberItem(m), apperr.Conflict("member %s already exists", m.ID)),
		putNew(domainItem(m), apperr.Conflict("a member with domain %s already exists", m.Domain)),
		putNew(userItem(admin), apperr.Conflict("user %s already exists", admin.ID)),
		credentialWrite(cred),
		memberEvent(m.ID, "", audit.Event{At: m.CreatedAt, Actor: m.UpdatedBy, Action: "create"}),
		userAdded(admin),
	}
}

// CreateMember implements member.Store.
func (s *Store) CreateMember(ctx context.Context, m member.Member, admin member.User, cred member.Credential, msgs []notify.Message, claim idem.Claim) error {
	ws := memberWrites(m, admin, cred)
	ws = append(ws, outboxWrites(msgs)...)
	ws = append(ws, commitClaim(claim, m.ID)...)
	return s.transact("create member", ws...)
}
