// Package api is Tandem's JSON API: one thin handler per route of the
// contract (decode, call a domain service, encode a view), a set per HTTP
// function, and openapi.yaml, which the end-to-end tests hold every
// exchange to. Transport is package router's; pages are package console's.
package api

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/merger"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/payment"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/registration"
	"github.com/tandemhq/tandem/shared/report"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/webhook"
)

// Server holds the domain services the handlers call.
type Server struct {
	// BaseURL is the public base of pages and the API.
	BaseURL      string
	Members      *member.Service
	Programs     *program.Service
	Registration *registration.Service
	Enrollments  *enrollment.Service
	Invoices     *billing.Service
	Payments     *payment.Service
	Departments  *department.Service
	Cases        *collab.Service
	Reports      *report.Service
	Marketplace  *marketplace.Service
	Mergers      *merger.Service
	Secrets      *webhook.Secrets
	Hooks        HookStore
	// CheckWebhookURL vets a webhook URL before it is saved.
	CheckWebhookURL department.URLChecker
	DeadLetters     *notify.DeadLetters
	Idempotency     router.IdempotencyStore
	Now             func() time.Time
	Log             *slog.Logger
}

// RegistrationHandlers, ApprovalHandlers, CasesHandlers and HooksHandlers
// are the handlers of each HTTP function (routes.Registration …). A
// function's main names only its own set, so the linker leaves the other
// functions' handlers (and what only they use) out of its zip.

// RegistrationHandlers serves the routes of the registration function.
func RegistrationHandlers(s *Server) map[string]router.Handler {
	return map[string]router.Handler{
		"POST /v1/programs/{id}/registrations": s.register,
		"POST /v1/signups":                     s.signup,
	}
}

// ApprovalHandlers serves the routes of the approval function.
func ApprovalHandlers(s *Server) map[string]router.Handler {
	return map[string]router.Handler{
		"POST /v1/members":                            s.createMember,
		"GET /v1/members":                             s.searchMembers,
		"PATCH /v1/members/{id}":                      s.patchMember,
		"GET /v1/members/{id}/users":                  s.listUsers,
		"GET /v1/programs":                            s.listPrograms,
		"GET /v1/members/{id}":                        s.getMember,
		"GET /v1/members/{id}/events":                 s.memberEvents,
		"POST /v1/members/{id}/merge":                 s.mergeMember,
		"GET /v1/members/{id}/merge":                  s.getMerger,
		"GET /v1/members/{id}/users/{userId}/events":  s.userEvents,
		"POST /v1/members/{id}/users":                 s.createUser,
		"DELETE /v1/members/{id}/users/{userId}":      s.revokeUser,
		"GET /v1/dead-letters":                        s.listDeadLetters,
		"POST /v1/dead-letters/{id}/resend":           s.resendDeadLetter,
		"POST /v1/programs":                           s.createProgram,
		"GET /v1/programs/{id}":                       s.getProgram,
		"PATCH /v1/programs/{id}":                     s.patchProgram,
		"GET /v1/programs/{id}/enrollments":           s.listEnrollments,
		"GET /v1/reports/sla":                         s.slaReport,
		"GET /v1/programs/{id}/events":                s.programEvents,
		"POST /v1/programs/{id}/configurations":       s.submitConfiguration,
		"GET /v1/programs/{id}/configurations":        s.listConfigurations,
		"POST /v1/configurations/{id}/approve":        s.approveConfiguration,
		"POST /v1/configurations/{id}/reject":         s.rejectConfiguration,
		"GET /v1/configurations/{id}/events":          s.configurationEvents,
		"GET /v1/enrollments/{id}":                    s.getEnrollment,
		"GET /v1/enrollments/{id}/events":             s.enrollmentEvents,
		"POST /v1/enrollments/{id}/approve":           s.approveEnrollment,
		"POST /v1/enrollments/{id}/reject":            s.rejectEnrollment,
		"POST /v1/enrollments/{id}/member-consent":    s.memberConsent,
		"POST /v1/enrollments/{id}/validation":        s.recordValidation,
		"POST /v1/enrollments/{id}/resend-validation": s.resendValidation,
		"POST /v1/enrollments/{id}/remove":            s.removeEnrollment,
		"POST /v1/validations/{token}/acknowledge":    s.acknowledgeValidation,
		"POST /v1/credentials/{token}/claim":          s.claimCredential,
		"POST /v1/enrollments/{id}/addendum":          s.acceptAddendum,
		"PATCH /v1/members/{id}/users/{userId}":       s.patchUser,
	}
}

