package enrollment

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// validationTestHook is the data of the validation.test webhook event.
type validationTestHook struct {
	EnrollmentID   string `json:"enrollmentId"`
	ProgramID      string `json:"programId"`
	ProgramName    string `json:"programName"`
	AcknowledgeURL string `json:"acknowledgeUrl"`
	ExpiresAt      string `json:"expiresAt"`
}

// withTestCase is transition a of e that sends a fresh validation test case
// (approving, resending), with the program and department it goes out for.
func (s *Service) withTestCase(ctx context.Context, e Enrollment, a Action, actor string, now time.Time) (Change, program.Program, department.Department, error) {
	c, err := s.transition(e, a, actor, "", now)
	if err != nil {
		return Change{}, program.Program{}, department.Department{}, err
	}
	prg, dep, err := s.context(ctx, e)
	if err != nil {
		return Change{}, prg, dep, err
	}
	if err := s.startValidation(ctx, &c, prg, dep, now); err != nil {
		return Change{}, prg, dep, err
	}
	return c, prg, dep, nil
}

// startValidation adds a fresh test case (mail, and webhook when set) to c.
func (s *Service) startValidation(ctx context.Context, c *Change, prg program.Program, dep department.Department, now time.Time) error {
	tok, msg := TestCase(c.After, prg, dep.Inbound.Email, s.Origin, now)
	c.After.ValidationHash = tok.Hash
	c.Tokens = append(c.Tokens, tok)
	c.Messages = append(c.Messages, msg)
	if s.Hooks != nil && dep.Inbound.WebhookURL != "" {
		hook, err := s.Hooks(ctx, dep, "validation.test", validationTestHook{
			EnrollmentID: c.After.ID, ProgramID: prg.ID, ProgramName: prg.Name,
			AcknowledgeURL: msg.Data.(notify.ValidationTest).Link, ExpiresAt: tok.ExpiresAt.UTC().Format(time.RFC3339),
		}, now)
		if err != nil {
			return err
		}
		if hook != nil {
			c.Messages = append(c.Messages, *hook)
		}
	}
	return nil
}

// Outcome of a validation recorded by hand.
type Outcome string

// Outcomes.
const (
	Passed Outcome = "passed"
	Failed Outcome = "failed"
)

// RecordValidation records a validation outcome by hand (host admins, operators).
func (s *Service) RecordValidation(ctx context.Context, p auth.Principal, id string, outcome Outcome, note string, version *int) (Enrollment, error) {
	f := apperr.Fields{}
	input.OneOf(f, "outcome", string(outcome), string(Passed), string(Failed))
	note = input.OptionalText(f, "note", note, 2000)
	if outcome == Failed && note == "" {
		f.Add("note", "is required when validation failed: tell the partner what to fix")
	}
	if err := f.Err(); err != nil {
		return Enrollment{}, err
	}
	e, err := s.forHost(ctx, p, id)
	if err != nil {
		return Enrollment{}, err
	}
	if err := checkVersion(e, version); err != nil {
		return Enrollment{}, err
	}
	if outcome == Passed {
		return s.pass(ctx, e, p.Actor(), note, "", "")
	}
	now := s.Now()
	c, err := s.transition(e, Fail, p.Actor(), note, now)
	if err != nil {
		return Enrollment{}, err
	}
	c.After.ValidationHash = "" // the old test case no longer counts
	prg, dep, err := s.context(ctx, e)
	if err != nil {
		return Enrollment{}, err
	}
	c.Messages = append(c.Messages, s.mail(prg, partnerAddrs(e), e.ID, notify.ValidationFailed{
		ProgramMail: s.programMail(prg), ContactName: e.Contacts.Primary.Name, CompanyName: e.Company.Name, Note: note,
		InboundEmail: dep.Inbound.Email, EnrollmentID: e.ID,
	}, now, false))
	return s.apply(ctx, c)
}

// Resend sends a new validation test case (the host's or the partner's
// admins, operators) after a failure or a lost mail.
func (s *Service) Resend(ctx context.Context, p auth.Principal, id string) (Enrollment, error) {
	e, err := s.Get(ctx, p, id)
	if err != nil {
		return Enrollment{}, err
	}
	if !p.AdminOf(e.HostMemberID) && !p.AdminOf(e.MemberID) {
		return Enrollment{}, apperr.Forbidden("resending the test case needs the admin role")
	}
	c, _, _, err := s.withTestCase(ctx, e, Resend, p.Actor(), s.Now())
	if err != nil {
		return Enrollment{}, err
	}
	return s.apply(ctx, c)
}

