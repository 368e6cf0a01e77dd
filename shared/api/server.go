package api

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/merger"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/registration"
	"github.com/tandemhq/tandem/shared/report"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/session"
	"github.com/tandemhq/tandem/shared/webhook"
)

// DeadLetters lists messages that could not be delivered, and sends one
// again as a new message (returning its id).
type DeadLetters interface {
	ListDeadLetters(ctx context.Context, limit int, cursor string) ([]notify.DeadLetter, string, error)
	ResendDeadLetter(ctx context.Context, id, newID string, now time.Time) (string, error)
}

// Watch is what platform operators watch across tenants: cases whose
// receiver has not responded in time, sign-ups waiting for a decision.
type Watch interface {
	StaleCases(ctx context.Context, now time.Time, limit int) ([]collab.Case, bool, error)
	WaitingSignups(ctx context.Context, now time.Time, limit int) ([]enrollment.Enrollment, bool, error)
}

// Server holds the domain services the handlers call.
type Server struct {
	// BaseURL is the public base of pages and the API.
	BaseURL      string
	Members      *member.Service
	Programs     *program.Service
	Registration *registration.Service
	Enrollments  *enrollment.Service
	Invoices     *billing.Service
	Departments  *department.Service
	Cases        *collab.Service
	Reports      *report.Service
	Marketplace  *marketplace.Service
	Mergers      *merger.Service
	Sessions     *session.Service
	// Confirmations checks the links that confirm addresses.
	Confirmations confirmation.Links
	Secrets       *webhook.Secrets
	Hooks         HookStore
	// CheckWebhookURL vets a webhook URL before it is saved.
	CheckWebhookURL department.URLChecker
	DeadLetters     DeadLetters
	Watch           Watch
	Idempotency     router.IdempotencyStore
	Now             func() time.Time
	Log             *slog.Logger
	// Deadline bounds each request's table work; zero means Deadline.
	Deadline time.Duration
}

// Router returns the router over every handler.
func (s *Server) Router() *router.Router { return s.RouterOf(AllHandlers) }

// RouterOf returns the router over the handler sets given.
func (s *Server) RouterOf(sets ...func(*Server) map[string]router.Handler) *router.Router {
	handlers := map[string]router.Handler{}
	for _, set := range sets {
		for k, h := range set(s) {
			handlers[k] = h
		}
	}
	return router.New(handlers, router.Options{Sessions: s.Sessions, Idempotency: s.Idempotency, Now: s.Now, Log: s.Log, Deadline: s.Deadline})
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
		"GET /p/{slug}":                        s.landing,
		"GET /p/{slug}/marketplace":            s.marketplacePage,
		"POST /p/{slug}":                       s.registerForm,
		"GET /p/{slug}/signup":                 s.signupPage,
		"POST /p/{slug}/signup":                s.signupForm,
		"GET /login":                           s.loginPage,
		"POST /login":                          s.loginForm,
		"GET /login/{token}":                   s.loginLinkPage,
		"POST /login/{token}":                  s.loginLinkForm,
		"POST /logout":                         s.logout,
	}
}

