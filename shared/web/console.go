package web

import (
	"maps"
	"slices"
	"strings"
)

// Nav is the signed-in console's header: who is signed in, and the token
// every form of the page carries.
type Nav struct {
	UserName, MemberName, FormToken string
	// MemberID is the signed-in user's member (its people page).
	MemberID string
	// Active names the current section (inbox, outbox, new, programs,
	// people, invoices, webhooks, operator).
	Active string
	// Admin shows the admin sections (programs, people, invoices, webhooks).
	Admin bool
	// Operator shows the operator's page.
	Operator bool
}

// LoginConfirm is the page behind a sign-in link.
type LoginConfirm struct {
	Token, FormToken string
	// Email is the address the link signs in.
	Email string
	// SignedInAs is the address this browser is signed in as now, when it
	// is another person's: the page asks before switching, and Stay is
	// where the person goes who keeps that session.
	SignedInAs, Stay string
	// Problem says why the link signs nobody in.
	Problem string
}

// CaseRow is one line of the inbox or outbox.
type CaseRow struct {
	ID, Summary, Other, Priority, Status, RespondBy string
	Overdue                                         bool
}

// CaseList is the inbox or outbox page.
type CaseList struct {
	Nav        Nav
	Box        string // inbox or outbox
	Status     string
	Statuses   []string
	Zone       string
	Zones      []string
	Rows       []CaseRow
	NextCursor string
}

// Fact is one labelled value of a case.
type Fact struct{ Label, Value string }

// TimelineEntry is one event of a case's timeline.
type TimelineEntry struct{ At, Actor, What, Text string }

// ActionForm is one action a case page offers: where it posts, its fields
// and the errors beside them.
type ActionForm struct {
	Action, Title, Button string
	Danger                bool
	Fields                []Field
	// Textarea is the name of the one multi-line field, if any.
	Textarea      string
	TextareaLabel string
	TextareaValue string
	TextareaError string
}

// CasePage is one case with its timeline and the actions the viewer may take.
type CasePage struct {
	Nav       Nav
	ID        string
	Summary   string
	Status    string
	Facts     []Fact
	Timeline  []TimelineEntry
	Forms     []ActionForm
	Notice    string
	Problem   string
	Overdue   bool
	RespondBy string
	// Warning tells the submitter the receiving department gets no mail
	// of the case (its address is unconfirmed or bounced), and how else to
	// reach it.
	Warning string
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
	Selected     bool
}

// FormInput is one input of a department's process form, rendered by type.
type FormInput struct {
	Field
	Kind      string // text, textarea, email, number, date, select
	Options   []Option
	Pattern   string
	MaxLength int
}

// DirectoryEntry is one member the engineer may open a case with.
type DirectoryEntry struct {
	Name        string
	Departments []Option // value: department id
}

// NewCase is the new-case page: the directory search, and the chosen
// department's form.
type NewCase struct {
	Nav          Nav
	Query        string
	Entries      []DirectoryEntry
	DepartmentID string
	Department   string
	// Programs are those the department takes cases of (the chosen one
	// Selected); with more than one the page lets the person choose first,
	// since the program decides what the form asks.
	Programs    []Option
	ProgramID   string
	ProgramName string
	Priorities  []Option
	Inputs      []FormInput
	// Problem says why the case was not opened when no field is to blame.
	Problem string
	// Warnings say what to know before sending: the department cannot be
	// reached by mail, is not staffed around the clock…
	Warnings     []string
	Errors       map[string]string
	Values       map[string]string
	NeedCustomer bool
	// Critical: the chosen program is a critical escalation program, so
	// the form asks for the business impact, a note to the receiving
	// manager and the customer's existing case number.
	Critical bool
}

