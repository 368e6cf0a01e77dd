package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/member"
)

// UpdateUser implements member.Store.
func (s *Store) UpdateUser(ctx context.Context, u member.User, prev int) error {
	roles := &types.AttributeValueMemberSS{Value: u.Roles}
	var was userItem
	if err := s.getItem(ctx, "get user", userKey(u.MemberID, u.ID), &was, apperr.NotFound("user %s not found", u.ID)); err != nil {
		return err
	}
	next := marshal(toUserItem(u))
	return s.transact(ctx, "update user",
		s.put(next, "version = :v", nil, map[string]types.AttributeValue{":v": avN(prev)}, errVersion),
		s.memberEvent(u.MemberID, u.ID, audit.Event{At: u.UpdatedAt, Actor: u.UpdatedBy, Action: "update_user",
			Reason: userLine(u) + ": " + audit.ChangedText(changedFields(marshal(was), next))}),
		s.update(tokenKey(u.TokenHash), "SET #r = :roles", "attribute_exists(PK)", map[string]string{"#r": "roles"},
			map[string]types.AttributeValue{":roles": roles}, nil),
	)
}
