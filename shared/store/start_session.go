package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/session"
)

// StartSession implements session.Store: the link is used up and the
// session created together, so a replayed link makes no second session.
func (s *Store) StartSession(ctx context.Context, tokenHash string, ses session.Session, now time.Time) error {
	return s.transact(ctx, "start session",
		s.update(loginTokenKey(tokenHash), "SET used = :t", "attribute_exists(PK) AND used = :f AND expiresAtIso > :now", nil,
			map[string]types.AttributeValue{
				":t": &types.AttributeValueMemberBOOL{Value: true}, ":f": &types.AttributeValueMemberBOOL{Value: false}, ":now": av(iso(now)),
			}, apperr.Conflict("this sign-in link was already used or has expired; ask for a new one")),
		s.putNew(marshal(toSessionItem(ses)), apperr.Conflict("session collision; retry")),
	)
}
