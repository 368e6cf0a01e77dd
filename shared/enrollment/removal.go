package enrollment

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/notify"
)

// Remove ends an enrollment for good (host admins, the partner's admins,
// operators); both sides are told. The partner no longer reaches anyone
// through the program.
func (s *Service) Remove(ctx context.Context, p auth.Principal, id, reason string, version *int) (Enrollment, error) {
	f := apperr.Fields{}
	reason = input.Text(f, "reason", reason, 2000)
	if err := f.Err(); err != nil {
		return Enrollment{}, err
	}
	e, err := s.Get(ctx, p, id)
	if err != nil {
		return Enrollment{}, err
	}
	if !p.AdminOf(e.HostMemberID) && !p.AdminOf(e.MemberID) {
		return Enrollment{}, apperr.Forbidden("removing an enrollment needs the admin role")
	}
	if err := checkVersion(e, version); err != nil {
		return Enrollment{}, err
	}
	now := s.Now()
	c, err := s.transition(e, Remove, p.Actor(), reason, now)
	if err != nil {
		return Enrollment{}, err
	}
	prg, err := s.store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return Enrollment{}, err
	}
	data := notify.EnrollmentRemoved{ProgramMail: s.programMail(prg), CompanyName: e.Company.Name, Reason: reason, EnrollmentID: e.ID}
	c.Messages = append(c.Messages,
		s.mail(prg, partnerAddrs(e), e.ID, data, now, false),
		s.mail(prg, prg.NotifyEmails, e.ID, data, now, true),
	)
	return s.apply(ctx, c)
}
