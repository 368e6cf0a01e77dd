package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/member"
)

// RevokeUser implements member.Store: the user's status and its credential
// change together, conditional on the version read.
func (s *Store) RevokeUser(ctx context.Context, u member.User, now time.Time) error {
	return s.transact(ctx, "revoke user",
		s.update(userKey(u.MemberID, u.ID), "SET #s = :revoked, updatedAt = :now, version = :v1", versioned,
			map[string]string{"#s": "status"},
			versionValues(u.Version, map[string]types.AttributeValue{":revoked": av(string(member.UserRevoked)), ":now": av(iso(now))}),
			errVersion),
		s.memberEvent(u.MemberID, u.ID, audit.Event{At: now, Actor: u.UpdatedBy, Action: "revoke_user", From: string(u.Status), To: string(member.UserRevoked),
			Reason: userLine(u)}),
		s.update(tokenKey(u.TokenHash), "SET revoked = :t", "attribute_exists(PK)", nil,
			map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}}, nil),
	)
}
