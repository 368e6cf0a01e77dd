package web

import (
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/program"
)

// Terms are what joining a program means for a partner, said on its
// landing page and sign-up form: what it costs, and how soon partners
// answer cases.
type Terms struct {
	// Price is what a partner pays, in words.
	Price string
	// PriceNote says when it is invoiced, or who pays instead.
	PriceNote     string
	ResponseTimes []program.ResponseTime
}

// TermsOf are prg's terms: the yearly membership fee of member-paid
// programs (billing.MembershipFeeCents), nothing for host-paid ones.
func TermsOf(prg program.Program) Terms {
	t := Terms{ResponseTimes: prg.ResponseTimes()}
	if prg.Payment == program.HostPaid {
		t.Price = "Free for partners"
		t.PriceNote = "paid by " + prg.HostName + "."
		return t
	}
	t.Price = billing.Money(billing.MembershipFeeCents) + " a year"
	t.PriceNote = "invoiced when you sign up; your membership year starts when you go live."
	return t
}
