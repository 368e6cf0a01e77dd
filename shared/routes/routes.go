// Package routes is the one table of Tandem's HTTP routes, scheduled runs
// and functions. The CDK stack creates API routes, schedules and Lambda
// functions from it; the local gateway and scheduler dispatch with it; each
// function serves exactly the routes assigned to it here.
package routes

import "strings"

// Function names (functions/<name>/main.go).
const (
	Authorizer   = "authorizer"
	Registration = "registration"
	Approval     = "approval"
	Payments     = "payments"
	Cases        = "cases"
	Hooks        = "hooks"
	Notifier     = "notifier"
	Redrive      = "redrive"
	Escalation   = "escalation"
	Housekeeping = "housekeeping"
	Renewals     = "renewals"
	Billing      = "billing"
	MailEvents   = "mailevents"
)

// Auth says who may call a route.
type Auth string

// Auth kinds.
const (
	// Token routes need a bearer token; the authorizer checks it.
	Token Auth = "token"
	// Public routes need nothing (or verify a secret in the URL or body
	// themselves: sign-up tokens, one-click links).
	Public Auth = "public"
	// Signed routes carry a request signature the handler verifies
	// (vendor webhooks).
	Signed Auth = "signed"
	// Session routes are console pages: the function resolves the session
	// cookie (no gateway authorizer: a page without a session answers 303
	// to /login, which a gateway authorizer could not), and every POST's
	// form token is checked before the handler runs.
	Session Auth = "session"
)

// Body is what a route accepts as its request body.
type Body string

// Body kinds.
const (
	NoBody Body = "none"
	JSON   Body = "json"
	// Form is an HTML form post (application/x-www-form-urlencoded).
	Form Body = "form"
)

// Route is one method and path template, e.g. "GET /v1/cases/{id}".
type Route struct {
	Method   string
	Path     string
	Function string
	Auth     Auth
	Body     Body
	// Create routes make a new object, or append to one (a note), and
	// honour Idempotency-Key: a retried request is answered, not done twice.
	Create bool
	// Page routes answer HTML (errors too).
	Page bool
}

// Key is API Gateway's route key: "METHOD /path/{param}".
func (r Route) Key() string { return r.Method + " " + r.Path }

