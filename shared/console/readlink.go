package console

import (
	"context"
	"net/http"
	"regexp"
	"strings"

	"github.com/tandemhq/tandem/shared/router"
)

// readOnlyCase is the page behind a read-only link: the case's
// conversation without any form, and who the link was mailed to.
type readOnlyCase struct {
	Reader       string
	Conversation conversation
}

// readOnlyCasePage serves GET /s/{token}: the case a signed read-only
// link shows (the level-1 escalation contact's), no sign-in, no form.
func (s *Server) readOnlyCasePage(ctx context.Context, r *router.Request) (*router.Response, error) {
	shared, err := s.Cases.LookupReadLink(ctx, r.Param("token"))
	if err != nil {
		return nil, err
	}
	c, dep := shared.Case, shared.Department
	loc, _, _ := viewerZone(r)
	conv := conversation{ID: c.ID, Ref: c.Ref, Summary: c.Summary, Status: string(c.Status), Overdue: c.Overdue(s.Now()),
		Facts: caseFacts(c, loc), Messages: messagesOf(c, shared.Events, dep.Form, loc), ReadOnly: true}
	// A link can be forwarded: it shows people by name, not address.
	for i := range conv.Facts {
		conv.Facts[i].Value = withoutAddresses(conv.Facts[i].Value)
	}
	for i := range conv.Messages {
		m := &conv.Messages[i]
		m.Who = withoutAddresses(m.Who)
		for j := range m.Fields {
			m.Fields[j].Value = withoutAddresses(m.Fields[j].Value)
		}
	}
	if c.ClockRunning() {
		conv.RespondBy = c.ResponseDueAt.In(loc).Format(timeLayout)
	}
	// Like every page, not kept by caches (the link is a credential).
	return router.Page(http.StatusOK, readOnlyCasePage(readOnlyCase{Reader: shared.Reader, Conversation: conv})), nil
}

// addressRE is a mail address as the pages write one beside a name:
// "Name <a@b>" or "Name (a@b)", or alone.
var addressRE = regexp.MustCompile(`\s*[<(]?[^\s<>()@]+@[^\s<>()@]+[>)]?`)

// withoutAddresses is s with its mail addresses taken out.
func withoutAddresses(s string) string {
	return strings.TrimSpace(addressRE.ReplaceAllString(s, ""))
}
