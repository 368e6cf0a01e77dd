// Package registration is how partners join a program: the co-branded
// landing page's registration (a verified-email link, rate limited), and the
// sign-up that creates or reuses the member, its enrollment, its first
// department, the membership invoice, and the mail to both sides — in one
// transaction.
package registration

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// Country is a selectable country.
type Country struct{ Code, Name string }

// Countries lists every country, by name.
func Countries() []Country { return countries }

func knownCountry(code string) bool {
	for _, c := range countries {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Limits of registration.
const (
	TokenTTL = 24 * time.Hour
	// PerAddress registrations per address and program per hour.
	PerAddress = 5
	// PerClient registrations per client address per hour, across
	// programs: counted before the program's budget, so one anonymous
	// client cannot use up a program's registrations.
	PerClient = 30
	// PerProgram registrations per program per hour.
	PerProgram = 300
	RateWindow = time.Hour
)

// SignupToken is a verified-email link, stored hashed.
type SignupToken struct {
	Hash      string
	ProgramID string
	Email     string
	ExpiresAt time.Time
	Used      bool
	CreatedAt time.Time
}

// Signup is everything one sign-up writes, in one transaction.
type Signup struct {
	TokenHash string
	// NewMember is set when the company is new to Tandem. Otherwise the
	// enrollment awaits the existing member's consent and nothing else
	// (department, invoice, test case, the member's place in the program)
	// is written yet.
	NewMember *member.Member
	// ProgramID and AddendumVersion must still be the program's at commit.
	ProgramID       string
	AddendumVersion string
	Enrollment      enrollment.Enrollment
	Event           enrollment.Event
	Department      *department.Department
	Invoice         *billing.Invoice
	Validation      *enrollment.Token
	Messages        []notify.Message
	Now             time.Time
	// Claim is the request's Idempotency-Key, committed with the sign-up.
	Claim idem.Claim
}

// Store is what registration needs of the table.
type Store interface {
	ProgramIDBySlug(ctx context.Context, slug string) (string, error)
	GetProgram(ctx context.Context, id string) (program.Program, error)
	GetMember(ctx context.Context, id string) (member.Member, error)
	MemberIDByDomain(ctx context.Context, domain string) (string, bool, error)
	ListMemberUsers(ctx context.Context, memberID string) ([]member.User, error)
	// CountInWindow counts one event against key's window and reports the count.
	CountInWindow(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error)
	CreateSignupToken(ctx context.Context, t SignupToken, msg notify.Message) error
	GetSignupToken(ctx context.Context, hash string) (SignupToken, error)
	// CreateSignup writes a sign-up. The token must be unused and
	// unexpired, the program's addendum unchanged, the member not yet in
	// the program, a new member's domain free. A new member's sign-up
	// takes its place in the program; one awaiting consent does not.
	CreateSignup(ctx context.Context, s Signup) error
}

// Service runs registrations and sign-ups.
type Service struct {
	store  Store
	Origin notify.Origin
	Links  enrollment.Links
	Now    func() time.Time
}

// NewService is the service over st configured as c (its exported fields):
// its store is its own, so no caller reads around its checks.
func NewService(st Store, c Service) *Service {
	c.store = st
	return &c
}

// Register mails a sign-up link to email for the program at slug, asked
// from client (the caller's network address). Known and unknown addresses
// get the same answer.
func (s *Service) Register(ctx context.Context, slug, email, client string) error {
	prg, err := s.program(ctx, slug)
	if err != nil {
		return err
	}
	f := apperr.Fields{}
	email = strings.ToLower(input.Email(f, "email", email))
	if err := f.Err(); err != nil {
		return err
	}
	now := s.Now()
	if err := s.limit(ctx, "reg-addr#"+prg.ID+"#"+email, PerAddress, now,
		"too many sign-up links were requested for this address; try again later"); err != nil {
		return err
	}
	if client != "" {
		if err := s.limit(ctx, "reg-client#"+client, PerClient, now,
			"too many sign-up links were requested from your network; try again later"); err != nil {
			return err
		}
	}
	if err := s.limit(ctx, "reg-prg#"+prg.ID, PerProgram, now,
		"this program is receiving too many registrations right now; try again later"); err != nil {
		return err
	}
	plain, hash := auth.NewToken("sgn_")
	tok := SignupToken{Hash: hash, ProgramID: prg.ID, Email: email, ExpiresAt: now.Add(TokenTTL), CreatedAt: now}
	msg := notify.Message{
		ID: ident.New(ident.Outbox, now), Channel: notify.Email,
		From: prg.From(s.Origin.From), ReplyTo: prg.HostReplyTo(), To: []string{email}, Ref: prg.ID, CreatedAt: now,
		Data: notify.RegistrationVerify{
			ProgramName: prg.Name, HostName: prg.HostName,
			Link: s.Origin.BaseURL + "/p/" + prg.Slug + "/signup?token=" + plain, Expires: "24 hours",
		},
	}
	if err := s.store.CreateSignupToken(ctx, tok, msg); err != nil {
		return fmt.Errorf("register %s for %s: %w", email, slug, err)
	}
	return nil
}

func (s *Service) limit(ctx context.Context, key string, max int, now time.Time, msg string) error {
	n, reset, err := s.store.CountInWindow(ctx, key, RateWindow, now)
	if err != nil {
		return err
	}
	if n > max {
		return apperr.RateLimited(reset.Sub(now), "%s", msg)
	}
	return nil
}

func (s *Service) program(ctx context.Context, slug string) (program.Program, error) {
	id, err := s.store.ProgramIDBySlug(ctx, slug)
	if err != nil {
		if errors.Is(err, apperr.ErrNotFound) {
			return program.Program{}, apperr.NotFound("there is no program at this address")
		}
		return program.Program{}, err
	}
	return s.store.GetProgram(ctx, id)
}

// Program returns the program at slug (the landing page).
func (s *Service) Program(ctx context.Context, slug string) (program.Program, error) {
	if !input.ValidSlug(slug) {
		return program.Program{}, apperr.NotFound("there is no program at this address")
	}
	return s.program(ctx, slug)
}

// TokenState is what a sign-up link is good for.
type TokenState string

// Token states.
const (
	TokenValid   TokenState = "valid"
	TokenExpired TokenState = "expired"
	TokenUsed    TokenState = "used"
	TokenUnknown TokenState = "unknown"
)

// CheckToken looks a sign-up link up without using it (the form page).
func (s *Service) CheckToken(ctx context.Context, prg program.Program, plain string) (SignupToken, TokenState, error) {
	if !strings.HasPrefix(plain, "sgn_") || len(plain) > 100 {
		return SignupToken{}, TokenUnknown, nil
	}
	tok, err := s.store.GetSignupToken(ctx, auth.Hash(plain))
	switch {
	case errors.Is(err, apperr.ErrNotFound):
		return SignupToken{}, TokenUnknown, nil
	case err != nil:
		return SignupToken{}, "", err
	case tok.ProgramID != prg.ID:
		return SignupToken{}, TokenUnknown, nil
	case tok.Used:
		return tok, TokenUsed, nil
	case !s.Now().Before(tok.ExpiresAt):
		return tok, TokenExpired, nil
	}
	return tok, TokenValid, nil
}
