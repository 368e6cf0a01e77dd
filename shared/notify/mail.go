package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MailData is the typed input of one mail template: a missing field is a
// compile error where the domain builds the mail, not a dead letter when
// the notifier renders it. Template names the template it fills.
type MailData interface{ Template() string }

// ProgramMail names the program a mail is about, and where its links point.
type ProgramMail struct {
	ProgramName string
	HostName    string
	BaseURL     string
}

// CaseMail is what every mail about a case shows.
type CaseMail struct {
	CaseID string
	// Ref is the case's reference (TDM-…; the id for a case opened before
	// references): every mail of the case has the subject "[Ref] Summary"
	// and names the thread Ref (ThreadID), so mail clients thread it.
	Ref                 string
	Summary             string
	Description         string
	Priority            string
	ProgramName         string
	SubmitterName       string
	SubmitterEmail      string
	ReceiverName        string
	DepartmentName      string
	DueAt               string
	SubmitterCaseNumber string
	BusinessImpact      string
	NoteToManager       string
	Link                string
	// Customer says the case names a mutual customer (the four fields below).
	Customer        bool
	CustomerCompany string
	CustomerContact string
	CustomerEmail   string
	CustomerCase    string
	Fields          []FieldLine
}

// ThreadID implements Threaded: the case's mail is one thread.
func (c CaseMail) ThreadID() string { return c.Ref }

// Threaded is mail that belongs to a thread: each message names it in
// References and In-Reply-To (SES replaces every Message-ID with its own,
// and keeps these), so clients show the thread's mail together.
type Threaded interface {
	// ThreadID is the thread's id, unique to it within Tandem's mail.
	ThreadID() string
}

// FieldLine is one filled-in field of a department's process form.
type FieldLine struct{ Label, Value string }

// InvoiceLine is one line of an invoice, amounts formatted.
type InvoiceLine struct {
	Description string
	Quantity    int
	Unit        string
	Amount      string
}

// RenewalMail is what the renewal mails show.
type RenewalMail struct {
	ProgramMail
	ContactName     string
	CompanyName     string
	RenewalDate     string
	Fee             string
	TerminationDate string
	EnrollmentID    string
}

