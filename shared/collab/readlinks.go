package collab

import (
	"context"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/department"
)

// A read-only link (/s/{token}) shows a case to someone who works on it
// without a Tandem user: the receiving department's escalation contact,
// mailed at level 1. It is bound to the case and to the address it was
// mailed to (the department's inbound address or escalation contact, as
// they are now: a contact replaced no longer reads the case), shows the
// case and its timeline and nothing else, and works while the case is
// open, for MailLinkTTL after its mail, and while the address is one
// Tandem may mail (confirmed, not bounced).
const readLinkPurpose = "case-read-link"

// readLinkTimeline bounds the timeline a read-only link shows.
const readLinkTimeline = 200

// SignRead returns the token of a read-only link to case caseID of
// department depID, mailed to recipient at now.
func (l MailLinks) SignRead(caseID, depID, recipient string, now time.Time) string {
	return l.seal(readLinkPurpose, caseID, depID, recipientTag(recipient), strconv.FormatInt(now.Unix(), 10))
}

// errBadReadLink is every refusal of a token that is not a read link:
// one answer, whatever was wrong with it.
func errBadReadLink() error {
	return apperr.NotFound("this link is not valid; ask the case's submitter or sign in to Tandem to see the case")
}

// readToken is what a read link says.
type readToken struct {
	CaseID, DepartmentID string
	Recipient            string // recipientTag of the address it was mailed to
	Mailed               time.Time
}

// verifyRead checks a read link's signature and form.
func (l MailLinks) verifyRead(token string) (readToken, error) {
	parts, at, ok := l.open(readLinkPurpose, token, 4)
	if !ok {
		return readToken{}, errBadReadLink()
	}
	return readToken{CaseID: parts[0], DepartmentID: parts[1], Recipient: parts[2], Mailed: at}, nil
}

// SharedCase is what a read-only link shows.
type SharedCase struct {
	Case       Case
	Events     []Event
	Department department.Department
	// Reader is who the link was mailed to, as the page greets them.
	Reader string
}

// LookupReadLink returns the case a read-only link shows, with its
// timeline, while the case is open.
func (s *Service) LookupReadLink(ctx context.Context, token string) (SharedCase, error) {
	t, err := s.MailLinks.verifyRead(token)
	if err != nil {
		return SharedCase{}, err
	}
	caseID, depID := t.CaseID, t.DepartmentID
	if expires := t.Mailed.Add(MailLinkTTL); !s.Now().Before(expires) {
		return SharedCase{}, apperr.NotFound("this link expired on %s, 30 days after its mail; sign in to Tandem or ask the case's submitter", expires.Format("2 January 2006"))
	}
	var (
		c                     Case
		dep                   department.Department
		evs                   []Event
		caseErr, dErr, evsErr error
	)
	together(
		func() { c, caseErr = s.store.GetCase(ctx, caseID) },
		func() { dep, dErr = s.store.GetDepartment(ctx, depID) },
		func() { evs, _, evsErr = s.store.ListCaseEvents(ctx, caseID, readLinkTimeline, "") },
	)
	for _, err := range []error{caseErr, dErr, evsErr} {
		if err != nil {
			return SharedCase{}, err
		}
	}
	reader := recipientOf(dep, t.Recipient)
	mailable := false // the address is still one Tandem may mail
	for _, a := range []string{dep.InboundMail(), dep.EscalationMail()} {
		mailable = mailable || (a != "" && t.Recipient == recipientTag(a))
	}
	if c.DepartmentID != depID || reader == "" || !mailable {
		return SharedCase{}, errBadReadLink()
	}
	if c.Status.Final() {
		return SharedCase{}, apperr.NotFound("case %s is %s: its read-only link shows it only while it is open", refOrID(c), c.Status)
	}
	return SharedCase{Case: c, Events: evs, Department: dep, Reader: reader}, nil
}