// shows reports whether the form has an input for name (and so shows its
// error beside it).
func (n NewCase) shows(name string) bool {
	switch name {
	case "priority", "summary", "description", "submitterCaseNumber", "businessImpact",
		"customer.company", "customer.contactName", "customer.contactEmail", "customer.caseNumber":
		return true
	case "noteToManager":
		return n.Critical
	}
	return slices.ContainsFunc(n.Inputs, func(in FormInput) bool { return in.Name == name })
}

// newCaseNames are what a person calls the names the form has no input
// for, when an error is about one of them.
var newCaseNames = map[string]string{
	"departmentId": "Department", "programId": "Program", "customer": "Customer", "fields": "Process form", "noteToManager": "Note to the manager",
}

// Summary is what the alert above the form says: a headline, and each
// error of a name the form has no input for (the department, the program,
// a field the department's form lacks) with what it is about, so an error
// is never left unsaid.
func (n NewCase) Summary() (headline string, unplaced []string) {
	placed := false
	for _, name := range slices.Sorted(maps.Keys(n.Errors)) {
		if n.shows(name) {
			placed = true
			continue
		}
		label, ok := newCaseNames[name]
		if field, isField := strings.CutPrefix(name, "fields."); !ok && isField {
			label = "Process form field “" + field + "”"
		} else if !ok {
			label = name
		}
		unplaced = append(unplaced, label+": "+n.Errors[name])
	}
	switch {
	case placed && len(unplaced) > 0:
		return "Please check the highlighted fields, and:", unplaced
	case placed:
		return "Please check the highlighted fields.", nil
	case len(unplaced) > 0:
		return "The case was not opened:", unplaced
	}
	return n.Problem, nil
}

// MailAction is the page behind an action link in a case mail.
type MailAction struct {
	Token, Summary, CaseID, Done string
	Form                         ActionForm
}

func human(s string) string {
	out := []byte(s)
	for i, c := range out {
		if c == '_' {
			out[i] = ' '
		}
	}
	return string(out)
}

// InvoiceRow is one line of the invoices page.
type InvoiceRow struct {
	ID, Program, Kind, Period, Total, Status, Due string
	Overdue                                       bool
}

// InvoiceList is the member's invoices, newest first.
type InvoiceList struct {
	Nav        Nav
	Rows       []InvoiceRow
	NextCursor string
	// MemberID names the member when an operator reads its invoices.
	MemberID string
}

// InvoiceLine is one line of an invoice document.
type InvoiceLine struct{ Description, Quantity, Unit, Amount string }

// InvoiceDoc is one invoice laid out to read and to print.
type InvoiceDoc struct {
	// History is the invoice's timeline (not printed).
	History                        []TimelineEntry
	Nav                            Nav
	ID, Kind, Program, Status      string
	Company, Contact, ContactEmail string
	Issued, Due, Period, Total     string
	Currency                       string
	Lines                          []InvoiceLine
	// Paid, PaidAmount and PaymentRef are set once the invoice is paid.
	Paid, PaidAmount, PaymentRef string
	Overdue                      bool
}

// HookTarget is one department's outbound webhook address.
type HookTarget struct{ Department, URL string }

// DeliveryRow is one attempt in the webhook delivery log.
type DeliveryRow struct {
	At, EventType, URL, Attempt, Result, Error string
	OK                                         bool
}

// WebhooksPage is a member's integrations: the inbound signing secret, the
// departments' outbound addresses and the delivery log.
type WebhooksPage struct {
	Nav Nav
	// Inbound is the address vendor systems post signed events to.
	Inbound string
	// RotatedAt is when the secret was last made ("" when there is none);
	// PreviousUntil is how long the one before it still verifies.
	RotatedAt, PreviousUntil string
	// NewSecret is shown once, on the page the rotation answers with.
	NewSecret  string
	Targets    []HookTarget
	Rows       []DeliveryRow
	NextCursor string
}

// Check is one checkbox of a group (roles, programs).
type Check struct {
	Value, Label string
	Checked      bool
}

