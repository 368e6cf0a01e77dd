package memstore

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/notify"
)

// DisableWebhook implements webhook.Store: the department's webhook off, a
// version on, with its timeline entry at the first message's time — or, as
// in the store, the clock's when there is no message.
func (s *Store) DisableWebhook(ctx context.Context, departmentID string, msgs []notify.Message) error {
	d, err := s.GetDepartment(ctx, departmentID)
	if err != nil {
		return err
	}
	at := time.Now().UTC()
	if len(msgs) > 0 {
		at = msgs[0].CreatedAt
	}
	ws := []write{
		update(departmentPK(departmentID), metaSK, deptAtVersion(d.Version), func(cur *item) *item {
			x := cur.v.(department.Department)
			x.WebhookDisabled, x.Version = true, d.Version+1
			cur.v = x
			return cur
		}, apperr.Conflict("department %s changed meanwhile; the webhook is disabled on the next failure", departmentID)),
		auditWrite(departmentPK(departmentID), d.Version+1, audit.Event{At: at, Action: "webhook_disabled",
			From: "webhook on", To: "webhook off", Reason: "deliveries failed for a day"}),
	}
	ws = append(ws, outboxWrites(msgs)...)
	return s.transact("disable webhook", ws...)
}
