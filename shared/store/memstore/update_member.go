package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
)

// UpdateMember implements member.Store: the member is replaced only if it
// is still at version prev, and msgs are enqueued with it; its timeline
// says which fields changed.
func (s *Store) UpdateMember(ctx context.Context, m member.Member, prev int, msgs []notify.Message) error {
	was, ok := getVal[member.Member](s, memberPK(m.ID), metaSK)
	if !ok {
		return apperr.NotFound("member %s not found", m.ID)
	}
	ws := append([]write{
		putIf(memberItem(m), atVersion[member.Member](prev, func(m member.Member) int { return m.Version }),
			apperr.Conflict("member %s was changed by someone else; reload it", m.ID)),
		memberEvent(m.ID, "", audit.Event{At: m.UpdatedAt, Actor: m.UpdatedBy, Action: "update",
			Reason: audit.ChangedText(changedFields(memberAttrs(was), memberAttrs(m)))}),
	}, outboxWrites(msgs)...)
	return s.transact("update member", ws...)
}
