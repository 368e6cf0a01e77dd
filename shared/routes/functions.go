package routes

// Kind is how a function is invoked.
type Kind string

// Function kinds.
const (
	HTTP      Kind = "http"
	Authorize Kind = "authorizer"
	Stream    Kind = "stream"
	Scheduled Kind = "scheduled"
	// Event functions take events an EventBridge rule matches (SES's
	// bounces and complaints).
	Event Kind = "event"
)

// Function is one Lambda function.
type Function struct {
	Name        string
	Kind        Kind
	Description string
	MemoryMB    int
	TimeoutSec  int
	// Signs: the function signs or verifies Tandem's own tokens (links in
	// mail, list cursors, form tokens), so it reads the signing keys at
	// its cold start; no other function can read them.
	Signs bool
}

// Functions lists every Lambda function.
var Functions = []Function{
	{Name: Authorizer, Kind: Authorize, Description: "Bearer tokens to principals", MemoryMB: 256, TimeoutSec: 5},
	{Name: Registration, Kind: HTTP, Description: "Landing pages, registration, sign-up and the one-click links of onboarding mail (public)", MemoryMB: 512, TimeoutSec: 10, Signs: true},
	{Name: Approval, Kind: HTTP, Description: "Members, users, programs, enrollments", MemoryMB: 512, TimeoutSec: 10, Signs: true},
	{Name: Payments, Kind: HTTP, Description: "Invoices and their payment: transfers, Checkout Sessions, Stripe's webhook, pay links", MemoryMB: 512, TimeoutSec: 10, Signs: true},
	{Name: Cases, Kind: HTTP, Description: "Departments, directory, case intake and lifecycle", MemoryMB: 512, TimeoutSec: 10, Signs: true},
	{Name: Hooks, Kind: HTTP, Description: "Signed vendor webhooks in; webhook secrets and delivery log", MemoryMB: 512, TimeoutSec: 10, Signs: true},
	// The notifier starts an attempt only with its whole budget (a send of
	// up to 45 s and its record, delivery.Budget) left: 120 s lets a batch
	// wait out a hung SES once and still try the items behind it.
	{Name: Notifier, Kind: Stream, Description: "Sends outbox mail and webhooks from the table stream", MemoryMB: 256, TimeoutSec: 120},
	{Name: Redrive, Kind: Scheduled, Description: "Retries outbox items the stream could not deliver", MemoryMB: 256, TimeoutSec: 120},
	{Name: Escalation, Kind: Scheduled, Description: "Escalates cases nobody answered in time", MemoryMB: 256, TimeoutSec: 240, Signs: true},
	{Name: Renewals, Kind: Scheduled, Description: "Renewal notices, invoices, lapses and terminations", MemoryMB: 256, TimeoutSec: 600, Signs: true},
	{Name: Billing, Kind: Scheduled, Description: "Yearly host invoices for host-paid programs", MemoryMB: 256, TimeoutSec: 600, Signs: true},
	{Name: Housekeeping, Kind: Scheduled, Description: "Warns about, then closes, cases without activity for 30 days", MemoryMB: 256, TimeoutSec: 600},
	{Name: MailEvents, Kind: Event, Description: "SES bounces and complaints: suppresses the address, tells the owners of an unreachable department", MemoryMB: 256, TimeoutSec: 30},
}

// Schedule is an EventBridge schedule that invokes a function.
type Schedule struct {
	Name     string
	Function string
	// Expression is in EventBridge syntax: rate(...) or cron(...), UTC.
	Expression string
	// Steps name what one run does, in the order it does them: each is a
	// sweep of a due index, and runs only when the ones before it did not
	// fail. The function's job names the same (a test in package app
	// holds them together), so a run's work is read here, not found in
	// its code.
	Steps []string
}

// Schedules lists every scheduled run.
var Schedules = []Schedule{
	{Name: "redrive", Function: Redrive, Expression: "rate(1 minute)", Steps: []string{"outbox"}},
	// The escalation run also asks partners to accept a program's new
	// addendum and goes on with members' mergers left running: both are
	// wanted within minutes, and neither is worth a schedule and a
	// function of its own.
	{Name: "escalation", Function: Escalation, Expression: "rate(5 minutes)", Steps: []string{"sla", "addenda", "mergers"}},
	{Name: "renewals", Function: Renewals, Expression: "cron(0 6 * * ? *)", Steps: []string{"renewals"}},
	{Name: "billing", Function: Billing, Expression: "cron(30 6 * * ? *)", Steps: []string{"host-invoices"}},
	{Name: "housekeeping", Function: Housekeeping, Expression: "cron(0 5 * * ? *)", Steps: []string{"idle-cases"}},
}

// FunctionByName finds a function.
func FunctionByName(name string) (Function, bool) {
	for _, f := range Functions {
		if f.Name == name {
			return f, true
		}
	}
	return Function{}, false
}

// ScheduleByName finds a schedule.
func ScheduleByName(name string) (Schedule, bool) {
	for _, s := range Schedules {
		if s.Name == name {
			return s, true
		}
	}
	return Schedule{}, false
}