// ApprovalHandlers serves the routes of the approval function.
func ApprovalHandlers(s *Server) map[string]router.Handler {
	return map[string]router.Handler{
		"POST /v1/members":                                             s.createMember,
		"GET /v1/members":                                              s.searchMembers,
		"PATCH /v1/members/{id}":                                       s.patchMember,
		"GET /v1/members/{id}/users":                                   s.listUsers,
		"GET /v1/programs":                                             s.listPrograms,
		"GET /v1/members/{id}":                                         s.getMember,
		"GET /v1/members/{id}/events":                                  s.memberEvents,
		"POST /v1/members/{id}/merge":                                  s.mergeMember,
		"GET /v1/members/{id}/merge":                                   s.getMerger,
		"GET /v1/members/{id}/users/{userId}/events":                   s.userEvents,
		"POST /v1/members/{id}/users":                                  s.createUser,
		"DELETE /v1/members/{id}/users/{userId}":                       s.revokeUser,
		"GET /v1/dead-letters":                                         s.listDeadLetters,
		"POST /v1/dead-letters/{id}/resend":                            s.resendDeadLetter,
		"GET /operator":                                                s.operatorPage,
		"POST /operator/dead-letters/{id}/resend":                      s.resendDeadLetterForm,
		"GET /operator/members/{id}/merge":                             s.mergePage,
		"POST /operator/members/{id}/merge":                            s.mergeForm,
		"POST /v1/programs":                                            s.createProgram,
		"GET /v1/programs/{id}":                                        s.getProgram,
		"PATCH /v1/programs/{id}":                                      s.patchProgram,
		"GET /v1/programs/{id}/enrollments":                            s.listEnrollments,
		"GET /v1/reports/sla":                                          s.slaReport,
		"GET /v1/programs/{id}/events":                                 s.programEvents,
		"POST /v1/programs/{id}/configurations":                        s.submitConfiguration,
		"GET /v1/programs/{id}/configurations":                         s.listConfigurations,
		"POST /v1/configurations/{id}/approve":                         s.approveConfiguration,
		"POST /v1/configurations/{id}/reject":                          s.rejectConfiguration,
		"GET /v1/configurations/{id}/events":                           s.configurationEvents,
		"GET /programs/{id}/configurations":                            s.configurationsPage,
		"POST /programs/{id}/configurations":                           s.configurationsPagePost,
		"POST /programs/{id}/configurations/{configurationId}/approve": s.configurationDecision(marketplace.Approve),
		"POST /programs/{id}/configurations/{configurationId}/reject":  s.configurationDecision(marketplace.Reject),
		"GET /reports/sla":                                             s.slaReportPage,
		"GET /v1/enrollments/{id}":                                     s.getEnrollment,
		"GET /v1/enrollments/{id}/events":                              s.enrollmentEvents,
		"POST /v1/enrollments/{id}/approve":                            s.approveEnrollment,
		"POST /v1/enrollments/{id}/reject":                             s.rejectEnrollment,
		"POST /v1/enrollments/{id}/member-consent":                     s.memberConsent,
		"POST /v1/enrollments/{id}/validation":                         s.recordValidation,
		"POST /v1/enrollments/{id}/resend-validation":                  s.resendValidation,
		"POST /v1/enrollments/{id}/remove":                             s.removeEnrollment,
		"POST /v1/validations/{token}/acknowledge":                     s.acknowledgeValidation,
		"POST /v1/credentials/{token}/claim":                           s.claimCredential,
		"GET /v1/invoices":                                             s.listInvoices,
		"GET /v1/invoices/{id}":                                        s.getInvoice,
		"GET /v1/invoices/{id}/events":                                 s.invoiceEvents,
		"POST /v1/invoices/{id}/payments":                              s.payInvoice,
		"GET /h/{token}":                                               s.decisionPage,
		"GET /a/{token}":                                               s.addendumPage,
		"POST /a/{token}":                                              s.addendumForm,
		"POST /v1/enrollments/{id}/addendum":                           s.acceptAddendum,
		"POST /h/{token}":                                              s.decisionForm,
		"GET /m/{token}":                                               s.consentPage,
		"POST /m/{token}":                                              s.consentForm,
		"GET /v/{token}":                                               s.validationPage,
		"POST /v/{token}":                                              s.validationForm,
		"GET /c/{token}":                                               s.credentialPage,
		"POST /c/{token}":                                              s.credentialForm,
		"PATCH /v1/members/{id}/users/{userId}":                        s.patchUser,
		"GET /invoices":                                                s.invoiceList,
		"GET /invoices/{id}":                                           s.invoicePage,
		"POST /members/{id}":                                           s.companyForm,
		"GET /members/{id}/users":                                      s.peoplePage,
		"POST /members/{id}/users":                                     s.inviteForm,
		"POST /members/{id}/users/{userId}":                            s.userForm,
		"POST /members/{id}/users/{userId}/revoke":                     s.revokeForm,
		"POST /members/{id}/tokens":                                    s.tokenForm,
		"GET /programs":                                                s.programsPage,
		"GET /programs/new":                                            s.newProgramPage,
		"POST /programs":                                               s.createProgramForm,
		"GET /programs/{id}":                                           s.programPage,
		"POST /programs/{id}":                                          s.saveProgramForm,
		"GET /programs/{id}/enrollments":                               s.enrollmentQueue,
		"POST /programs/{id}/enrollments/{enrollmentId}/approve":       s.queueStep("approve"),
		"POST /programs/{id}/enrollments/{enrollmentId}/reject":        s.queueStep("reject"),
		"POST /programs/{id}/enrollments/{enrollmentId}/validation":    s.queueStep("validation"),
		"POST /programs/{id}/enrollments/{enrollmentId}/resend":        s.queueStep("resend"),
		"POST /programs/{id}/enrollments/{enrollmentId}/remove":        s.queueStep("remove"),
	}
}

