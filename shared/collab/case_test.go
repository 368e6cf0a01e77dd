package collab

import (
	"errors"
	"testing"

	"github.com/tandemhq/tandem/shared/apperr"
)

func TestNextCoversEveryPair(t *testing.T) {
	type key struct {
		s    Status
		a    Action
		side Side
	}
	allowed := map[key]Status{
		{Open, Accept, Receiver}:                 Accepted,
		{InformationRequested, Accept, Receiver}: Accepted,
		{Open, RequestInfo, Receiver}:            InformationRequested,
		{Accepted, RequestInfo, Receiver}:        InformationRequested,
		{Open, Reject, Receiver}:                 Rejected,
		{InformationRequested, Reject, Receiver}: Rejected,
		{Open, Close, Receiver}:                  Closed,
		{Accepted, Close, Receiver}:              Closed,
		{InformationRequested, Close, Receiver}:  Closed,
		{Open, Close, Submitter}:                 Closed,
		{Accepted, Close, Submitter}:             Closed,
		{InformationRequested, Close, Submitter}: Closed,
		{Open, Note, Receiver}:                   Open,
		{Accepted, Note, Receiver}:               Accepted,
		{InformationRequested, Note, Receiver}:   InformationRequested,
		{Open, Note, Submitter}:                  Open,
		{Accepted, Note, Submitter}:              Accepted,
		{InformationRequested, Note, Submitter}:  Open,
	}
	for _, s := range Statuses {
		for _, a := range []Action{Accept, RequestInfo, Note, Reject, Close} {
			for _, side := range []Side{Submitter, Receiver} {
				got, err := Next(s, a, side)
				want, ok := allowed[key{s, a, side}]
				if ok {
					if err != nil || got != want {
						t.Errorf("Next(%s, %s, %s) = %s, %v; want %s", s, a, side, got, err, want)
					}
					continue
				}
				if !errors.Is(err, apperr.ErrConflict) && !errors.Is(err, apperr.ErrForbidden) {
					t.Errorf("Next(%s, %s, %s) = %s, %v; want a refusal", s, a, side, got, err)
				}
			}
		}
	}
}