// The templates' data, one type each (templates/<name>.tmpl).
type (
	// AwaitingPayment: validated, the membership invoice still open.
	AwaitingPayment struct {
		ProgramMail
		ContactName, CompanyName, InvoiceID, Total, Due string
	}
	// CaseNew goes to the receiving department, with one link per action
	// it may take from the mail.
	CaseNew struct {
		CaseMail
		AcceptLink, RequestInfoLink, RejectLink string
	}
	// CaseOpened confirms a case to its submitter.
	CaseOpened struct{ CaseMail }
	// CaseUpdate tells the other side what happened to a case.
	CaseUpdate struct {
		CaseMail
		Action, ActionText, Text, Actor, Status, Engineer, ReceiverCaseNumber string
	}
	// CaseEscalated: nobody answered in time.
	CaseEscalated struct {
		CaseMail
		Level string
		// ReadOnly says Link is a read-only link that needs no sign-in
		// (the escalation contact's), not the console's case page.
		ReadOnly bool
	}
	// ConsentDeclined tells the person who signed up that the member declined.
	ConsentDeclined struct {
		ProgramMail
		MemberName, ContactName string
	}
	// ConsentPending tells the person who signed up that the member decides.
	ConsentPending struct{ MemberName, ProgramName, HostName, ContactName string }
	// EnrollmentApproved: the host approved; the test case follows.
	EnrollmentApproved struct {
		ProgramMail
		ContactName, CompanyName, InboundEmail string
	}
	// EnrollmentLiveHost tells the host a partner went live.
	EnrollmentLiveHost struct {
		ProgramMail
		CompanyName, EnrollmentID string
	}
	// EnrollmentLivePartner tells the partner's first admin it is live,
	// with a sign-in link to the console (Email is the address it signs
	// in with later).
	EnrollmentLivePartner struct {
		ProgramMail
		ContactName, CompanyName, Email, Link, Expires string
	}
	// EnrollmentRejected tells the partner why.
	EnrollmentRejected struct {
		ProgramMail
		ContactName, CompanyName, Reason string
	}
	// AddendumChanged asks a partner to accept the program's new addendum.
	AddendumChanged struct {
		ProgramMail
		CompanyName, Version, Previous, Link, Expires string
	}
	// PartnerMerged tells a host that a partner was merged into another
	// member: IntoName now holds CompanyName's place (keep it or remove it),
	// or, PlaceTaken, CompanyName's place ended as IntoName had its own.
	PartnerMerged struct {
		ProgramMail
		CompanyName, IntoName, Status, EnrollmentID, Link string
		PlaceTaken                                        bool
	}
	// EnrollmentRemoved tells both sides.
	EnrollmentRemoved struct {
		ProgramMail
		CompanyName, Reason, EnrollmentID string
	}
	// EnrollmentRestored: a lapsed partner paid its renewal.
	EnrollmentRestored struct {
		ProgramMail
		CompanyName string
	}
	// InvoiceIssued carries an invoice.
	InvoiceIssued struct {
		ContactName, CompanyName, ProgramName, InvoiceID, Kind, Total, Due, PeriodStart, PeriodEnd string
		Lines                                                                                      []InvoiceLine
		// PayLink pays the invoice online without a sign-in ("" when it
		// cannot be paid online).
		PayLink string
	}
	// PaymentReceived is the receipt of a payment.
	PaymentReceived struct {
		ContactName, CompanyName, ProgramName, InvoiceID, Amount, Reference, Method, PaidOn string
	}
	// MemberConsent asks an existing member's admins about a sign-up in its name.
	MemberConsent struct {
		MemberName, ProgramName, HostName, Email, CompanyName, Website, Country                 string
		Primary, Support, Escalation, Billing, InboundEmail, InboundPhone, Hours                string
		WebhookURL, Instructions, AddendumLine, ConfirmLink, DeclineLink, Expires, EnrollmentID string
	}
	// MemberWelcome greets a new member's first admin.
	MemberWelcome struct{ MemberName, MemberID, ContactName, AdminEmail, BaseURL string }
	// RegistrationVerify carries the sign-up link.
	RegistrationVerify struct{ ProgramName, HostName, Link, Expires string }
	// RenewalHeadsUp: the renewal comes in 45 days.
	RenewalHeadsUp struct{ RenewalMail }
	// RenewalLapsed: the renewal date passed unpaid.
	RenewalLapsed struct{ RenewalMail }
	// RenewalTerminated: 90 days unpaid.
	RenewalTerminated struct{ RenewalMail }
	// RenewalWarning tells the host a termination is near.
	RenewalWarning struct{ RenewalMail }
	// SignupHost tells the host of a sign-up, with one-click links.
	SignupHost struct {
		ProgramName, CompanyName, Website, Country, Email, Primary, Support, Escalation string
		InboundEmail, InboundPhone, Hours, Instructions                                 string
		PreApproved                                                                     bool
		Payment, EnrollmentID                                                           string
		NewMember                                                                       bool
		ConsentBy, AddendumLine, ApproveLink, RejectLink, BaseURL                       string
	}
	// SignupPartner confirms a sign-up to the partner.
	SignupPartner struct {
		ProgramName, HostName, CompanyName, ContactName string
		PreApproved, MemberPaid                         bool
		InboundEmail                                    string
		// Subject and Intro are the host's own words (placeholders
		// filled); empty keeps the defaults.
		Subject, Intro string
	}
	// ValidationFailed tells the partner what to fix.
	ValidationFailed struct {
		ProgramMail
		ContactName, CompanyName, Note, InboundEmail, EnrollmentID string
	}
	// ValidationTest is the test case to the partner's support process.
	ValidationTest struct{ ProgramName, HostName, CompanyName, Link, Expires string }
	// WebhookDisabled tells a member its endpoint was turned off.
	WebhookDisabled struct{ DepartmentName, URL, Reason, BaseURL, DepartmentID, MemberID string }
	// DepartmentUnreachable says mail to a department's inbound address
	// bounced for good or was reported as spam, so Tandem stopped mailing
	// it: to the member's admins (Owner: how to fix it), and to the hosts
	// of its programs and the operators (how to reach it meanwhile).
	DepartmentUnreachable struct {
		DepartmentName, MemberName, Address, Phone, BaseURL, DepartmentID string
		// What is "bounced" or "was reported as spam"; Reason is what the
		// receiving server (or the report) said, labelled as whose words
		// they are (department.Unreachable.Said).
		What, Reason string
		Owner        bool
	}
)

// Template names.
func (AwaitingPayment) Template() string       { return "awaiting_payment" }
func (CaseNew) Template() string               { return "case_new" }
func (CaseOpened) Template() string            { return "case_opened" }
func (CaseUpdate) Template() string            { return "case_update" }
func (CaseEscalated) Template() string         { return "case_escalated" }
func (ConsentDeclined) Template() string       { return "consent_declined" }
func (ConsentPending) Template() string        { return "consent_pending" }
func (EnrollmentApproved) Template() string    { return "enrollment_approved" }
func (EnrollmentLiveHost) Template() string    { return "enrollment_live_host" }
func (EnrollmentLivePartner) Template() string { return "enrollment_live_partner" }
func (EnrollmentRejected) Template() string    { return "enrollment_rejected" }
func (EnrollmentRemoved) Template() string     { return "enrollment_removed" }
func (AddendumChanged) Template() string       { return "addendum_changed" }
func (PartnerMerged) Template() string         { return "partner_merged" }
func (EnrollmentRestored) Template() string    { return "enrollment_restored" }
func (InvoiceIssued) Template() string         { return "invoice_issued" }
func (PaymentReceived) Template() string       { return "payment_received" }
func (MemberConsent) Template() string         { return "member_consent" }
func (MemberWelcome) Template() string         { return "member_welcome" }
func (RegistrationVerify) Template() string    { return "registration_verify" }
func (RenewalHeadsUp) Template() string        { return "renewal_heads_up" }
func (RenewalLapsed) Template() string         { return "renewal_lapsed" }
func (RenewalTerminated) Template() string     { return "renewal_terminated" }
func (RenewalWarning) Template() string        { return "renewal_warning" }
func (SignupHost) Template() string            { return "signup_host" }
func (SignupPartner) Template() string         { return "signup_partner" }
func (ValidationFailed) Template() string      { return "validation_failed" }
func (ValidationTest) Template() string        { return "validation_test" }
func (WebhookDisabled) Template() string       { return "webhook_disabled" }
func (DepartmentUnreachable) Template() string { return "department_unreachable" }

