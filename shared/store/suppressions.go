package store

import (
	"context"
	"errors"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/suppression"
)

// suppressionItem is an address Tandem no longer mails, under
// SUPPRESSED#<address>.
type suppressionItem struct {
	keyAttrs
	Address   string `dynamodbav:"address"`
	Kind      string `dynamodbav:"kind"`
	Reason    string `dynamodbav:"reason"`
	At        string `dynamodbav:"at"`
	MessageID string `dynamodbav:"messageId,omitempty"`
}

// toSuppressionItem is sp as stored, under its address as
// suppression.Normalize keys it.
func toSuppressionItem(sp suppression.Suppression) suppressionItem {
	return suppressionItem{
		keyAttrs: keyAttrs{
			PK: suppressionPK(sp.Address), SK: metaSK, Type: "suppression",
		},
		Address: suppression.Normalize(sp.Address), Kind: string(sp.Kind), Reason: sp.Reason, At: iso(sp.At), MessageID: sp.MessageID,
	}
}

// Suppress implements suppression.Store: the first record of an address
// stays.
func (s *Store) Suppress(ctx context.Context, sp suppression.Suppression) error {
	err := s.transact(ctx, "suppress address", s.putNew(marshal(toSuppressionItem(sp)), errAlreadySuppressed))
	if errors.Is(err, errAlreadySuppressed) {
		return nil
	}
	return err
}

var errAlreadySuppressed = apperr.Conflict("the address is already suppressed")
