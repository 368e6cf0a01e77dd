package enrollment

import (
	"errors"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/shared/apperr"
)

// Every (status, action) pair, paid and unpaid: either the contract's next
// status, or a conflict naming the current status.
func TestNextCoversEveryPair(t *testing.T) {
	type key struct {
		s Status
		a Action
	}
	allowed := map[key][2]Status{ // [unpaid, paid]
		{PendingMemberConsent, ConfirmConsent}: {PendingApproval, PendingApproval},
		{PendingMemberConsent, DeclineConsent}: {Rejected, Rejected},
		{PendingApproval, Approve}:             {Validating, Validating},
		{PendingApproval, Reject}:              {Rejected, Rejected},
		{Validating, Pass}:                     {AwaitingPayment, Active},
		{ValidationFailed, Pass}:               {AwaitingPayment, Active},
		{Validating, Fail}:                     {ValidationFailed, ValidationFailed},
		{Validating, Resend}:                   {Validating, Validating},
		{ValidationFailed, Resend}:             {Validating, Validating},
		{AwaitingPayment, Pay}:                 {Active, Active},
		{PendingApproval, Pay}:                 {PendingApproval, PendingApproval},
		{Validating, Pay}:                      {Validating, Validating},
		{ValidationFailed, Pay}:                {ValidationFailed, ValidationFailed},
		{Active, Lapse}:                        {Lapsed, Lapsed},
		{Active, Renew}:                        {Active, Active},
		{Lapsed, Renew}:                        {Active, Active},
		{Lapsed, Terminate}:                    {Terminated, Terminated},
		{PendingApproval, Remove}:              {Removed, Removed},
		{Validating, Remove}:                   {Removed, Removed},
		{ValidationFailed, Remove}:             {Removed, Removed},
		{AwaitingPayment, Remove}:              {Removed, Removed},
		{Active, Remove}:                       {Removed, Removed},
		{Lapsed, Remove}:                       {Removed, Removed},
	}
	pairs := 0
	for _, s := range Statuses {
		for _, a := range Actions {
			for i, paid := range []bool{false, true} {
				pairs++
				got, err := Next(s, a, paid)
				want, ok := allowed[key{s, a}]
				if ok {
					if err != nil || got != want[i] {
						t.Errorf("Next(%s, %s, paid=%v) = %s, %v; want %s", s, a, paid, got, err, want[i])
					}
					continue
				}
				var se *apperr.StateError
				if !errors.As(err, &se) || !errors.Is(err, apperr.ErrConflict) || got != s {
					t.Errorf("Next(%s, %s, paid=%v) = %s, %v; want a conflict", s, a, paid, got, err)
					continue
				}
				if !strings.Contains(err.Error(), string(s)) {
					t.Errorf("Next(%s, %s): the conflict %q does not name the current status", s, a, err)
				}
			}
		}
	}
	if pairs != len(Statuses)*len(Actions)*2 {
		t.Fatalf("covered %d pairs", pairs)
	}
}
