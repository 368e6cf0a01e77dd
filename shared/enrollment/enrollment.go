// Package enrollment is one member in one program, with its onboarding state
// machine: sign-up, approval, process validation, payment, go-live, renewal,
// lapse, termination and removal.
package enrollment

import (
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/member"
)

// Status is where an enrollment stands.
type Status string

// Statuses.
const (
	// PendingMemberConsent: the sign-up joins a member that already
	// existed; nothing happens inside that member until one of its admins
	// confirms that the person who signed up speaks for it.
	PendingMemberConsent Status = "pending_member_consent"
	PendingApproval      Status = "pending_approval"
	Validating           Status = "validating"
	ValidationFailed     Status = "validation_failed"
	AwaitingPayment      Status = "awaiting_payment"
	Active               Status = "active"
	Lapsed               Status = "lapsed"
	Rejected             Status = "rejected"
	Terminated           Status = "terminated"
	Removed              Status = "removed"
)

// Statuses lists every status.
var Statuses = []Status{PendingMemberConsent, PendingApproval, Validating, ValidationFailed, AwaitingPayment, Active, Lapsed, Rejected, Terminated, Removed}

// Reaches reports whether an enrollment in this status lets its member reach
// others through the program (directory and case intake).
func (s Status) Reaches() bool { return s == Active || s == Lapsed }

// Action is something that happens to an enrollment.
type Action string

// Actions.
const (
	// ConfirmConsent and DeclineConsent are the existing member's answer
	// to a sign-up made in its name.
	ConfirmConsent Action = "confirm_member_consent"
	DeclineConsent Action = "decline_member_consent"
	Approve        Action = "approve"
	Reject         Action = "reject"
	// Pass and Fail record the validation test case's outcome.
	Pass Action = "pass_validation"
	Fail Action = "fail_validation"
	// Resend sends a new validation test case.
	Resend Action = "resend_validation"
	// Pay records the membership invoice paid.
	Pay Action = "pay_membership"
	// Lapse: the renewal date passed unpaid.
	Lapse Action = "lapse"
	// Renew: the renewal invoice was paid.
	Renew     Action = "renew"
	Terminate Action = "terminate"
	Remove    Action = "remove"
	// AskAddendum mails the partner the program's new addendum version;
	// AcceptAddendum records its acceptance. Neither changes the status.
	AskAddendum    Action = "ask_addendum"
	AcceptAddendum Action = "accept_addendum"
	// Merge: the member was merged into another, which the enrollment
	// now belongs to.
	Merge Action = "merge"
)

// Actions lists every action.
var Actions = []Action{ConfirmConsent, DeclineConsent, Approve, Reject, Pass, Fail, Resend, Pay, Lapse, Renew, Terminate, Remove}

// Next is the state machine: the status after action a in status s, given
// whether the membership is paid (or the host pays). A refused pair is an
// *apperr.StateError naming the current status.
func Next(s Status, a Action, paid bool) (Status, error) {
	refuse := func() (Status, error) {
		return s, &apperr.StateError{Object: "the enrollment", Action: string(a), Current: string(s)}
	}
	switch a {
	case ConfirmConsent:
		if s == PendingMemberConsent {
			return PendingApproval, nil
		}
	case DeclineConsent:
		if s == PendingMemberConsent {
			return Rejected, nil
		}
	case Approve:
		if s == PendingApproval {
			return Validating, nil
		}
	case Reject:
		if s == PendingApproval {
			return Rejected, nil
		}
	case Pass:
		if s == Validating || s == ValidationFailed {
			if paid {
				return Active, nil
			}
			return AwaitingPayment, nil
		}
	case Fail:
		if s == Validating {
			return ValidationFailed, nil
		}
	case Resend:
		if s == Validating || s == ValidationFailed {
			return Validating, nil
		}
	case Pay:
		switch s {
		case AwaitingPayment:
			return Active, nil
		case PendingApproval, Validating, ValidationFailed:
			return s, nil // recorded; goes live when validated
		}
	case Lapse:
		if s == Active {
			return Lapsed, nil
		}
	case Renew:
		if s == Active || s == Lapsed {
			return Active, nil
		}
	case Terminate:
		if s == Lapsed {
			return Terminated, nil
		}
	case Remove:
		switch s {
		case PendingApproval, Validating, ValidationFailed, AwaitingPayment, Active, Lapsed:
			return Removed, nil
		}
	}
	return refuse()
}

// Company is the partner company as it signed up.
type Company struct {
	Name    string `json:"name"`
	Website string `json:"website"`
	Country string `json:"country"`
}

// Contacts are the partner's contacts for this program.
type Contacts struct {
	Primary    member.Contact `json:"primary"`
	Support    member.Contact `json:"support"`
	Escalation member.Contact `json:"escalation"`
	Billing    member.Contact `json:"billing"`
}

// Acceptance records who accepted which addendum version, when.
type Acceptance struct {
	Version string    `json:"version"`
	Name    string    `json:"name"`
	Title   string    `json:"title"`
	At      time.Time `json:"at"`
}

// Enrollment is one member in one program.
type Enrollment struct {
	ID        string
	ProgramID string
	MemberID  string
	// MemberName is the partner member's name (the directory lists it).
	MemberName   string
	HostMemberID string
	Status       Status
	// Email is the verified address that signed up.
	Email        string
	Company      Company
	Contacts     Contacts
	DepartmentID string
	// Addendum is the program addendum version the partner accepted last.
	Addendum Acceptance
	// AddendumAsked is the newer version the partner was mailed to accept
	// (empty until the program's addendum changes after its sign-up).
	AddendumAsked   string
	AddendumAskedAt time.Time
	// HostPaid: the host pays; the partner never owes a membership fee.
	HostPaid bool
	// ExistingMember: the sign-up joined a member that existed before it,
	// so it needed that member's consent, and the member's credential goes
	// only to an address at the member's own domain.
	ExistingMember bool
	// Proposal is what the person signing up typed for the member's
	// inbound process, kept until the member consents (only then is the
	// department created).
	Proposal *Proposal
	// Paid: the membership invoice is paid (member-paid programs).
	Paid                bool
	MembershipInvoiceID string
	// ValidationHash is the hash of the current test case's token; older
	// test cases no longer count.
	ValidationHash string
	Reason         string
	GoLiveAt       time.Time
	// RenewalDate is the next anniversary of going live (member-paid).
	RenewalDate time.Time
	// RenewalStep is how far the current renewal year has gone.
	RenewalStep RenewalStep
	// RenewalInvoiceID is the current renewal year's invoice, once issued.
	RenewalInvoiceID string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Version          int
}

// Settled reports whether the membership needs no (more) payment.
func (e Enrollment) Settled() bool { return e.HostPaid || e.Paid }

// Event is one entry of an enrollment's audit trail.
type Event struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action Action    `json:"action"`
	From   Status    `json:"from,omitempty"`
	To     Status    `json:"to"`
	Reason string    `json:"reason,omitempty"`
}
