package merger

import (
	"context"
	"fmt"
	"strings"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
)

// Preview is what merging From into Into would do, for an operator to
// confirm before anything moves.
type Preview struct {
	From, Into         member.Member
	Users, Departments int
	// Programs are From's enrollments and what becomes of each.
	Programs []ProgramPlace
}

// ProgramPlace is one of From's enrollments in a merger's preview.
type ProgramPlace struct {
	EnrollmentID, ProgramID string
	Status                  enrollment.Status
	Place                   Place
}

// Previewer is what resolving a member an operator names and previewing a
// merger need (Resolve, Preview): a domain's member, what B holds, whether
// A already has a place in B's programs, and the checks Start makes.
type Previewer interface {
	MemberIDByDomain(ctx context.Context, domain string) (string, bool, error)
	Eligibility
	ListMemberUsers(ctx context.Context, memberID string) ([]member.User, error)
	ListMemberDepartments(ctx context.Context, memberID string) ([]department.Department, error)
	ListMemberEnrollments(ctx context.Context, memberID string) ([]enrollment.Enrollment, error)
	Enrolled(ctx context.Context, programID, memberID string) (bool, error)
}

// Resolve finds the member an operator named by id (mem_…) or by domain.
func (s *Service) Resolve(ctx context.Context, text string) (string, error) {
	text = strings.ToLower(strings.TrimSpace(text))
	if text == "" {
		return "", apperr.Invalid(apperr.Fields{"into": "name the member to merge into: its domain or its id (mem_…)"})
	}
	if strings.HasPrefix(text, ident.Member+"_") {
		id := strings.ToUpper(text[len(ident.Member)+1:])
		return ident.Member + "_" + id, nil
	}
	id, ok, err := s.store.MemberIDByDomain(ctx, text)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", apperr.Invalid(apperr.Fields{"into": fmt.Sprintf("no member has the domain %s", text)})
	}
	return id, nil
}

// Preview says what merging member from into into would move (operators
// only); it refuses what Start would refuse (members), and writes nothing.
func (s *Service) Preview(ctx context.Context, p auth.Principal, from, into string) (Preview, error) {
	if !p.Operator {
		return Preview{}, apperr.Forbidden("only platform operators can merge members")
	}
	if !ident.Valid(ident.Member, from) {
		return Preview{}, apperr.NotFound("member %s not found", from)
	}
	b, a, err := s.members(ctx, from, into)
	if err != nil {
		return Preview{}, err
	}
	pv := Preview{From: b, Into: a}
	users, err := s.store.ListMemberUsers(ctx, from)
	if err != nil {
		return pv, err
	}
	deps, err := s.store.ListMemberDepartments(ctx, from)
	if err != nil {
		return pv, err
	}
	pv.Users, pv.Departments = len(users), len(deps)
	es, err := s.store.ListMemberEnrollments(ctx, from)
	if err != nil {
		return pv, err
	}
	for _, e := range es {
		held, err := s.hasPlace(ctx, e, into)
		if err != nil {
			return pv, err
		}
		pv.Programs = append(pv.Programs, ProgramPlace{EnrollmentID: e.ID, ProgramID: e.ProgramID, Status: e.Status, Place: PlaceOf(e, held)})
	}
	return pv, nil
}
