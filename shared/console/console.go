// Package console is Tandem's pages for people: a section per concern,
// each a <section>.go (handlers and unexported view models) beside its
// <section>.templ (views). Handlers ask the domain services, which own
// their stores and rules; a set per HTTP function says which pages each
// serves. Only Server and the sets are exported.
package console

import (
	"log/slog"
	"time"

	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/confirmation"
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
	"github.com/tandemhq/tandem/shared/session"
	"github.com/tandemhq/tandem/shared/webhook"
)

// Server holds the domain services the pages call.
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
	Sessions     *session.Service
	// Confirmations checks the links that confirm addresses.
	Confirmations confirmation.Links
	Secrets       *webhook.Secrets
	// CheckWebhookURL vets a webhook URL before it is saved.
	CheckWebhookURL department.URLChecker
	DeadLetters     *notify.DeadLetters
	Idempotency     router.IdempotencyStore
	Now             func() time.Time
	Log             *slog.Logger
}

// RegistrationHandlers serves the pages of the registration function.
func RegistrationHandlers(s *Server) map[string]router.Handler {
	return map[string]router.Handler{
		"GET /h/{token}":            s.decisionPage,
		"GET /a/{token}":            s.addendumPage,
		"POST /a/{token}":           s.addendumForm,
		"POST /h/{token}":           s.decisionForm,
		"GET /m/{token}":            s.consentPage,
		"POST /m/{token}":           s.consentForm,
		"GET /v/{token}":            s.validationPage,
		"POST /v/{token}":           s.validationForm,
		"GET /c/{token}":            s.credentialPage,
		"POST /c/{token}":           s.credentialForm,
		"GET /p/{slug}":             s.landing,
		"GET /p/{slug}/marketplace": s.marketplacePage,
		"POST /p/{slug}":            s.registerForm,
		"GET /p/{slug}/signup":      s.signupPage,
		"POST /p/{slug}/signup":     s.signupForm,
		"GET /login":                s.loginPage,
		"POST /login":               s.loginForm,
		"GET /login/{token}":        s.loginLinkPage,
		"POST /login/{token}":       s.loginLinkForm,
		"POST /logout":              s.logout,
	}
}

// ApprovalHandlers serves the pages of the approval function.
func ApprovalHandlers(s *Server) map[string]router.Handler {
	return map[string]router.Handler{
		"GET /operator": s.operatorPage,
		"POST /operator/dead-letters/{id}/resend":                      s.resendDeadLetterForm,
		"GET /operator/members/{id}/merge":                             s.mergePage,
		"POST /operator/members/{id}/merge":                            s.mergeForm,
		"GET /programs/{id}/configurations":                            s.configurationsPage,
		"POST /programs/{id}/configurations":                           s.configurationsPagePost,
		"POST /programs/{id}/configurations/{configurationId}/approve": s.configurationDecision(marketplace.Approve),
		"POST /programs/{id}/configurations/{configurationId}/reject":  s.configurationDecision(marketplace.Reject),
		"GET /reports/sla":                                             s.slaReportPage,
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

// PaymentsHandlers serves the pages of the payments function: "Pay now"
// and the pay links of invoice mail.
func PaymentsHandlers(s *Server) map[string]router.Handler {
	return map[string]router.Handler{
		"GET /invoices":                s.invoiceList,
		"GET /invoices/{id}":           s.invoicePage,
		"POST /invoices/{id}/payments": s.transferForm,
		"POST /invoices/{id}/checkout": s.checkoutForm,
		"GET /pay/{token}":             s.payLinkPage,
	}
}

// CasesHandlers serves the pages of the cases function.
func CasesHandlers(s *Server) map[string]router.Handler {
	return map[string]router.Handler{
		"GET /departments/{id}":         s.departmentPage,
		"POST /departments/{id}":        s.departmentForm,
		"GET /e/{token}":                s.addressConfirmPage,
		"POST /e/{token}":               s.addressConfirmForm,
		"GET /inbox":                    s.caseList(collab.Inbox),
		"GET /outbox":                   s.caseList(collab.Outbox),
		"GET /cases/new":                s.newCasePage,
		"POST /cases":                   s.newCaseForm,
		"GET /cases/{id}":               s.casePage,
		"POST /cases/{id}/accept":       s.casePageAction("accept", collab.Accept),
		"POST /cases/{id}/request-info": s.casePageAction("request-info", collab.RequestInfo),
		"POST /cases/{id}/notes":        s.casePageAction("notes", collab.Note),
		"POST /cases/{id}/reject":       s.casePageAction("reject", collab.Reject),
		"POST /cases/{id}/close":        s.casePageAction("close", collab.Close),
		"POST /cases/{id}/assign":       s.assignToMe,
		"GET /r/{token}":                s.mailActionPage,
		"GET /s/{token}":                s.readOnlyCasePage,
		"POST /r/{token}":               s.mailActionForm,
	}
}

// HooksHandlers serves the pages of the hooks function.
func HooksHandlers(s *Server) map[string]router.Handler {
	return map[string]router.Handler{
		"GET /webhooks":         s.webhooksPage,
		"POST /webhooks/secret": s.rotateSecretForm,
		// A host's sending domain: beside the sending-domain API.
		"GET /members/{id}/sending-domain":        s.sendingPage,
		"POST /members/{id}/sending-domain":       s.sendingForm,
		"POST /members/{id}/sending-domain/check": s.sendingCheckForm,
	}
}