// Table is every route of the HTTP API.
var Table = []Route{
	// Members and users.
	{Method: "POST", Path: "/v1/members", Function: Approval, Auth: Token, Body: JSON, Create: true},
	{Method: "GET", Path: "/v1/members", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "PATCH", Path: "/v1/members/{id}", Function: Approval, Auth: Token, Body: JSON},
	{Method: "GET", Path: "/v1/members/{id}/users", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "GET", Path: "/v1/programs", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "GET", Path: "/v1/members/{id}", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "GET", Path: "/v1/members/{id}/events", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "POST", Path: "/v1/members/{id}/merge", Function: Approval, Auth: Token, Body: JSON},
	{Method: "GET", Path: "/v1/members/{id}/merge", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "GET", Path: "/v1/members/{id}/users/{userId}/events", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "POST", Path: "/v1/members/{id}/users", Function: Approval, Auth: Token, Body: JSON, Create: true},
	{Method: "DELETE", Path: "/v1/members/{id}/users/{userId}", Function: Approval, Auth: Token, Body: NoBody},

	// Programs.
	{Method: "POST", Path: "/v1/programs", Function: Approval, Auth: Token, Body: JSON, Create: true},
	{Method: "GET", Path: "/v1/programs/{id}", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "PATCH", Path: "/v1/programs/{id}", Function: Approval, Auth: Token, Body: JSON},
	{Method: "GET", Path: "/v1/programs/{id}/events", Function: Approval, Auth: Token, Body: NoBody},

	// Registration (public). {id} of registrations is the program's slug:
	// API Gateway wants one parameter name per path segment.
	{Method: "POST", Path: "/v1/programs/{id}/registrations", Function: Registration, Auth: Public, Body: JSON},
	{Method: "POST", Path: "/v1/signups", Function: Registration, Auth: Public, Body: JSON, Create: true},
	{Method: "GET", Path: "/p/{slug}", Function: Registration, Auth: Public, Body: NoBody, Page: true},
	{Method: "GET", Path: "/p/{slug}/marketplace", Function: Registration, Auth: Public, Body: NoBody, Page: true},
	{Method: "POST", Path: "/p/{slug}", Function: Registration, Auth: Public, Body: Form, Page: true},
	{Method: "GET", Path: "/p/{slug}/signup", Function: Registration, Auth: Public, Body: NoBody, Page: true},
	{Method: "POST", Path: "/p/{slug}/signup", Function: Registration, Auth: Public, Body: Form, Page: true},

	// Enrollments and onboarding.
	{Method: "GET", Path: "/v1/programs/{id}/enrollments", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "GET", Path: "/v1/reports/sla", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "POST", Path: "/v1/programs/{id}/configurations", Function: Approval, Auth: Token, Body: JSON, Create: true},
	{Method: "GET", Path: "/v1/programs/{id}/configurations", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "POST", Path: "/v1/configurations/{id}/approve", Function: Approval, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/configurations/{id}/reject", Function: Approval, Auth: Token, Body: JSON},
	{Method: "GET", Path: "/v1/configurations/{id}/events", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "GET", Path: "/v1/enrollments/{id}", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "GET", Path: "/v1/enrollments/{id}/events", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "POST", Path: "/v1/enrollments/{id}/approve", Function: Approval, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/enrollments/{id}/reject", Function: Approval, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/enrollments/{id}/addendum", Function: Approval, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/enrollments/{id}/member-consent", Function: Approval, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/enrollments/{id}/validation", Function: Approval, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/enrollments/{id}/resend-validation", Function: Approval, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/enrollments/{id}/remove", Function: Approval, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/validations/{token}/acknowledge", Function: Approval, Auth: Public, Body: JSON},
	{Method: "POST", Path: "/v1/credentials/{token}/claim", Function: Approval, Auth: Public, Body: JSON},
	{Method: "GET", Path: "/h/{token}", Function: Registration, Auth: Public, Body: NoBody, Page: true},
	{Method: "GET", Path: "/a/{token}", Function: Registration, Auth: Public, Body: NoBody, Page: true},
	{Method: "POST", Path: "/a/{token}", Function: Registration, Auth: Public, Body: Form, Page: true},
	{Method: "POST", Path: "/h/{token}", Function: Registration, Auth: Public, Body: Form, Page: true},
	{Method: "GET", Path: "/m/{token}", Function: Registration, Auth: Public, Body: NoBody, Page: true},
	{Method: "POST", Path: "/m/{token}", Function: Registration, Auth: Public, Body: Form, Page: true},
	{Method: "GET", Path: "/v/{token}", Function: Registration, Auth: Public, Body: NoBody, Page: true},
	{Method: "POST", Path: "/v/{token}", Function: Registration, Auth: Public, Body: Form, Page: true},
	{Method: "GET", Path: "/c/{token}", Function: Registration, Auth: Public, Body: NoBody, Page: true},
	{Method: "POST", Path: "/c/{token}", Function: Registration, Auth: Public, Body: Form, Page: true},

	// Invoices.
	{Method: "GET", Path: "/v1/invoices", Function: Payments, Auth: Token, Body: NoBody},
	{Method: "GET", Path: "/v1/invoices/{id}", Function: Payments, Auth: Token, Body: NoBody},
	{Method: "GET", Path: "/v1/invoices/{id}/events", Function: Payments, Auth: Token, Body: NoBody},
	{Method: "POST", Path: "/v1/invoices/{id}/payments", Function: Payments, Auth: Token, Body: JSON},
	// Paying online: a Stripe Checkout Session for an invoice, Stripe's
	// signed webhook (before /v1/hooks/{memberId}, which it would match),
	// and the invoice mail's signed pay link (no sign-in).
	{Method: "POST", Path: "/v1/invoices/{id}/checkout", Function: Payments, Auth: Token, Body: JSON, Create: true},
	{Method: "POST", Path: "/v1/hooks/stripe", Function: Payments, Auth: Signed, Body: JSON},
	{Method: "GET", Path: "/pay/{token}", Function: Payments, Auth: Public, Body: NoBody, Page: true},

	// Users, departments, directory and cases.
	{Method: "PATCH", Path: "/v1/members/{id}/users/{userId}", Function: Approval, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/members/{id}/departments", Function: Cases, Auth: Token, Body: JSON, Create: true},
	{Method: "GET", Path: "/v1/members/{id}/departments", Function: Cases, Auth: Token, Body: NoBody},
	{Method: "GET", Path: "/v1/departments/{id}", Function: Cases, Auth: Token, Body: NoBody},
	{Method: "PATCH", Path: "/v1/departments/{id}", Function: Cases, Auth: Token, Body: JSON},
	{Method: "GET", Path: "/v1/departments/{id}/events", Function: Cases, Auth: Token, Body: NoBody},
	{Method: "POST", Path: "/v1/departments/{id}/holidays", Function: Cases, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/departments/{id}/confirmations", Function: Cases, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/members/{id}/confirmations", Function: Cases, Auth: Token, Body: JSON},
	{Method: "GET", Path: "/v1/directory", Function: Cases, Auth: Token, Body: NoBody},
	{Method: "POST", Path: "/v1/cases", Function: Cases, Auth: Token, Body: JSON, Create: true},
	{Method: "GET", Path: "/v1/cases", Function: Cases, Auth: Token, Body: NoBody},
	{Method: "GET", Path: "/v1/cases/{id}", Function: Cases, Auth: Token, Body: NoBody},
	{Method: "GET", Path: "/v1/cases/{id}/events", Function: Cases, Auth: Token, Body: NoBody},
	{Method: "POST", Path: "/v1/cases/{id}/accept", Function: Cases, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/cases/{id}/request-info", Function: Cases, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/cases/{id}/notes", Function: Cases, Auth: Token, Body: JSON, Create: true},
	{Method: "POST", Path: "/v1/cases/{id}/reject", Function: Cases, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/cases/{id}/close", Function: Cases, Auth: Token, Body: JSON},
	{Method: "POST", Path: "/v1/cases/{id}/assign", Function: Cases, Auth: Token, Body: JSON, Create: true},

	// Vendor webhooks.
	{Method: "POST", Path: "/v1/hooks/{memberId}", Function: Hooks, Auth: Signed, Body: JSON},
	{Method: "POST", Path: "/v1/members/{id}/webhook-secret", Function: Hooks, Auth: Token, Body: JSON},
	{Method: "GET", Path: "/v1/members/{id}/webhook-deliveries", Function: Hooks, Auth: Token, Body: NoBody},
	// Sending domains (SES identities): here, with the other integrations,
	// so only this function carries the SES identity client.
	{Method: "POST", Path: "/v1/members/{id}/sending-domain", Function: Hooks, Auth: Token, Body: JSON},
	{Method: "GET", Path: "/v1/members/{id}/sending-domain", Function: Hooks, Auth: Token, Body: NoBody},

	// The console: sign-in (registration function), cases (cases function),
	// invoices (approval function), webhooks (hooks function).
	{Method: "GET", Path: "/login", Function: Registration, Auth: Public, Body: NoBody, Page: true},
	{Method: "POST", Path: "/login", Function: Registration, Auth: Public, Body: Form, Page: true},
	{Method: "GET", Path: "/login/{token}", Function: Registration, Auth: Public, Body: NoBody, Page: true},
	{Method: "POST", Path: "/login/{token}", Function: Registration, Auth: Public, Body: Form, Page: true},
	{Method: "POST", Path: "/logout", Function: Registration, Auth: Session, Body: Form, Page: true},
	{Method: "GET", Path: "/inbox", Function: Cases, Auth: Session, Body: NoBody, Page: true},
	{Method: "GET", Path: "/outbox", Function: Cases, Auth: Session, Body: NoBody, Page: true},
	{Method: "GET", Path: "/cases/new", Function: Cases, Auth: Session, Body: NoBody, Page: true},
	{Method: "POST", Path: "/cases", Function: Cases, Auth: Session, Body: Form, Page: true},
	{Method: "GET", Path: "/cases/{id}", Function: Cases, Auth: Session, Body: NoBody, Page: true},
	{Method: "POST", Path: "/cases/{id}/accept", Function: Cases, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/cases/{id}/request-info", Function: Cases, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/cases/{id}/notes", Function: Cases, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/cases/{id}/reject", Function: Cases, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/cases/{id}/close", Function: Cases, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/cases/{id}/assign", Function: Cases, Auth: Session, Body: Form, Page: true},
	{Method: "GET", Path: "/r/{token}", Function: Cases, Auth: Public, Body: NoBody, Page: true},
	{Method: "POST", Path: "/r/{token}", Function: Cases, Auth: Public, Body: Form, Page: true},
	// A case read without a sign-in: the signed link in the level-1
	// escalation contact's mail.
	{Method: "GET", Path: "/s/{token}", Function: Cases, Auth: Public, Body: NoBody, Page: true},
	// Address confirmation links (departments' and members' capture
	// addresses); the button's POST carries no fields.
	{Method: "GET", Path: "/e/{token}", Function: Cases, Auth: Public, Body: NoBody, Page: true},
	{Method: "POST", Path: "/e/{token}", Function: Cases, Auth: Public, Body: Form, Page: true},
	{Method: "GET", Path: "/invoices", Function: Payments, Auth: Session, Body: NoBody, Page: true},
	{Method: "GET", Path: "/invoices/{id}", Function: Payments, Auth: Session, Body: NoBody, Page: true},
	{Method: "POST", Path: "/invoices/{id}/checkout", Function: Payments, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/invoices/{id}/payments", Function: Payments, Auth: Session, Body: Form, Page: true},
	{Method: "GET", Path: "/members/{id}/users", Function: Approval, Auth: Session, Body: NoBody, Page: true},
	{Method: "POST", Path: "/members/{id}", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/members/{id}/users", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/members/{id}/users/{userId}", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/members/{id}/users/{userId}/revoke", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/members/{id}/tokens", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "GET", Path: "/programs", Function: Approval, Auth: Session, Body: NoBody, Page: true},
	{Method: "GET", Path: "/programs/new", Function: Approval, Auth: Session, Body: NoBody, Page: true},
	{Method: "POST", Path: "/programs", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "GET", Path: "/programs/{id}", Function: Approval, Auth: Session, Body: NoBody, Page: true},
	{Method: "POST", Path: "/programs/{id}", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "GET", Path: "/programs/{id}/enrollments", Function: Approval, Auth: Session, Body: NoBody, Page: true},
	{Method: "GET", Path: "/reports/sla", Function: Approval, Auth: Session, Body: NoBody, Page: true},
	{Method: "GET", Path: "/programs/{id}/configurations", Function: Approval, Auth: Session, Body: NoBody, Page: true},
	{Method: "POST", Path: "/programs/{id}/configurations", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/programs/{id}/configurations/{configurationId}/approve", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/programs/{id}/configurations/{configurationId}/reject", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/programs/{id}/enrollments/{enrollmentId}/approve", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/programs/{id}/enrollments/{enrollmentId}/reject", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/programs/{id}/enrollments/{enrollmentId}/validation", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/programs/{id}/enrollments/{enrollmentId}/resend", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/programs/{id}/enrollments/{enrollmentId}/remove", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "GET", Path: "/departments/{id}", Function: Cases, Auth: Session, Body: NoBody, Page: true},
	{Method: "POST", Path: "/departments/{id}", Function: Cases, Auth: Session, Body: Form, Page: true},
	{Method: "GET", Path: "/operator", Function: Approval, Auth: Session, Body: NoBody, Page: true},
	{Method: "POST", Path: "/operator/dead-letters/{id}/resend", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "GET", Path: "/operator/members/{id}/merge", Function: Approval, Auth: Session, Body: NoBody, Page: true},
	{Method: "POST", Path: "/operator/members/{id}/merge", Function: Approval, Auth: Session, Body: Form, Page: true},
	{Method: "GET", Path: "/webhooks", Function: Hooks, Auth: Session, Body: NoBody, Page: true},
	{Method: "POST", Path: "/webhooks/secret", Function: Hooks, Auth: Session, Body: Form, Page: true},
	// A host's sending domain (its admins): register, read the records, check now.
	{Method: "GET", Path: "/members/{id}/sending-domain", Function: Hooks, Auth: Session, Body: NoBody, Page: true},
	{Method: "POST", Path: "/members/{id}/sending-domain", Function: Hooks, Auth: Session, Body: Form, Page: true},
	{Method: "POST", Path: "/members/{id}/sending-domain/check", Function: Hooks, Auth: Session, Body: Form, Page: true},

	// Operations.
	{Method: "GET", Path: "/v1/dead-letters", Function: Approval, Auth: Token, Body: NoBody},
	{Method: "POST", Path: "/v1/dead-letters/{id}/resend", Function: Approval, Auth: Token, Body: JSON},
}

// ForFunction returns the routes served by function fn.
func ForFunction(fn string) []Route {
	var out []Route
	for _, r := range Table {
		if r.Function == fn {
			out = append(out, r)
		}
	}
	return out
}

// ByKey finds a route by its key.
func ByKey(key string) (Route, bool) {
	for _, r := range Table {
		if r.Key() == key {
			return r, true
		}
	}
	return Route{}, false
}

// Match finds the route for method and path and extracts its path
// parameters. pathKnown reports whether some route has this path under
// another method (a 405 rather than a 404).
func Match(method, path string) (r Route, params map[string]string, pathKnown bool) {
	segs := split(path)
	for _, cand := range Table {
		p, ok := matchPath(split(cand.Path), segs)
		if !ok {
			continue
		}
		if cand.Method == method {
			return cand, p, true
		}
		pathKnown = true
	}
	return Route{}, nil, pathKnown
}

func split(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func matchPath(tmpl, segs []string) (map[string]string, bool) {
	if len(tmpl) != len(segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, t := range tmpl {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			if segs[i] == "" {
				return nil, false
			}
			params[t[1:len(t)-1]] = segs[i]
			continue
		}
		if t != segs[i] {
			return nil, false
		}
	}
	return params, true
}