// CasesHandlers serves the routes of the cases function.
func CasesHandlers(s *Server) map[string]router.Handler {
	return map[string]router.Handler{
		"GET /departments/{id}":                   s.departmentPage,
		"POST /departments/{id}":                  s.departmentForm,
		"POST /v1/members/{id}/departments":       s.createDepartment,
		"GET /v1/members/{id}/departments":        s.listDepartments,
		"GET /v1/departments/{id}":                s.getDepartment,
		"GET /v1/departments/{id}/events":         s.departmentEvents,
		"POST /v1/departments/{id}/holidays":      s.importHolidays,
		"PATCH /v1/departments/{id}":              s.patchDepartment,
		"POST /v1/departments/{id}/confirmations": s.resendDepartmentConfirmations,
		"POST /v1/members/{id}/confirmations":     s.resendMemberConfirmations,
		"GET /e/{token}":                          s.addressConfirmPage,
		"POST /e/{token}":                         s.addressConfirmForm,
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
		"GET /inbox":                              s.caseList(collab.Inbox),
		"GET /outbox":                             s.caseList(collab.Outbox),
		"GET /cases/new":                          s.newCasePage,
		"POST /cases":                             s.newCaseForm,
		"GET /cases/{id}":                         s.casePage,
		"POST /cases/{id}/accept":                 s.casePageAction("accept", collab.Accept),
		"POST /cases/{id}/request-info":           s.casePageAction("request-info", collab.RequestInfo),
		"POST /cases/{id}/notes":                  s.casePageAction("notes", collab.Note),
		"POST /cases/{id}/reject":                 s.casePageAction("reject", collab.Reject),
		"POST /cases/{id}/close":                  s.casePageAction("close", collab.Close),
		"GET /r/{token}":                          s.mailActionPage,
		"POST /r/{token}":                         s.mailActionForm,
	}
}

// HooksHandlers serves the routes of the hooks function.
func HooksHandlers(s *Server) map[string]router.Handler {
	return map[string]router.Handler{
		"POST /v1/members/{id}/sending-domain":    s.registerSendingDomain,
		"GET /v1/members/{id}/sending-domain":     s.sendingDomain,
		"POST /v1/hooks/{memberId}":               s.inboundHook,
		"GET /webhooks":                           s.webhooksPage,
		"POST /webhooks/secret":                   s.rotateSecretForm,
		"POST /v1/members/{id}/webhook-secret":    s.rotateWebhookSecret,
		"GET /v1/members/{id}/webhook-deliveries": s.listDeliveries,
	}
}

// AllHandlers is every HTTP function's handlers (the local gateway, tests).
func AllHandlers(s *Server) map[string]router.Handler {
	all := map[string]router.Handler{}
	for _, set := range []func(*Server) map[string]router.Handler{RegistrationHandlers, ApprovalHandlers, CasesHandlers, HooksHandlers} {
		for k, h := range set(s) {
			all[k] = h
		}
	}
	return all
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