var decoders = map[string]func([]byte) (MailData, error){}

func register[T MailData]() {
	var zero T
	decoders[zero.Template()] = func(b []byte) (MailData, error) {
		var v T
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		return v, nil
	}
}

func init() {
	register[AwaitingPayment]()
	register[CaseNew]()
	register[CaseOpened]()
	register[CaseUpdate]()
	register[CaseEscalated]()
	register[ConsentDeclined]()
	register[ConsentPending]()
	register[EnrollmentApproved]()
	register[EnrollmentLiveHost]()
	register[EnrollmentLivePartner]()
	register[EnrollmentRejected]()
	register[EnrollmentRemoved]()
	register[AddendumChanged]()
	register[PartnerMerged]()
	register[EnrollmentRestored]()
	register[InvoiceIssued]()
	register[PaymentReceived]()
	register[MemberConsent]()
	register[MemberWelcome]()
	register[RegistrationVerify]()
	register[RenewalHeadsUp]()
	register[RenewalLapsed]()
	register[RenewalTerminated]()
	register[RenewalWarning]()
	register[SignupHost]()
	register[SignupPartner]()
	register[ValidationFailed]()
	register[ValidationTest]()
	register[WebhookDisabled]()
	register[DepartmentUnreachable]()
}

// Templates lists every template name that has a data type.
func Templates() []string {
	out := make([]string, 0, len(decoders))
	for k := range decoders {
		out = append(out, k)
	}
	return out
}

// DecodeData reads a stored message's data back into the type of its
// template. An unknown template or a field its type lacks is an error (the
// message can never render: it is dead-lettered).
func DecodeData(template string, raw []byte) (MailData, error) {
	dec, ok := decoders[template]
	if !ok {
		return nil, fmt.Errorf("no mail template %q", template)
	}
	d, err := dec(raw)
	if err != nil {
		return nil, fmt.Errorf("mail data of %s: %w", template, err)
	}
	return d, nil
}

// CaseReminder tells the receiving department that 75 % of the response
// time has passed without a response, with links to answer from the mail.
type CaseReminder struct {
	CaseMail
	AcceptLink, RequestInfoLink string
}

// ActionMail is a mail that carries links which act without a sign-in
// (the receiving department's answers from its mail). Such links are the
// recipient's alone: a copy of the mail for anyone else — a member's
// capture (BCC) address — is made WithoutActions.
type ActionMail interface {
	MailData
	WithoutActions() MailData
}

// WithoutActions is the mail for a capture address: no action link.
func (m CaseNew) WithoutActions() MailData {
	m.AcceptLink, m.RequestInfoLink, m.RejectLink = "", "", ""
	return m
}

// WithoutActions is the mail for a capture address: no action link.
func (m CaseReminder) WithoutActions() MailData {
	m.AcceptLink, m.RequestInfoLink = "", ""
	return m
}

// AddressConfirm asks the owner of an address a member's admin entered
// (a department's inbound or escalation address, a capture address) to
// confirm that it takes Tandem's mail: until it is confirmed, Tandem
// sends that address nothing else.
type AddressConfirm struct {
	MemberName, Address, Link, Expires string
	// What is what the address would receive, e.g. "the cases sent to its
	// department Storage support".
	What string
}

// Template names the template.
func (AddressConfirm) Template() string { return "address_confirm" }

func init() { register[AddressConfirm]() }

// Template names the template.
func (CaseReminder) Template() string { return "case_reminder" }

func init() { register[CaseReminder]() }

// CaseIdle tells both sides that a case without activity closes soon
// (Closed false) or was closed (Closed true).
type CaseIdle struct {
	CaseMail
	Since, ClosesAt string
	Closed          bool
}

// Template names the template.
func (CaseIdle) Template() string { return "case_idle" }

func init() { register[CaseIdle]() }

// LoginLink carries a sign-in link.
type LoginLink struct {
	Name, MemberName, Link string
	Minutes                int
}

// Template names the template.
func (LoginLink) Template() string { return "login_link" }

func init() { register[LoginLink]() }

// UserInvited welcomes a user an admin added in the console: a sign-in
// link that works once, for Days days.
type UserInvited struct {
	Name, MemberName, InvitedBy, Link string
	Days                              int
}

// Template names the template.
func (UserInvited) Template() string { return "user_invited" }

func init() { register[UserInvited]() }

// CaseAssigned tells a user that a case was assigned to them on their
// side.
type CaseAssigned struct {
	CaseMail
	AssigneeName, AssignedBy string
}

// Template names the template.
func (CaseAssigned) Template() string { return "case_assigned" }

func init() { register[CaseAssigned]() }
