package collab

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
)

// MailLinkTTL is how long an action link works after its mail was sent
// (and never after the case closed).
const MailLinkTTL = 30 * 24 * time.Hour

// MailLinks signs the action links in a case mail to its receiving
// department (/r/{token}): bound to the case, the action, the department
// and the address the mail went to, valid for MailLinkTTL after the mail
// and while the case is open, used once (the caller holds each token's use
// as an idempotency claim). Nobody but that address's mailbox holds the
// link: capture copies of the mail carry none.
type MailLinks struct{ Keys *keyring.Ring }

// MailActions are the actions a receiving department takes from its mail.
var MailActions = []Action{Accept, RequestInfo, Reject}

const mailLinkPurpose = "case-mail-link"

// recipientTag names an address inside a token without writing it there
// (links end up in logs and browser histories).
func recipientTag(addr string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(addr))))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// Sign returns the token for action on case caseID by department depID,
// mailed to recipient at now.
func (l MailLinks) Sign(caseID, depID string, action Action, recipient string, now time.Time) string {
	return l.seal(mailLinkPurpose, caseID, depID, string(action), recipientTag(recipient), strconv.FormatInt(now.Unix(), 10))
}

// seal signs parts, joined, for purpose: a token of a link in case mail.
func (l MailLinks) seal(purpose string, parts ...string) string {
	b := base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, ".")))
	return b + "." + l.Keys.Sign(purpose, []byte(b))
}

// open checks a token sealed for purpose and returns its n parts, the
// first a case id and the second a department id, and the Unix time in
// its last; ok is false for anything else.
func (l MailLinks) open(purpose, token string, n int) (parts []string, at time.Time, ok bool) {
	b, sig, cut := strings.Cut(token, ".")
	if !cut || len(token) > 400 || l.Keys == nil || !l.Keys.Verify(purpose, []byte(b), sig) {
		return nil, time.Time{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(b)
	if err != nil {
		return nil, time.Time{}, false
	}
	parts = strings.Split(string(raw), ".")
	if len(parts) != n || !ident.Valid(ident.Case, parts[0]) || !ident.Valid(ident.Department, parts[1]) {
		return nil, time.Time{}, false
	}
	unix, err := strconv.ParseInt(parts[n-1], 10, 64)
	if err != nil {
		return nil, time.Time{}, false
	}
	return parts, time.Unix(unix, 0).UTC(), true
}

// mailToken is what an action link says.
type mailToken struct {
	CaseID, DepartmentID string
	Action               Action
	Recipient            string // recipientTag of the address it was mailed to
	Mailed               time.Time
}

// Verify checks a token's signature and form: the case, the department,
// the action, the recipient and when it was mailed.
func (l MailLinks) Verify(token string) (mailToken, error) {
	bad := apperr.NotFound("this link is not valid; open the case in Tandem instead")
	parts, at, ok := l.open(mailLinkPurpose, token, 5)
	if !ok {
		return mailToken{}, bad
	}
	a := Action(parts[2])
	if a != Accept && a != RequestInfo && a != Reject {
		return mailToken{}, bad
	}
	return mailToken{CaseID: parts[0], DepartmentID: parts[1], Action: a, Recipient: parts[3], Mailed: at}, nil
}

// MailLink is an action link as its page shows it.
type MailLink struct {
	Case   Case
	Action Action
	// Done says why the link no longer acts (closed, expired, or the step
	// is past).
	Done string
	// By is who follows the link: the department's inbound address or its
	// escalation contact, as the timeline names them.
	By string
}

// recipientOf is who at dep a link was mailed to, by its tag: the inbound
// address or the escalation contact; "" when the department no longer
// has that address (the link then acts no more).
func recipientOf(dep department.Department, tag string) string {
	switch tag {
	case recipientTag(dep.Inbound.Email):
		return dep.Name + " <" + dep.Inbound.Email + ">"
	case recipientTag(dep.Inbound.Escalation.Email):
		if dep.Inbound.Escalation.Email != "" {
			return dep.Inbound.Escalation.Name + " <" + dep.Inbound.Escalation.Email + ">, " + dep.Name
		}
	}
	return ""
}

// LookupMailLink checks an action link without acting.
func (s *Service) LookupMailLink(ctx context.Context, token string) (MailLink, error) {
	t, err := s.MailLinks.Verify(token)
	if err != nil {
		return MailLink{}, err
	}
	var (
		c             Case
		dep           department.Department
		caseErr, dErr error
	)
	together(
		func() { c, caseErr = s.store.GetCase(ctx, t.CaseID) },
		func() { dep, dErr = s.store.GetDepartment(ctx, t.DepartmentID) },
	)
	if caseErr != nil {
		return MailLink{}, caseErr
	}
	if dErr != nil {
		return MailLink{}, dErr
	}
	by := recipientOf(dep, t.Recipient)
	if c.DepartmentID != t.DepartmentID || by == "" {
		// Another department's link, or an address the department no
		// longer has: whoever holds it is not the case's receiver now.
		return MailLink{}, apperr.NotFound("this link is not valid; open the case in Tandem instead")
	}
	l := MailLink{Case: c, Action: t.Action, By: by}
	if _, err := Next(c.Status, t.Action, Receiver); err != nil {
		l.Done = "This case is " + strings.ReplaceAll(string(c.Status), "_", " ") + " now: the link no longer acts. Open the case to see what happened."
	} else if expires := t.Mailed.Add(MailLinkTTL); !s.Now().Before(expires) {
		l.Done = fmt.Sprintf("This link expired on %s, 30 days after its mail. Open the case in Tandem to answer it.", expires.Format("2 January 2006"))
	}
	return l, nil
}

// DoFromMail takes the step of an action link as the receiving department
// (no sign-in: the signed link is the authority), named in the timeline as
// the address the link was mailed to.
func (s *Service) DoFromMail(ctx context.Context, token string, a Act, claim idem.Claim) (Case, error) {
	l, err := s.LookupMailLink(ctx, token)
	if err != nil {
		return Case{}, err
	}
	if l.Done != "" {
		return Case{}, apperr.Conflict("%s", l.Done)
	}
	a.Action = l.Action
	p := auth.Principal{MemberID: l.Case.ReceiverMemberID, UserID: l.By + " (link in the case mail)", Roles: []string{auth.RoleEngineer}}
	return s.Do(ctx, p, l.Case.ID, a, claim)
}
