package session_test

import (
	"testing"

	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/session"
)

// A sign-in link signs in the person a session is for: the same user of
// the same member, or the same operator — nobody else.
func TestSignsIn(t *testing.T) {
	ses := session.Session{UserID: "usr_1", MemberID: "mem_1"}
	ops := session.Session{Operator: true, UserID: "ops@tandem.example"}
	for _, tc := range []struct {
		name string
		t    session.LoginToken
		ses  session.Session
		want bool
	}{
		{"the same user", session.LoginToken{UserID: "usr_1", MemberID: "mem_1"}, ses, true},
		{"another user of the member", session.LoginToken{UserID: "usr_2", MemberID: "mem_1"}, ses, false},
		{"the same user id at another member", session.LoginToken{UserID: "usr_1", MemberID: "mem_2"}, ses, false},
		{"the same operator", session.LoginToken{Operator: true, UserID: "ops@tandem.example"}, ops, true},
		{"an operator link for a user's session", session.LoginToken{Operator: true, UserID: "usr_1", MemberID: "mem_1"}, ses, false},
		{"a user link for an operator's session", session.LoginToken{UserID: "ops@tandem.example"}, ops, false},
	} {
		if got := tc.t.SignsIn(tc.ses); got != tc.want {
			t.Errorf("%s: SignsIn = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Form tokens: each is bound to what it was made for — a session, a
// sign-in link, an anonymous nonce — and to the installation's keys; it
// passes for that alone, and an empty token never passes.
func TestFormTokens(t *testing.T) {
	keys := keyring.Fixed("k1", []byte("test-key-0123456789abcdef0123456789"))
	s := session.NewService(nil, session.Service{Keys: keys})
	other := session.NewService(nil, session.Service{Keys: keyring.Fixed("k1", []byte("another-key-0123456789abcdef012345"))})
	a := session.Session{Hash: "aaaa"}
	b := session.Session{Hash: "bbbb"}
	const link, nonce = "lgn_plain", "nonce-1"
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"session a's token in session a", s.CheckSessionForm(s.FormToken(a), a)},
		{"session a's token in session b", !s.CheckSessionForm(s.FormToken(a), b)},
		{"another installation's token", !s.CheckSessionForm(other.FormToken(a), a)},
		{"an empty token", !s.CheckSessionForm("", a)},
		{"a link's token on its link", s.CheckLinkForm(s.LinkFormToken(link), link)},
		{"a link's token on another link", !s.CheckLinkForm(s.LinkFormToken(link), "lgn_other")},
		{"a nonce's token with its nonce", s.CheckAnonymousForm(s.AnonymousFormToken(nonce), nonce)},
		{"a nonce's token with another nonce", !s.CheckAnonymousForm(s.AnonymousFormToken(nonce), "nonce-2")},
		{"an anonymous token as a session's", !s.CheckSessionForm(s.AnonymousFormToken(a.Hash), a)},
		{"a session's token as an anonymous one", !s.CheckAnonymousForm(s.FormToken(a), a.Hash)},
		{"a session's token on a link", !s.CheckLinkForm(s.FormToken(a), link)},
	} {
		if !tc.ok {
			t.Errorf("%s: wrong answer", tc.name)
		}
	}
}