// PaymentsHandlers serves the routes of the payments function, the one
// that links Stripe's library and reads its keys.
func PaymentsHandlers(s *Server) map[string]router.Handler {
	return map[string]router.Handler{
		"GET /v1/invoices":                s.listInvoices,
		"GET /v1/invoices/{id}":           s.getInvoice,
		"GET /v1/invoices/{id}/events":    s.invoiceEvents,
		"POST /v1/invoices/{id}/payments": s.payInvoice,
		"POST /v1/invoices/{id}/checkout": s.checkoutInvoice,
		"POST /v1/hooks/stripe":           s.stripeHook,
	}
}

// CasesHandlers serves the routes of the cases function.
func CasesHandlers(s *Server) map[string]router.Handler {
	return map[string]router.Handler{
		"POST /v1/members/{id}/departments":       s.createDepartment,
		"GET /v1/members/{id}/departments":        s.listDepartments,
		"GET /v1/departments/{id}":                s.getDepartment,
		"GET /v1/departments/{id}/events":         s.departmentEvents,
		"POST /v1/departments/{id}/holidays":      s.importHolidays,
		"PATCH /v1/departments/{id}":              s.patchDepartment,
		"POST /v1/departments/{id}/confirmations": s.resendDepartmentConfirmations,
		"POST /v1/members/{id}/confirmations":     s.resendMemberConfirmations,
		"GET /v1/directory":                       s.directory,
		"POST /v1/cases":                          s.openCase,
		"GET /v1/cases":                           s.listCases,
		"GET /v1/cases/{id}":                      s.getCase,
		"GET /v1/cases/{id}/events":               s.caseEvents,
		"POST /v1/cases/{id}/accept":              s.caseAction(collab.Accept),
		"POST /v1/cases/{id}/request-info":        s.caseAction(collab.RequestInfo),
		"POST /v1/cases/{id}/notes":               s.caseAction(collab.Note),
		"POST /v1/cases/{id}/reject":              s.caseAction(collab.Reject),
		"POST /v1/cases/{id}/close":               s.caseAction(collab.Close),
		"POST /v1/cases/{id}/assign":              s.assignCase,
	}
}

// HooksHandlers serves the routes of the hooks function.
func HooksHandlers(s *Server) map[string]router.Handler {
	return map[string]router.Handler{
		"POST /v1/members/{id}/sending-domain":    s.registerSendingDomain,
		"GET /v1/members/{id}/sending-domain":     s.sendingDomain,
		"POST /v1/hooks/{memberId}":               s.inboundHook,
		"POST /v1/members/{id}/webhook-secret":    s.rotateWebhookSecret,
		"GET /v1/members/{id}/webhook-deliveries": s.listDeliveries,
	}
}

// Page size bounds of every list.
const (
	defaultLimit = 50
	maxLimit     = 200
)

// pageParams reads ?limit= and ?cursor=.
func pageParams(r *router.Request) (int, string, error) {
	limit := defaultLimit
	if v := r.Query.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return 0, "", apperr.InvalidField("limit", "must be a whole number from 1 to 200")
		}
		limit = n
	}
	return limit, r.Query.Get("cursor"), nil
}

// List is the contract's list envelope.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

func listOf[T any](items []T, next string) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items, NextCursor: next}
}

// ts formats a time for the API: UTC RFC 3339 with milliseconds.
func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func tsPtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := ts(t)
	return &s
}
