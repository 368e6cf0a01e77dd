// Package merger folds one member into another after a merger or an
// acquisition: an operator merges member B ("from") into member A
// ("into"), and every object of B — users, departments, enrollments, open
// and closed cases, invoices, validated configurations and its domain — is
// re-pointed to A, each in a transaction of its own with an entry in that
// object's timeline. B stays, marked merged, with a pointer to A.
//
// A merger is a record of its own (its progress and counts) and runs in
// passes: each pass lists what B still holds and moves it; a pass that
// finds nothing left finishes it. A run that stops half-way (a failed
// write, a request's budget, a crash) leaves the record running, and the
// next run — the operator asking again, or the scheduled escalation run —
// goes on from what B still holds. Every move is a conditional write on the
// object still being B's, so a repeated run moves nothing twice.
package merger

import (
	"time"

	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/member"
)

// Status is where a merger stands.
type Status string

// Statuses.
const (
	Running Status = "running"
	Done    Status = "done"
)

// Counts are the objects a merger moved, by kind.
type Counts struct {
	Users int `json:"users"`
	// UsersFolded are B's users whose address A already had: B's user is
	// removed (its token revoked) and the person goes on as A's user.
	UsersFolded    int `json:"usersFolded"`
	Departments    int `json:"departments"`
	Enrollments    int `json:"enrollments"`
	Cases          int `json:"cases"`
	Invoices       int `json:"invoices"`
	Configurations int `json:"configurations"`
	// HostsTold are the mails to hosts whose program A joined in B's
	// place (or where B's place ended because A already had one).
	HostsTold int `json:"hostsTold"`
}

// Total is every object moved.
func (c Counts) Total() int {
	return c.Users + c.UsersFolded + c.Departments + c.Enrollments + c.Cases + c.Invoices + c.Configurations
}

// Merger is member From being merged into member Into.
type Merger struct {
	From, Into         string
	FromName, IntoName string
	// FromDomain is B's domain, re-pointed to A when the merger finishes.
	FromDomain string
	Status     Status
	// Actor is the operator who started it.
	Actor      string
	StartedAt  time.Time
	FinishedAt time.Time
	Moved      Counts
	// Programs are the programs of B's enrollments, noted as each moves:
	// B's validated configurations are found under them.
	Programs []string
}

// Kind names a kind of object in counts and timelines.
type Kind string

// Kinds, in the order a pass moves them: users first, so B's people act
// as A's from the start; the domain last, so new sign-ups at B's domain
// reach A only once everything else is there.
const (
	Users          Kind = "users"
	UsersFolded    Kind = "usersFolded"
	Departments    Kind = "departments"
	Enrollments    Kind = "enrollments"
	Cases          Kind = "cases"
	Invoices       Kind = "invoices"
	Configurations Kind = "configurations"
	HostsTold      Kind = "hostsTold"
)

// Place is what becomes of B's enrollment in a program.
type Place int

// Places.
const (
	// NoPlace: the enrollment holds no place (awaiting consent, rejected):
	// it moves to A as it is.
	NoPlace Place = iota
	// TakePlace: A had no place in the program: A takes B's.
	TakePlace
	// PlaceTaken: A already has a place in the program (or hosts it):
	// B's enrollment moves to A but ends (removed), A's own stays.
	PlaceTaken
)

// holdsPlace reports whether an enrollment in st holds its member's place
// in the program (as the store keeps it): from admission until rejected.
func holdsPlace(st enrollment.Status) bool {
	return st != enrollment.PendingMemberConsent && st != enrollment.Rejected
}

// live reports whether an enrollment in st lets its member collaborate, or
// is on its way to: the host is asked about A taking such a place.
func live(st enrollment.Status) bool {
	switch st {
	case enrollment.Rejected, enrollment.Removed, enrollment.Terminated, enrollment.PendingMemberConsent:
		return false
	}
	return true
}

// PlaceOf decides what becomes of B's enrollment e given whether A holds
// a place in its program.
func PlaceOf(e enrollment.Enrollment, intoHoldsPlace bool) Place {
	switch {
	case !holdsPlace(e.Status):
		return NoPlace
	case intoHoldsPlace:
		return PlaceTaken
	default:
		return TakePlace
	}
}

// Moved is e as it becomes A's (into): A's id and name, its company named
// A and A's contacts (see AcquirerContacts), and, where A already had a
// place, ended as removed (unless it had already ended).
func Moved(e enrollment.Enrollment, m Merger, into member.Member, place Place, now time.Time) enrollment.Enrollment {
	out := e
	out.MemberID, out.MemberName = m.Into, m.IntoName
	out.Company.Name = m.IntoName
	out.Contacts = AcquirerContacts(e.Contacts, into.Contacts)
	out.UpdatedAt, out.Version = now, e.Version+1
	if place == PlaceTaken && live(e.Status) {
		out.Status = enrollment.Removed
		out.Reason = m.FromName + " was merged into " + m.IntoName + ", which already has its own place in this program (or hosts it)"
	}
	return out
}

// TellHost reports whether the host is mailed about e moving with place.
func TellHost(e enrollment.Enrollment, place Place) bool {
	return place != NoPlace && live(e.Status)
}

// AcquirerContacts are a moved enrollment's contacts: the acquirer
// member's primary, escalation and billing contacts, and its primary one
// as the support contact (a member records none of its own; sign-up's
// "same as the primary contact"). A contact the acquirer has no address
// for stays the enrollment's own, so mail about the place never goes to
// an empty address.
func AcquirerContacts(had enrollment.Contacts, a member.Contacts) enrollment.Contacts {
	pick := func(own, acquirer member.Contact) member.Contact {
		if acquirer.Email == "" {
			return own
		}
		return acquirer
	}
	return enrollment.Contacts{
		Primary:    pick(had.Primary, a.Primary),
		Support:    pick(had.Support, a.Primary),
		Escalation: pick(had.Escalation, a.Escalation),
		Billing:    pick(had.Billing, a.Billing),
	}
}
