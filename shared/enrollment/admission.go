package enrollment

import (
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// Proposal is the partner's inbound support process as the person signing
// up typed it. A new member's department is made from it at once; an
// existing member's only when one of its admins consents.
type Proposal struct {
	DepartmentName string             `json:"departmentName"`
	Inbound        department.Inbound `json:"inbound"`
}

// Admission is what letting a sign-up into its program writes beside the
// enrollment: the partner's first department, the membership invoice
// (member-paid programs), the validation test case (pre-approved
// addresses), and the mail that tells the host and the partner.
type Admission struct {
	Department department.Department
	Invoice    *billing.Invoice
	Validation *Token
	Messages   []notify.Message
}

// Admit lets e into prg with the inbound process p: e becomes
// pending_approval, or validating when its address is pre-approved, and
// gets its department, invoice and test case. newMember says the company is
// new to Tandem; consentBy names the admin who confirmed a sign-up into an
// existing member ("" when none was needed).
func Admit(e *Enrollment, prg program.Program, p Proposal, o notify.Origin, links Links, newMember bool, consentBy string, now time.Time) Admission {
	preApproved := prg.PreApprovedFor(e.Email)
	e.Status = PendingApproval
	if preApproved {
		e.Status = Validating
	}
	e.Proposal = nil
	var a Admission
	a.Department = department.Department{
		ID: ident.New(ident.Department, now), MemberID: e.MemberID, Name: p.DepartmentName,
		ProgramIDs: []string{prg.ID}, Form: prg.Form, Inbound: p.Inbound, CreatedAt: now, UpdatedAt: now, Version: 1,
		UpdatedBy: "sign-up by " + e.Email,
	}
	e.DepartmentID = a.Department.ID

	partnerFrom := prg.From(o.From)
	if prg.Payment == program.MemberPaid {
		inv := billing.Invoice{
			ID: ident.New(ident.Invoice, now), MemberID: e.MemberID, ProgramID: prg.ID, EnrollmentID: e.ID, Kind: billing.Membership,
			PeriodStart: billing.Date(now), PeriodEnd: billing.Date(billing.AddYears(now, 1)),
			Lines:    []billing.Line{billing.NewLine(prg.Name+" membership, first year (starts when you go live)", 1, billing.MembershipFeeCents)},
			Currency: billing.Currency, Status: billing.Open, IssuedAt: now, DueAt: now.Add(billing.PaymentTerms),
			CreatedAt: now, UpdatedAt: now, Version: 1,
		}
		inv.TotalCents = billing.Total(inv.Lines)
		a.Invoice = &inv
		e.MembershipInvoiceID = inv.ID
		a.Messages = append(a.Messages, notify.Message{
			ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: partnerFrom,
			To: []string{e.Contacts.Billing.Email}, Ref: inv.ID, CreatedAt: now,
			Data: billing.InvoiceMail(inv, e.Contacts.Billing.Name, e.Company.Name, prg.Name, "membership", billing.PayLinks{Keys: links.Keys}.URL(o.BaseURL, inv)),
		})
	}
	if preApproved {
		t, msg := TestCase(*e, prg, p.Inbound.Email, o, now)
		e.ValidationHash = t.Hash
		a.Validation = &t
		a.Messages = append(a.Messages, msg)
	}
	in := p.Inbound
	a.Messages = append(a.Messages,
		notify.Message{
			ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: o.From,
			To: prg.NotifyEmails, Ref: e.ID, CreatedAt: now, Data: notify.SignupHost{
				ProgramName: prg.Name, CompanyName: e.Company.Name, Website: e.Company.Website, Country: e.Company.Country,
				Email: e.Email, Primary: ContactLine(e.Contacts.Primary), Support: ContactLine(e.Contacts.Support),
				Escalation: ContactLine(e.Contacts.Escalation), InboundEmail: in.Email, InboundPhone: in.Phone,
				Hours: HoursLine(in.Hours), Instructions: in.Instructions, PreApproved: preApproved,
				Payment: string(prg.Payment), EnrollmentID: e.ID, NewMember: newMember, ConsentBy: consentBy,
				AddendumLine: addendumLine(e.Addendum),
				ApproveLink:  o.BaseURL + "/h/" + links.Sign(e.ID, Approve, now.Add(LinkTTL)),
				RejectLink:   o.BaseURL + "/h/" + links.Sign(e.ID, Reject, now.Add(LinkTTL)),
				BaseURL:      o.BaseURL,
			},
		},
		notify.Message{
			ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: partnerFrom,
			To: uniqueAddrs(e.Email, e.Contacts.Primary.Email), ReplyTo: []string{prg.PrimaryContact.Email}, Ref: e.ID, CreatedAt: now,
			Data: SignupMail(prg, e.Company.Name, e.Contacts.Primary.Name, preApproved, in.Email),
		},
	)
	return a
}

// addendumLine says which addendum version was accepted, by whom.
func addendumLine(a Acceptance) string {
	return fmt.Sprintf("version %s, accepted by %s (%s)", a.Version, a.Name, a.Title)
}

// uniqueAddrs drops empty and repeated (case-insensitively) addresses.
func uniqueAddrs(addrs ...string) []string {
	var out []string
	for _, a := range addrs {
		dup := false
		for _, o := range out {
			if strings.EqualFold(o, a) {
				dup = true
			}
		}
		if !dup && a != "" {
			out = append(out, a)
		}
	}
	return out
}

// ContactLine is a contact as one line of a mail.
func ContactLine(c member.Contact) string {
	s := c.Name + " <" + c.Email + ">"
	if c.Phone != "" {
		s += ", " + c.Phone
	}
	return s
}

// HoursLine is business hours as one line of a mail.
func HoursLine(h hours.Hours) string {
	if h.Always {
		return "24x7"
	}
	return fmt.Sprintf("%s %s–%s (%s)", strings.Join(h.Days, ", "), h.Start, h.End, h.Zone)
}

// SignupMail is the mail a partner gets when it signs up for prg: the
// host's own subject and opening (placeholders filled), what happens next.
func SignupMail(prg program.Program, company, contact string, preApproved bool, inbound string) notify.SignupPartner {
	own := prg.SignupMail.Fill(contact, company, prg.Name, prg.HostName)
	return notify.SignupPartner{
		ProgramName: prg.Name, HostName: prg.HostName, CompanyName: company, ContactName: contact,
		PreApproved: preApproved, MemberPaid: prg.Payment == program.MemberPaid, InboundEmail: inbound,
		Subject: own.Subject, Intro: own.Intro,
	}
}