// UserRow is one person of a member, with the forms that change them.
type UserRow struct {
	ID, Name, Email, Status, Since string
	Version                        int
	Roles                          []Check
	Programs                       []Check
	Active, Self                   bool
	// Problem is why the last change to this person was refused.
	Problem string
}

// NewUserForm is the invitation or API-token form with what it came back with.
type NewUserForm struct {
	Name, Email string
	Roles       []Check
	Errors      map[string]string
}

// PeoplePage is a member's users, the invitation form and API tokens.
type PeoplePage struct {
	// UnconfirmedCaptures are capture addresses whose owners have not
	// confirmed them: Tandem copies nothing to them yet.
	UnconfirmedCaptures []string
	Nav                 Nav
	// History is the member's timeline with its users' (for its admins).
	History              []TimelineEntry
	MemberID, MemberName string
	Users                []UserRow
	Departments          []Option
	Invite, Token        NewUserForm
	// NewToken is an integration's API token, shown once.
	NewToken, NewTokenName string
	Notice, Problem        string
	// Company is the member's name and contacts form (its values by the
	// JSON names of PATCH /v1/members/{id}, and their errors).
	Company       map[string]string
	CompanyErrors map[string]string
	Version       int
	// Merged, when set, is the member this one was (Merging: is being)
	// merged into (value: its id).
	Merged  *Option
	Merging bool
}

// StatusCount is one status of the enrollment queue's head.
type StatusCount struct {
	Status  string
	N       int
	Current bool
}

// EnrollmentRow is one enrollment of the queue with the steps its status
// allows (approve, reject, validation, resend, remove).
type EnrollmentRow struct {
	ID, Company, Email, Status, Created string
	Version                             int
	Facts                               []Fact
	Steps                               []string
	// Timeline is filled for the enrollment the page was asked to show.
	Timeline []TimelineEntry
	Shown    bool
	Problem  string
	Errors   map[string]string
	Values   map[string]string
}

// EnrollmentQueue is a program's enrollments, filtered by status.
type EnrollmentQueue struct {
	Nav                    Nav
	ProgramID, ProgramName string
	Status                 string
	Total                  int
	Counts                 []StatusCount
	Rows                   []EnrollmentRow
	NextCursor             string
	Notice, Problem        string
	// AddendumVersion is the program's current addendum; Outstanding is
	// true when the rows are the partners yet to accept it.
	AddendumVersion string
	Outstanding     bool
}

// Has reports whether step is one the row offers.
func (r EnrollmentRow) Has(step string) bool {
	for _, s := range r.Steps {
		if s == step {
			return true
		}
	}
	return false
}

// ProgramRow is one program of the host's list.
type ProgramRow struct {
	ID, Name, Type, Payment, Access, LandingURL string
	Pending                                     int
}

// PartnerRow is a program the member is a partner in.
type PartnerRow struct {
	ID, Name, HostName, Status string
}

// ProgramList is the programs a host runs, and those its member is a
// partner in.
type ProgramList struct {
	Nav       Nav
	Rows      []ProgramRow
	Partnered []PartnerRow
}

// LinkRow is one helpful link of a landing page, as the editor shows it.
type LinkRow struct{ Title, URL string }

// LandingPreview is the co-branded landing page as partners will see it.
type LandingPreview struct {
	Name, HostName, About, BannerURL, Contact, AddendumVersion string
	Links                                                      []LinkRow
}

// ProgramEditor creates or edits a program: every decision of the
// playbook, the operators' decisions read-only for hosts, and the preview
// of the landing page from the values in the form.
type ProgramEditor struct {
	Nav Nav
	// History is the program's timeline (an existing program).
	History []TimelineEntry
	// ID is empty while the program is being created.
	ID, LandingURL string
	Version        int
	// Operator may change what the program costs and who pays.
	Operator bool
	Values   map[string]string
	Errors   map[string]string
	Links    []LinkRow
	Bands    []LinkRow // Title: up to (members), URL: unit price in cents
	// Bands are shown as text for hosts.
	BandsText       string
	Preview         LandingPreview
	Notice, Problem string
	// Previewing says the preview shows values that are not saved yet.
	Previewing bool
	// MailSubject and MailText are the sign-up mail as partners get it.
	MailSubject, MailText string
}

