package enrollment

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
)

// OneTimeLinks is what the links in onboarding mail need (LookupCredential,
// ClaimCredential, LookupDecision, LookupConsent, LookupValidation): the
// link's token and enrollment, the program, whether it was decided
// already, and the claim of a credential.
type OneTimeLinks interface {
	GetMailToken(ctx context.Context, hash string) (Token, error)
	GetEnrollment(ctx context.Context, id string) (Enrollment, error)
	GetProgram(ctx context.Context, id string) (program.Program, error)
	ListEnrollmentEvents(ctx context.Context, id string, limit int, cursor string) ([]Event, string, error)
	// ClaimCredential uses the token and creates the user and credential.
	ClaimCredential(ctx context.Context, tokenHash string, u member.User, cred member.Credential, now time.Time) error
}

// mailToken resolves a one-time link of kind to its token and enrollment.
func (s *Service) mailToken(ctx context.Context, plain string, kind TokenKind) (Token, Enrollment, error) {
	prefix := validationPrefix
	if kind == CredentialToken {
		prefix = credentialPrefix
	}
	bad := apperr.NotFound("this link is not valid; check that it was copied whole")
	if !strings.HasPrefix(plain, prefix) || len(plain) > 100 {
		return Token{}, Enrollment{}, bad
	}
	tok, err := s.store.GetMailToken(ctx, auth.Hash(plain))
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && tok.Kind != kind) {
		return Token{}, Enrollment{}, bad
	}
	if err != nil {
		return Token{}, Enrollment{}, err
	}
	e, err := s.store.GetEnrollment(ctx, tok.EnrollmentID)
	if err != nil {
		return Token{}, Enrollment{}, err
	}
	return tok, e, nil
}

// CredentialLink describes a /c/{token} link for its page.
type CredentialLink struct {
	Enrollment Enrollment
	Program    program.Program
	Name       string
	Email      string
	Done       string
}

// LookupCredential checks a credential link without using it.
func (s *Service) LookupCredential(ctx context.Context, plain string) (CredentialLink, error) {
	tok, e, err := s.mailToken(ctx, plain, CredentialToken)
	if err != nil {
		return CredentialLink{}, err
	}
	prg, err := s.store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return CredentialLink{}, err
	}
	c := CredentialLink{Enrollment: e, Program: prg, Name: tok.Name, Email: tok.Email}
	switch {
	case tok.Used:
		c.Done = "These credentials were already claimed. Ask your administrator for a user, or an operator for help."
	case !s.Now().Before(tok.ExpiresAt):
		c.Done = "This link expired. Ask the program's team or an operator for new credentials."
	case !e.Status.Reaches():
		c.Done = "The enrollment is " + humanStatus(e.Status) + "; its credentials can no longer be claimed."
	}
	return c, nil
}

// Claimed is a claimed credential: the new user and its token (shown once).
type Claimed struct {
	UserID   string
	MemberID string
	Token    string
}

// ClaimCredential turns a credential link into an admin user of the partner
// and returns its API token, once. A second claim is a conflict.
func (s *Service) ClaimCredential(ctx context.Context, plain string) (Claimed, error) {
	c, err := s.LookupCredential(ctx, plain)
	if err != nil {
		return Claimed{}, err
	}
	if c.Done != "" {
		return Claimed{}, apperr.Conflict("%s", c.Done)
	}
	now := s.Now()
	name := c.Name
	if name == "" {
		name = c.Enrollment.Contacts.Primary.Name
	}
	u := member.User{
		ID: ident.New(ident.User, now), MemberID: c.Enrollment.MemberID, Name: name, Email: c.Email,
		Roles: []string{auth.RoleAdmin, auth.RoleEngineer}, Status: member.UserActive, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	tokPlain, hash := auth.NewToken(auth.TokenPrefix)
	u.TokenHash = hash
	cred := member.Credential{Hash: hash, UserID: u.ID, MemberID: u.MemberID, Roles: u.Roles}
	if err := s.store.ClaimCredential(ctx, auth.Hash(plain), u, cred, now); err != nil {
		return Claimed{}, err
	}
	return Claimed{UserID: u.ID, MemberID: u.MemberID, Token: tokPlain}, nil
}

// Decision describes a one-click link for its confirmation page: a host's
// approve or reject link (/h/), or an existing member's confirm or decline
// link (/m/).
type Decision struct {
	Enrollment Enrollment
	Program    program.Program
	Action     Action
	// Done says what was already decided, when and by whom.
	Done string
}

// linkKind is one kind of one-click link: the status it decides from and
// the actions it may carry, each with the verb that reports it taken.
type linkKind struct {
	pending Status
	verbs   map[Action]string
}

var (
	hostLink   = linkKind{PendingApproval, map[Action]string{Approve: "approved", Reject: "rejected"}}
	memberLink = linkKind{PendingMemberConsent, map[Action]string{ConfirmConsent: "confirmed", DeclineConsent: "declined"}}
)

// lookupLink checks a one-click link of kind k without acting on it (mail
// scanners open links; only the confirmation POST acts).
func (s *Service) lookupLink(ctx context.Context, token string, k linkKind) (Decision, error) {
	actions := make([]Action, 0, len(k.verbs))
	for a := range k.verbs {
		actions = append(actions, a)
	}
	id, action, err := s.Links.Verify(token, s.Now(), actions...)
	if err != nil {
		return Decision{}, err
	}
	e, err := s.store.GetEnrollment(ctx, id)
	if err != nil {
		return Decision{}, err
	}
	prg, err := s.store.GetProgram(ctx, e.ProgramID)
	if err != nil {
		return Decision{}, err
	}
	d := Decision{Enrollment: e, Program: prg, Action: action}
	if e.Status != k.pending {
		d.Done = s.decided(ctx, e, k.verbs)
	}
	return d, nil
}

// decided says what was decided on e, when and by whom: the first event
// carrying one of verbs' actions.
func (s *Service) decided(ctx context.Context, e Enrollment, verbs map[Action]string) string {
	events, _, err := s.store.ListEnrollmentEvents(ctx, e.ID, 200, "")
	if err == nil {
		for _, ev := range events {
			if verb, ok := verbs[ev.Action]; ok {
				return "This sign-up was already " + verb + " on " + ev.At.UTC().Format("2 January 2006 at 15:04 UTC") +
					" by " + ev.Actor + ". It is now " + humanStatus(e.Status) + "."
			}
		}
	}
	return "This sign-up was already decided. It is now " + humanStatus(e.Status) + "."
}

// LookupDecision checks a host's one-click link without acting on it.
func (s *Service) LookupDecision(ctx context.Context, token string) (Decision, error) {
	return s.lookupLink(ctx, token, hostLink)
}

// Decide acts on a one-click link's confirmation.
func (s *Service) Decide(ctx context.Context, token, reason string) (Enrollment, error) {
	d, err := s.LookupDecision(ctx, token)
	if err != nil {
		return Enrollment{}, err
	}
	if d.Done != "" {
		return Enrollment{}, apperr.Conflict("%s", d.Done)
	}
	actor := "host (one-click link)"
	if d.Action == Approve {
		return s.approve(ctx, d.Enrollment, actor, nil)
	}
	if strings.TrimSpace(reason) == "" {
		reason = "Rejected from the sign-up mail."
	}
	return s.reject(ctx, d.Enrollment, actor, reason, nil)
}
