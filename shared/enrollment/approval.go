package enrollment

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/notify"
)

// Approve moves a pending enrollment to validating and sends the test case.
func (s *Service) Approve(ctx context.Context, p auth.Principal, id string, version *int) (Enrollment, error) {
	e, err := s.forHost(ctx, p, id)
	if err != nil {
		return Enrollment{}, err
	}
	return s.approve(ctx, e, p.Actor(), version)
}

func (s *Service) approve(ctx context.Context, e Enrollment, actor string, version *int) (Enrollment, error) {
	if err := checkVersion(e, version); err != nil {
		return Enrollment{}, err
	}
	now := s.Now()
	c, prg, dep, err := s.withTestCase(ctx, e, Approve, actor, now)
	if err != nil {
		return Enrollment{}, err
	}
	c.Messages = append(c.Messages, s.mail(prg, partnerAddrs(e), e.ID, notify.EnrollmentApproved{
		ProgramMail: s.programMail(prg), ContactName: e.Contacts.Primary.Name, CompanyName: e.Company.Name, InboundEmail: dep.Inbound.Email,
	}, now, false))
	return s.apply(ctx, c)
}

// Reject refuses a pending enrollment, with a reason the partner is told.
func (s *Service) Reject(ctx context.Context, p auth.Principal, id, reason string, version *int) (Enrollment, error) {
	e, err := s.forHost(ctx, p, id)
	if err != nil {
		return Enrollment{}, err
	}
	return s.reject(ctx, e, p.Actor(), reason, version)
}

func (s *Service) reject(ctx context.Context, e Enrollment, actor, reason string, version *int) (Enrollment, error) {
	f := apperr.Fields{}
	reason = input.Text(f, "reason", reason, 2000)
	if err := f.Err(); err != nil {
		return Enrollment{}, err
	}
	if err := checkVersion(e, version); err != nil {
		return Enrollment{}, err
	}
	now := s.Now()
	c, err := s.transition(e, Reject, actor, reason, now)
	if err != nil {
		return Enrollment{}, err
	}
	c.Release = true
	prg, err := s.store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return Enrollment{}, err
	}
	c.Messages = append(c.Messages, s.mail(prg, partnerAddrs(e), e.ID, notify.EnrollmentRejected{
		ProgramMail: s.programMail(prg), ContactName: e.Contacts.Primary.Name, CompanyName: e.Company.Name, Reason: reason,
	}, now, false))
	return s.apply(ctx, c)
}
