package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/notify"
)

// DisableWebhook implements webhook.Store.
func (s *Store) DisableWebhook(ctx context.Context, departmentID string, msgs []notify.Message) error {
	d, err := s.GetDepartment(ctx, departmentID) // the version its timeline entry takes
	if err != nil {
		return err
	}
	at := time.Now().UTC()
	if len(msgs) > 0 {
		at = msgs[0].CreatedAt // the notifier's clock
	}
	items := []txItem{
		s.update(departmentKey(departmentID), "SET webhookDisabled = :t, version = :next", "version = :v", nil,
			map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}, ":v": avN(d.Version), ":next": avN(d.Version + 1)},
			apperr.Conflict("department %s changed meanwhile; the webhook is disabled on the next failure", departmentID)),
		s.auditWrite(departmentPK(departmentID), d.Version+1, "department", audit.Event{At: at, Action: "webhook_disabled",
			From: "webhook on", To: "webhook off", Reason: "deliveries failed for a day"}),
	}
	items = append(items, s.outboxWrites(msgs)...)
	return s.transact(ctx, "disable webhook", items...)
}
