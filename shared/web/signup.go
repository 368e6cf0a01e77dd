package web

import (
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/program"
)

// SignupForm is the sign-up page's data, all of it computed by the handler.
type SignupForm struct {
	Program      program.Program
	Token        string
	Email        string
	Fields       map[string]Field
	ErrorCount   int
	FormError    string
	Country      CountryField
	ContactRoles []ContactRole
	Always       bool
	HoursError   string
	Zone         Field
	Zones        []hours.ZoneGroup
	Days         []DayOption
	DaysError    string
	Instructions string
	Accepted     bool
	AcceptError  string
	VersionError string
}

// DayOption is one weekday checkbox.
type DayOption struct {
	Key, Name string
	On        bool
}

// CountryOption is one country of the select.
type CountryOption struct {
	Code, Name string
	Selected   bool
}

// CountryField is the country select with its error.
type CountryField struct {
	Options []CountryOption
	Error   string
}

// ContactRole is one contact's fieldset. The contacts other than the
// primary one may be the same person (SameAsPrimary): the server copies
// the primary contact into them.
type ContactRole struct {
	// Key is the contact's name in the API (primary, support…).
	Key, Title, Hint   string
	Name, Email, Phone Field
	SameAsPrimary      bool
}

// SignupDone is a completed sign-up, for the page that says what happens
// next.
type SignupDone struct {
	Program program.Program
	// Company signed up as EnrollmentID, now in Status.
	Company, EnrollmentID, Status string
	// Email signed up; Primary, Billing and Inbound are the addresses given
	// for the primary and billing contacts and the support process.
	Email, Primary, Billing, Inbound string
}

// Next are the steps ahead of a sign-up, in words a partner reads (never
// a status name): who decides, which mail comes to which address, what
// it asks for, and when the partner goes live.
func (d SignupDone) Next() []string {
	host := d.Program.HostName
	told := d.Email
	if d.Primary != "" && d.Primary != d.Email {
		told = d.Primary + " and " + d.Email
	}
	var steps []string
	switch d.Status {
	case "pending_member_consent":
		steps = append(steps, "Your company already uses Tandem, so one of its admins must confirm that you speak for it. We have mailed them; we write to "+told+" when they decide.",
			"Then "+host+" reviews your sign-up and we write to "+told+" when it is approved.")
	case "validating":
		steps = append(steps, "You are pre-approved: "+host+" does not need to review your sign-up.")
	default:
		steps = append(steps, host+" reviews your sign-up. We write to "+told+" when they have decided.")
	}
	if d.Status == "validating" {
		steps = append(steps, "A test case is on its way to your support address, "+d.Inbound+". Acknowledge it from that mail: it shows cases reach your support team.")
	} else {
		steps = append(steps, "Once you are approved, a test case goes to your support address, "+d.Inbound+". Acknowledge it from that mail: it shows cases reach your support team.")
	}
	if d.Program.Payment != program.HostPaid {
		steps = append(steps, "The membership invoice, "+billing.Money(billing.MembershipFeeCents)+" a year, is mailed to your billing contact, "+d.Billing+
			". You go live once it is paid and the test case is acknowledged; the membership year starts that day.")
	}
	steps = append(steps, "When you go live, "+d.Primary+" is mailed how to start, and your engineers can work cases with "+host+" and its partners.")
	return steps
}