// ValidationLink describes a test case link for its page.
type ValidationLink struct {
	Enrollment Enrollment
	Program    program.Program
	// Inbound is the address the test case was mailed to.
	Inbound string
	// Done says the test case was already acknowledged (or superseded).
	Done string
}

// LookupValidation checks a /v/{token} link without acting on it.
func (s *Service) LookupValidation(ctx context.Context, plain string) (ValidationLink, error) {
	tok, e, err := s.mailToken(ctx, plain, ValidationToken)
	if err != nil {
		return ValidationLink{}, err
	}
	prg, err := s.store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return ValidationLink{}, err
	}
	v := ValidationLink{Enrollment: e, Program: prg, Inbound: tok.Email}
	switch {
	case e.ValidationHash != tok.Hash && e.Status != Validating:
		v.Done = "This test case is no longer open: the enrollment is " + humanStatus(e.Status) + "."
	case e.ValidationHash != tok.Hash:
		v.Done = "A newer test case was sent; acknowledge that one instead."
	case e.Status != Validating:
		v.Done = "This test case was already acknowledged: the enrollment is " + humanStatus(e.Status) + "."
	case !s.Now().Before(tok.ExpiresAt):
		v.Done = "This test case expired. Ask the program's team to send a new one."
	}
	return v, nil
}

// AcknowledgedBy is the actor of a validation passed from the partner's
// test-case link: the department's inbound mailbox took the test case.
const AcknowledgedBy = "partner (test case acknowledged)"

// Acknowledge passes validation from the partner's test-case link.
func (s *Service) Acknowledge(ctx context.Context, plain string) (Enrollment, error) {
	v, err := s.LookupValidation(ctx, plain)
	if err != nil {
		return Enrollment{}, err
	}
	if v.Done != "" {
		return Enrollment{}, apperr.Conflict("%s", v.Done)
	}
	return s.pass(ctx, v.Enrollment, AcknowledgedBy, "", "", v.Inbound)
}

// pass records validation passed: live when settled, else awaiting payment.
// inbound is the address whose mailbox acknowledged the test case ("" when
// recorded by hand): it is confirmed for the department with the change,
// and the department's other unconfirmed addresses are asked now.
func (s *Service) pass(ctx context.Context, e Enrollment, actor, note, useToken, inbound string) (Enrollment, error) {
	now := s.Now()
	c, err := s.transition(e, Pass, actor, note, now)
	if err != nil {
		return Enrollment{}, err
	}
	c.UseToken = useToken
	if inbound != "" && e.DepartmentID != "" {
		if err := s.confirmInbound(ctx, &c, e, inbound, actor, now); err != nil {
			return Enrollment{}, err
		}
	}
	prg, err := s.store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return Enrollment{}, err
	}
	if c.After.Status == Active {
		if err := s.goLive(ctx, &c, prg, now); err != nil {
			return Enrollment{}, err
		}
	} else {
		inv, err := s.store.GetInvoice(ctx, e.MembershipInvoiceID)
		if err != nil {
			return Enrollment{}, err
		}
		c.Messages = append(c.Messages, s.mail(prg, partnerAddrs(e), e.ID, notify.AwaitingPayment{
			ProgramMail: s.programMail(prg), ContactName: e.Contacts.Primary.Name, CompanyName: e.Company.Name, InvoiceID: inv.ID,
			Total: billing.Money(inv.TotalCents), Due: inv.DueAt.Format("2 January 2006"),
		}, now, false))
	}
	return s.apply(ctx, c)
}

// confirmInbound adds to c the department's address the test case proved
// (the mailbox that acknowledged it takes the department's mail) and the
// confirmation requests of its other addresses (its escalation
// contact's): the department is live now, so they are asked.
func (s *Service) confirmInbound(ctx context.Context, c *Change, e Enrollment, proved, actor string, now time.Time) error {
	dep, err := s.store.GetDepartment(ctx, e.DepartmentID)
	if err != nil {
		return err
	}
	after := dep
	after.Confirmed, after.UpdatedAt, after.Version, after.UpdatedBy = dep.Confirmed.With(proved), now, dep.Version+1, actor
	if len(after.Confirmed) > len(dep.Confirmed) {
		c.DepartmentChange = &DepartmentChange{Before: dep, After: after}
	}
	links := confirmation.Links{Keys: s.Links.Keys}
	for _, r := range after.Unconfirmed() {
		c.Messages = append(c.Messages, links.Mail(s.Origin, confirmation.Department, dep.ID, e.MemberName, r, now))
	}
	return nil
}
