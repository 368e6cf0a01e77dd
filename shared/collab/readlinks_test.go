package collab_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
)

// The level-1 escalation contact is mailed a read-only link to the case
// (/s/{token}), not the console's case page (it has, as a rule, no user to
// sign in as); the submitter, who has one, gets the case page. The link
// shows the case while it is open, to the address it was mailed to while
// that address is still the department's; anything else is one refusal.
func TestReadOnlyLinks(t *testing.T) {
	w := newWorld(t, nil)
	c := w.newCase(t, mon(7, 0), mon(8, 30), mon(9, 0), mon(11, 0), func(c *collab.Case) { c.Reminded, c.Bcc = true, []string{"capture@partner.example"} })
	svc := w.service(mon(9, 0))
	if _, err := svc.Escalate(bg, c.ID, mon(9, 0)); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{}
	for _, m := range w.st.Outbox() {
		if d, ok := m.Data.(notify.CaseEscalated); ok {
			for _, to := range append(m.To, m.Bcc...) {
				links[to] = d.Link
			}
		}
	}
	if links["capture@partner.example"] != "https://t.example/cases/"+c.ID {
		t.Errorf("the capture copy links to %q, want the case page (a read-only link is its recipient's alone)", links["capture@partner.example"])
	}
	if links[submitter] != "https://t.example/cases/"+c.ID {
		t.Errorf("the submitter's escalation mail links to %q, want the case page", links[submitter])
	}
	link := links[escalation]
	if !strings.HasPrefix(link, "https://t.example/s/") {
		t.Fatalf("the escalation contact's mail links to %q, want a read-only /s/ link", link)
	}
	token := strings.TrimPrefix(link, "https://t.example/s/")

	shared, err := svc.LookupReadLink(bg, token)
	if err != nil || shared.Case.ID != c.ID || len(shared.Events) == 0 || !strings.Contains(shared.Reader, escalation) {
		t.Fatalf("the link: %+v, %v; want the case, its timeline and its reader", shared, err)
	}

	other := collab.NewService(w.st, collab.Service{Now: svc.Now, MailLinks: collab.MailLinks{Keys: keyring.Fixed("o", []byte("another-key-0123456789abcdef012345"))}})
	actionToken := svc.MailLinks.Sign(c.ID, w.dep.ID, collab.Accept, inbound, mon(9, 0))
	for _, tc := range []struct {
		name  string
		svc   *collab.Service
		token string
	}{
		{"an altered token", svc, token[:len(token)-2] + "xx"},
		{"a token signed with another key", other, token},
		{"an action link's token", svc, actionToken},
		{"garbage", svc, "not-a-token"},
		{"a very long token", svc, strings.Repeat("a", 500) + "." + strings.Repeat("b", 50)},
	} {
		if _, err := tc.svc.LookupReadLink(bg, tc.token); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("%s: %v, want not found", tc.name, err)
		}
	}

	// 30 days after its mail the link is spent, the case open or not.
	if _, err := w.service(mon(9, 0).Add(collab.MailLinkTTL)).LookupReadLink(bg, token); !errors.Is(err, apperr.ErrNotFound) || !strings.Contains(err.Error(), "expired") {
		t.Errorf("the link 30 days on: %v, want not found, saying it expired", err)
	}

	// The department replaces its escalation contact: the old one's link
	// reads the case no more.
	moved := w.dep
	moved.Inbound.Escalation = member.Contact{Name: "New Boss", Email: "new-boss@host.example"}
	moved.Version++
	if err := w.st.UpdateDepartment(bg, moved, w.dep, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.LookupReadLink(bg, token); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("the replaced contact's link: %v, want not found", err)
	}
	back := w.dep
	back.Version = moved.Version + 1
	if err := w.st.UpdateDepartment(bg, back, moved, nil); err != nil {
		t.Fatal(err)
	}

	// An address Tandem may no longer mail (its confirmation gone) reads
	// nothing either.
	unconfirmed := w.dep
	unconfirmed.Version = back.Version + 1
	unconfirmed.Confirmed = confirmation.Confirmed{}.With(inbound) // the escalation contact's confirmation gone
	if err := w.st.UpdateDepartment(bg, unconfirmed, back, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.LookupReadLink(bg, token); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("the link of an unconfirmed contact: %v, want not found", err)
	}
	reconfirmed := back
	reconfirmed.Version = unconfirmed.Version + 1
	if err := w.st.UpdateDepartment(bg, reconfirmed, unconfirmed, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.LookupReadLink(bg, token); err != nil {
		t.Fatalf("the link once the contact is confirmed again: %v", err)
	}

	// The submitter closes the case: the link ends with it.
	if _, err := w.service(mon(10, 0)).Do(bg, w.partEng.Principal(), c.ID, collab.Act{Action: collab.Close, Text: "Solved."}, idem.None); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.LookupReadLink(bg, token); !errors.Is(err, apperr.ErrNotFound) || !strings.Contains(err.Error(), "closed") {
		t.Errorf("the link of a closed case: %v, want not found, saying it is closed", err)
	}
}
