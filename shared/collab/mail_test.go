package collab_test

import (
	"context"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// Who intake mails, by the addresses' owners' word and the capture
// settings: an address is mailed only once confirmed, a capture address
// gets a copy of its own without the links that act, and each action link
// is bound to the address it went to.
func TestOpenMailsOnlyConfirmedAddresses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*cast)
		edit  func(*collab.NewCase)
		// want maps each recipient to the template it gets and whether
		// its mail carries action links.
		want map[string]string
	}{
		{"confirmed department", nil, nil, map[string]string{
			"support-DEP@x.example": "case_new+links", "eng@partner.example": "case_opened"}},
		{"unconfirmed inbound: nobody at the department is mailed", func(f *cast) {
			d := f.deps[depID]
			d.Confirmed = confirmation.Confirmed{}.With(d.Inbound.Escalation.Email)
			f.deps[depID] = d
		}, nil, map[string]string{"eng@partner.example": "case_opened"}},
		{"confirmed captures get copies without links", func(f *cast) {
			p := f.members[partnerID]
			p.Bcc.Outbound, p.Confirmed = "crm-out@partner.example", confirmation.Confirmed{"crm-out@partner.example"}
			f.members[partnerID] = p
			h := f.members[hostID]
			h.Bcc.Inbound, h.Confirmed = "crm-in@host.example", confirmation.Confirmed{"crm-in@host.example"}
			f.members[hostID] = h
		}, nil, map[string]string{
			"support-DEP@x.example": "case_new+links", "eng@partner.example": "case_opened",
			"crm-out@partner.example": "case_new", "crm-in@host.example": "case_new"}},
		{"unconfirmed captures get nothing", func(f *cast) {
			p := f.members[partnerID]
			p.Bcc.Outbound = "crm-out@partner.example"
			f.members[partnerID] = p
		}, nil, map[string]string{"support-DEP@x.example": "case_new+links", "eng@partner.example": "case_opened"}},
		{"critical escalation: the escalation contact gets links of its own", func(f *cast) {
			prg := f.programs[prgID]
			prg.Type = program.CriticalEscalation
			f.programs[prgID] = prg
			d := f.deps[depID]
			d.Inbound.Hours.Always = true
			f.deps[depID] = d
			u := f.users[engID]
			u.Roles = append(u.Roles, "critical")
			f.users[engID] = u
		}, func(c *collab.NewCase) {
			c.Priority, c.BusinessImpact, c.NoteToManager = program.Critical, "down", "call me"
			c.Customer.CaseNumber = "C-1"
		}, map[string]string{"support-DEP@x.example": "case_new+links", "esc@x.example": "case_new+links", "eng@partner.example": "case_opened"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fixture()
			if tc.setup != nil {
				tc.setup(f)
			}
			st := f.store(t)
			in := validCase()
			if tc.edit != nil {
				tc.edit(&in)
			}
			s := testService(st)
			p := engineer
			p.Roles = f.users[engID].Roles
			c, err := s.Open(context.Background(), p, in, idem.None)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, m := range st.Outbox() {
				if len(m.To)+len(m.Cc)+len(m.Bcc) != 1 {
					t.Fatalf("message %s to %v cc %v bcc %v: want one recipient each", m.Template(), m.To, m.Cc, m.Bcc)
				}
				rcpt := append(m.To, m.Bcc...)[0]
				if strings.HasPrefix(rcpt, "crm-") != (len(m.Bcc) == 1) {
					t.Errorf("%s is mailed as %v / bcc %v: capture addresses get blind copies, others open mail", rcpt, m.To, m.Bcc)
				}
				what := m.Template()
				if n, ok := m.Data.(notify.CaseNew); ok && n.AcceptLink != "" {
					what += "+links"
					for _, link := range []string{n.AcceptLink, n.RequestInfoLink, n.RejectLink} {
						tok := strings.TrimPrefix(link, "https://t.example/r/")
						// The link acts on the case as the address it was
						// mailed to, and as no other.
						l, err := s.LookupMailLink(context.Background(), tok)
						if err != nil || l.Case.ID != c.ID || !strings.Contains(l.By, "<"+rcpt+">") {
							t.Errorf("link %s to %s: case %s by %q, %v; want it bound to case and recipient", link, rcpt, l.Case.ID, l.By, err)
						}
					}
				}
				got[rcpt] = what
			}
			if len(got) != len(tc.want) {
				t.Errorf("mailed %v, want %v", got, tc.want)
			}
			for to, want := range tc.want {
				if got[to] != want {
					t.Errorf("%s got %q, want %q (all: %v)", to, got[to], want, got)
				}
			}
		})
	}
}

// A member is refused (429) beyond its daily allowance of mailing steps.
func TestOpenRefusesBeyondTheDailyMailLimit(t *testing.T) {
	st := fixture().store(t)
	s := testService(st)
	s.MailPerDay = 2
	for i := 0; i < 2; i++ {
		if _, err := s.Open(context.Background(), engineer, validCase(), idem.None); err != nil {
			t.Fatalf("case %d within the limit: %v", i+1, err)
		}
	}
	_, err := s.Open(context.Background(), engineer, validCase(), idem.None)
	if apperr.KindOf(err) != apperr.ErrRateLimited {
		t.Fatalf("third case: %v, want rate limited", err)
	}
	if n := len(casesIn(t, st)); n != 2 {
		t.Fatalf("%d cases written, want 2", n)
	}
}

// Action links name the recipient only by a tag: no address in the URL.
func TestActionLinksHoldNoAddress(t *testing.T) {
	st := fixture().store(t)
	s := testService(st)
	if _, err := s.Open(context.Background(), engineer, validCase(), idem.None); err != nil {
		t.Fatal(err)
	}
	for _, m := range st.Outbox() {
		if n, ok := m.Data.(notify.CaseNew); ok && n.AcceptLink != "" {
			u, _ := url.PathUnescape(n.AcceptLink)
			payload, _, _ := strings.Cut(strings.TrimPrefix(u, "https://t.example/r/"), ".")
			raw, err := base64.RawURLEncoding.DecodeString(payload)
			if err != nil {
				t.Fatalf("link %s: %v", n.AcceptLink, err)
			}
			if strings.Contains(strings.ToLower(string(raw)+u), "support-dep") {
				t.Errorf("link %s shows the address: %s", n.AcceptLink, raw)
			}
		}
	}
}
