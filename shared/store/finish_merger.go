package store

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/merger"
)

// FinishMerger implements merger.Store: the merger done (out of the
// sweep), From merged, From's domain Into's, both timelines told.
func (s *Store) FinishMerger(ctx context.Context, m merger.Merger, ev audit.Event) error {
	intoEv := ev
	intoEv.ID = "" // its own id, given by memberEvent
	items := []txItem{
		s.update(mergerKey(m.From), "SET #st = :done, finishedAt = :now REMOVE DuePK, DueSK", "#st = :run", map[string]string{"#st": "status"},
			map[string]types.AttributeValue{":done": av(string(merger.Done)), ":now": av(iso(m.FinishedAt)), ":run": av(string(merger.Running))},
			errMergerStopped),
		s.update(memberKey(m.From), "SET mergeState = :st, updatedAt = :now, version = version + :one", "mergedInto = :into", nil,
			map[string]types.AttributeValue{":st": av(string(member.MergeDone)), ":now": av(iso(m.FinishedAt)), ":one": avN(1), ":into": av(m.Into)},
			errMergerStopped),
		s.memberEvent(m.From, "", ev),
		s.memberEvent(m.Into, "", intoEv),
	}
	if m.FromDomain != "" {
		// A domain without its item (never claimed) is claimed for Into.
		items = append(items, s.update(domainKey(m.FromDomain), "SET memberId = :into, #t = :domain",
			"attribute_not_exists(PK) OR memberId = :from OR memberId = :into", map[string]string{"#t": "type"},
			map[string]types.AttributeValue{":into": av(m.Into), ":from": av(m.From), ":domain": av("domain")},
			apperr.Conflict("domain %s belongs to neither member", m.FromDomain)))
	}
	return s.transact(ctx, "finish merger", items...)
}
