package collab

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
)

// MailLinks signs the action links in a case mail to its receiving
// department (/r/{token}): bound to the case, the action and the
// department, valid while the case is not closed, used once (the caller
// holds each token's use as an idempotency claim).
type MailLinks struct{ Key []byte }

// MailActions are the actions a receiving department takes from its mail.
var MailActions = []Action{Accept, RequestInfo, Reject}

// Sign returns the token for action on case caseID by department depID.
func (l MailLinks) Sign(caseID, depID string, action Action) string {
	payload := caseID + "." + depID + "." + string(action)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + l.mac(payload)
}

// Verify checks a token: the case, the department and the action it allows.
func (l MailLinks) Verify(token string) (caseID, depID string, action Action, err error) {
	bad := apperr.NotFound("this link is not valid; open the case in Tandem instead")
	b, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 300 {
		return "", "", "", bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(b)
	if err != nil || !hmac.Equal([]byte(sig), []byte(l.mac(string(raw)))) {
		return "", "", "", bad
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 || !ident.Valid(ident.Case, parts[0]) || !ident.Valid(ident.Department, parts[1]) {
		return "", "", "", bad
	}
	a := Action(parts[2])
	if a != Accept && a != RequestInfo && a != Reject {
		return "", "", "", bad
	}
	return parts[0], parts[1], a, nil
}

func (l MailLinks) mac(payload string) string {
	m := hmac.New(sha256.New, l.Key)
	m.Write([]byte("case-mail-link\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:20])
}

// MailLink is an action link as its page shows it.
type MailLink struct {
	Case   Case
	Action Action
	// Done says why the link no longer acts (closed, or the step is past).
	Done string
}

// LookupMailLink checks an action link without acting.
func (s *Service) LookupMailLink(ctx context.Context, token string) (MailLink, error) {
	caseID, depID, action, err := s.MailLinks.Verify(token)
	if err != nil {
		return MailLink{}, err
	}
	c, err := s.Store.GetCase(ctx, caseID)
	if err != nil {
		return MailLink{}, err
	}
	if c.DepartmentID != depID {
		return MailLink{}, apperr.NotFound("this link is not valid; open the case in Tandem instead")
	}
	l := MailLink{Case: c, Action: action}
	if _, err := Next(c.Status, action, Receiver); err != nil {
		l.Done = "This case is " + strings.ReplaceAll(string(c.Status), "_", " ") + " now: the link no longer acts. Open the case to see what happened."
	}
	return l, nil
}

// DoFromMail takes the step of an action link as the receiving department
// (no sign-in: the signed link is the authority), named in the timeline as
// the department's mail.
func (s *Service) DoFromMail(ctx context.Context, token string, a Act, claim idem.Claim) (Case, error) {
	l, err := s.LookupMailLink(ctx, token)
	if err != nil {
		return Case{}, err
	}
	if l.Done != "" {
		return Case{}, apperr.Conflict("%s", l.Done)
	}
	a.Action = l.Action
	dep, err := s.Store.GetDepartment(ctx, l.Case.DepartmentID)
	if err != nil {
		return Case{}, err
	}
	p := auth.Principal{MemberID: l.Case.ReceiverMemberID, UserID: dep.Name + " <" + dep.Inbound.Email + "> (link in the case mail)", Roles: []string{auth.RoleEngineer}}
	return s.Do(ctx, p, l.Case.ID, a, claim)
}