// Value is the form's value of a field.
func (p ProgramEditor) Value(name string) string { return p.Values[name] }

// OperatorMember is a member found by the operator's search.
type OperatorMember struct {
	ID, Name, Domain, Kind string
	// Status is active, merging or merged.
	Status   string
	Programs []Option // value: program id
}

// WaitingRow is a sign-up waiting for a decision, in any program.
type WaitingRow struct {
	ID, ProgramID, Program, Company, Email, Status, Since string
}

// StaleRow is a case whose receiver has not responded in time.
type StaleRow struct {
	ID, Summary, From, To, Program, Priority, Due, Late string
	Level                                               int
}

// DeadRow is a message that could not be delivered.
type DeadRow struct {
	ID, Channel, Template, To, Reason, At string
	Attempts                              int
}

// OperatorPage is the platform operators' view: search, sign-ups waiting
// anywhere, stale cases and dead letters.
type OperatorPage struct {
	Nav                         Nav
	Query                       string
	Searched                    bool
	Members                     []OperatorMember
	Waiting                     []WaitingRow
	MoreWaiting                 bool
	Stale                       []StaleRow
	MoreStale                   bool
	Dead                        []DeadRow
	DeadCursor, Notice, Problem string
}

// FormFieldRow is one field of the process form editor.
type FormFieldRow struct {
	Name, Label, Type, Options, Pattern, MaxLength, Help string
	Required                                             bool
	// Position orders the fields; a blank row adds one.
	Position int
}

// DeadlineRow is when a case opened now would need its first response.
type DeadlineRow struct{ Program, Priority, Within, Due string }

// DepartmentEditor is a department's inbound process, hours, escalation
// contact and process form, with previews of the deadlines and the form.
type DepartmentEditor struct {
	Nav                      Nav
	History                  []TimelineEntry
	ID, MemberID, MemberName string
	Version                  int
	Values                   map[string]string
	Errors                   map[string]string
	Days                     []Check
	Zones                    []Option
	Always                   bool
	Fields                   []FormFieldRow
	Types                    []string
	Deadlines                []DeadlineRow
	DeadlineProblem          string
	// Sample is the process form as a submitter will see it.
	Sample          []FormInput
	Notice, Problem string
	// Warnings say what stopped working by itself (a mailbox that
	// bounced, a webhook turned off) and how saving fixes it.
	Warnings   []string
	Previewing bool
	// Unconfirmed are the department's addresses whose owners have not
	// confirmed them yet: the page offers to mail their links again.
	Unconfirmed []string
}

// MergePage is an operator merging one member into another: the target
// to name, then what would move (to confirm), then the merger's progress.
type MergePage struct {
	Nav  Nav
	From OperatorMember
	// Into is the target as typed (a domain or a member id).
	Into            string
	Errors          map[string]string
	Notice, Problem string
	// Preview asks the operator to confirm; Merger is the merger begun.
	Preview *MergePreview
	Merger  *MergeProgress
}

// MergePreview is what a merger would move.
type MergePreview struct {
	IntoID, IntoName, IntoDomain string
	Users, Departments           int
	Programs                     []MergeProgramRow
}

// MergeProgramRow is one of the merged member's enrollments and what
// becomes of it.
type MergeProgramRow struct{ ProgramID, Program, Status, Outcome string }

// MergeProgress is a merger under way or done.
type MergeProgress struct {
	IntoID, IntoName, StartedBy, Started, Finished string
	Running                                        bool
	// Counts are what moved, by kind (label: the kind, value: how many).
	Counts []Option
}
