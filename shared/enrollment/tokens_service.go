package enrollment

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/session"
)

// OneTimeLinks is what the links in onboarding mail need (LookupCredential,
// ClaimCredential, CredentialSignIn, LookupDecision, LookupConsent,
// LookupValidation): the link's token and enrollment, the program, whether
// it was decided already, and the claim of a credential.
type OneTimeLinks interface {
	GetMailToken(ctx context.Context, hash string) (Token, error)
	GetEnrollment(ctx context.Context, id string) (Enrollment, error)
	GetProgram(ctx context.Context, id string) (program.Program, error)
	ListEnrollmentEvents(ctx context.Context, id string, limit int, cursor string) ([]Event, string, error)
	ListMemberUsers(ctx context.Context, memberID string) ([]member.User, error)
	// ClaimCredential uses the token and writes a (the user when new,
	// its sign-in link when it has one) in one transaction.
	ClaimCredential(ctx context.Context, tokenHash string, a AdminSignIn, now time.Time) error
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

// LookupCredential checks a credential link without using it. Credential
// links were mailed at go-live before going live made the partner's admin;
// each still works once, now to sign in (CredentialSignIn) or, by the API,
// to claim a token (ClaimCredential).
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
	if c.Name == "" {
		c.Name = e.Contacts.Primary.Name
	}
	switch {
	case tok.Used:
		c.Done = "This link was already used. Sign in with " + tok.Email + " on the sign-in page: a link comes by mail at once."
	case !s.Now().Before(tok.ExpiresAt):
		c.Done = "This link expired. Sign in with " + tok.Email + " on the sign-in page, or ask the program's team or an operator for help."
	case !e.Status.Reaches():
		c.Done = "The enrollment is " + humanStatus(e.Status) + "; this link no longer signs anyone in."
	default:
		users, err := s.store.ListMemberUsers(ctx, e.MemberID)
		if err != nil {
			return CredentialLink{}, err
		}
		c.Done = credentialRefusal(users, e.MemberName, tok.Email)
	}
	return c, nil
}

// credentialRefusal says why a credential link for email may not sign in
// to the member whose users are users (see adminFor), or is empty.
func credentialRefusal(users []member.User, memberName, email string) string {
	for _, u := range users {
		if strings.EqualFold(u.Email, email) {
			if u.Status == member.UserActive {
				return ""
			}
			return email + " no longer signs in for " + memberName + ": ask its administrators."
		}
	}
	if hasAdmin(users) {
		return memberName + " has administrators, who add people on the People page: ask one of them to invite " + email + "."
	}
	return ""
}

// Claimed is a claimed credential: the new user and its token (shown once).
type Claimed struct {
	UserID   string
	MemberID string
	Token    string
}

// ClaimCredential turns a credential link into an admin user of the partner
// and returns its API token, once (POST /v1/credentials/{token}/claim). A
// second claim is a conflict, and so is a claim for an address that already
// signs in for the member: it never makes a second user of one address.
func (s *Service) ClaimCredential(ctx context.Context, plain string) (Claimed, error) {
	c, err := s.LookupCredential(ctx, plain)
	if err != nil {
		return Claimed{}, err
	}
	if c.Done != "" {
		return Claimed{}, apperr.Conflict("%s", c.Done)
	}
	now := s.Now()
	users, err := s.store.ListMemberUsers(ctx, c.Enrollment.MemberID)
	if err != nil {
		return Claimed{}, err
	}
	a, ok := adminFor(users, c.Enrollment.MemberID, member.Contact{Name: c.Name, Email: c.Email}, now)
	if !ok {
		return Claimed{}, apperr.Conflict("%s has administrators who add people in the console: ask one of them to invite %s", c.Enrollment.MemberName, c.Email)
	}
	if !a.New {
		return Claimed{}, apperr.Conflict("%s already signs in for %s; sign in on the sign-in page and make API tokens on the people page", c.Email, c.Enrollment.MemberName)
	}
	tokPlain, hash := auth.NewToken(auth.TokenPrefix)
	a.User.TokenHash, a.Credential.Hash = hash, hash
	if err := s.store.ClaimCredential(ctx, auth.Hash(plain), a, now); err != nil {
		return Claimed{}, err
	}
	return Claimed{UserID: a.User.ID, MemberID: a.User.MemberID, Token: tokPlain}, nil
}

// CredentialSignIn uses a credential link to sign its person in to the
// console (the /c/{token} page's button): the partner's admin user is made
// if it does not exist yet (else the member's active user with the address
// is used, its roles unchanged), and a sign-in link for it, valid for
// session.LinkTTL, is returned for the page to use at once. No API token is
// shown. A used or expired link is a conflict.
func (s *Service) CredentialSignIn(ctx context.Context, plain string) (string, error) {
	c, err := s.LookupCredential(ctx, plain)
	if err != nil {
		return "", err
	}
	if c.Done != "" {
		return "", apperr.Conflict("%s", c.Done)
	}
	now := s.Now()
	users, err := s.store.ListMemberUsers(ctx, c.Enrollment.MemberID)
	if err != nil {
		return "", err
	}
	a, ok := adminFor(users, c.Enrollment.MemberID, member.Contact{Name: c.Name, Email: c.Email}, now)
	if !ok {
		return "", apperr.Conflict("%s has administrators who add people in the console: ask one of them to invite %s", c.Enrollment.MemberName, c.Email)
	}
	link, hash := session.NewLink()
	a.LinkHash, a.LinkExpires = hash, now.Add(session.LinkTTL)
	if err := s.store.ClaimCredential(ctx, auth.Hash(plain), a, now); err != nil {
		return "", err
	}
	return link, nil
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
