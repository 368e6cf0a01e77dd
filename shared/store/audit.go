package store

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/ident"
)

// auditWrite records ev in the timeline under the object's partition pk,
// at the object version it produced (kind names the item type).
func (s *Store) auditWrite(pk string, version int, kind string, ev audit.Event) txItem {
	if ev.ID == "" {
		ev.ID = ident.New(ident.Event, ev.At)
	}
	return s.putNew(marshal(eventItem{
		keyAttrs: keyAttrs{
			PK: pk, SK: eventSK(version, ev.ID), Type: kind + "_event",
		},
		ID: ev.ID, At: iso(ev.At), Actor: audit.ActorOr(ev.Actor),
		Action: ev.Action, From: ev.From, To: ev.To, Reason: ev.Reason,
	}), apperr.Conflict("event %s already recorded", ev.ID))
}

// audit is the event as the domain reads it.
func (it eventItem) audit() (audit.Event, error) {
	return audit.Event{ID: it.ID, At: parseISO(it.At), Actor: it.Actor, Action: it.Action, From: it.From, To: it.To, Reason: it.Reason}, nil
}

// bookkeeping are the attributes an update changes by itself: keys,
// indexes, times and versions are not what a person changed.
var bookkeeping = []string{"PK", "SK", "type", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "DuePK", "DueSK", "OpsPK", "OpsSK",
	"createdAt", "updatedAt", "version", "updatedBy"}

// changedFields names the attributes a person changed between two stored
// forms of an item.
func changedFields(before, after map[string]types.AttributeValue) []string {
	return audit.Changed(flatten(before), flatten(after), bookkeeping...)
}

// flatten renders each attribute as text, so values compare (maps print
// with sorted keys).
func flatten(item map[string]types.AttributeValue) map[string]string {
	var plain map[string]any
	if err := attributevalue.UnmarshalMap(item, &plain); err != nil {
		return nil
	}
	out := make(map[string]string, len(plain))
	for k, v := range plain {
		out[k] = fmt.Sprint(v)
	}
	return out
}

type eventItem struct {
	keyAttrs
	ID     string `dynamodbav:"id"`
	At     string `dynamodbav:"at"`
	Actor  string `dynamodbav:"actor"`
	Action string `dynamodbav:"action"`
	From   string `dynamodbav:"from,omitempty"`
	To     string `dynamodbav:"to"`
	Reason string `dynamodbav:"reason,omitempty"`
}
