package enrollment

import "time"

// RenewalStep is how far a member-paid enrollment's current renewal year
// has gone.
type RenewalStep int

// Renewal steps, in order. Each happens once per enrollment and renewal year.
const (
	RenewalNone       RenewalStep = 0
	RenewalHeadsUp    RenewalStep = 1 // 45 days before: a heads-up mail
	RenewalInvoiced   RenewalStep = 2 // 30 days before: the renewal invoice, due on the renewal date
	RenewalLapsed     RenewalStep = 3 // on the renewal date, unpaid: lapsed
	RenewalWarned     RenewalStep = 4 // 14 days before day 90: the host is warned
	RenewalTerminated RenewalStep = 5 // day 90, unpaid: terminated
)

// renewalOffsets are when each step is due, relative to the renewal date.
var renewalOffsets = map[RenewalStep]int{
	RenewalHeadsUp:    -45,
	RenewalInvoiced:   -30,
	RenewalLapsed:     0,
	RenewalWarned:     90 - 14,
	RenewalTerminated: 90,
}

// RenewalStepAt is when step is due for renewal date r.
func RenewalStepAt(r time.Time, step RenewalStep) time.Time {
	return r.AddDate(0, 0, renewalOffsets[step])
}

// NextRenewal is the next renewal step of a member-paid enrollment and when
// it is due; false when none is (host-paid, not live, terminated, removed).
func (e Enrollment) NextRenewal() (RenewalStep, time.Time, bool) {
	if e.HostPaid || e.RenewalDate.IsZero() || !e.Status.Reaches() || e.RenewalStep >= RenewalTerminated {
		return 0, time.Time{}, false
	}
	next := e.RenewalStep + 1
	return next, RenewalStepAt(e.RenewalDate, next), true
}
