package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/notify"
)

// AppendCaseNote implements collab.Store: the note's fields of the case
// (its status, which only an answered question changes, its last activity,
// a version more) are updated in place on the condition that the status
// is still the one the note was checked against — not the version, so
// notes written side by side all apply. The note takes its place in the
// timeline after the version it was read at; notes of one version keep
// their ids' (time) order. A status changed meanwhile is collab.ErrStale.
// A note changes neither the case's escalation nor its SLA record.
func (s *Store) AppendCaseNote(ctx context.Context, before, after collab.Case, ev collab.Event, msgs []notify.Message, claim idem.Claim) error {
	items := []txItem{
		s.update(caseKey(before.ID),
			"SET #st = :to, updatedAt = :now, lastActivityAt = :now ADD version :one REMOVE idleWarned",
			"#st = :from",
			map[string]string{"#st": "status"},
			map[string]types.AttributeValue{
				":to": av(string(after.Status)), ":from": av(string(before.Status)), ":now": av(iso(after.UpdatedAt)), ":one": avN(1),
			},
			fmt.Errorf("%w: %w", collab.ErrStale, apperr.Conflict("case %s is no longer %s; reload it", before.ID, before.Status))),
		s.caseEventWrite(after.ID, before.Version+1, ev),
	}
	if marker, moved := s.idleMarkerMoved(before, after); moved {
		items = append(items, marker)
	}
	items = append(items, s.queueWrites(&before, after)...)
	items = append(items, s.outboxWrites(msgs)...)
	items = append(items, s.commitClaim(claim, after.ID)...)
	return s.transact(ctx, "add a note to a case", items...)
}
