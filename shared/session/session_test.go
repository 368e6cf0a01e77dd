package session_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/session"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

// memStore is session.Store in memory: memstore, with the people of a
// test stored as members' users.
type memStore struct{ *memstore.Store }

// newMemStore stores users, each member (named "Member <id>") created
// with its first user.
func newMemStore(t *testing.T, users ...member.User) memStore {
	t.Helper()
	st := memstore.New(keyring.Fixed("k", []byte("k")))
	created := map[string]bool{}
	for _, u := range users {
		cred := member.Credential{Hash: "tok_" + u.ID, UserID: u.ID, MemberID: u.MemberID, Roles: u.Roles}
		u.TokenHash = cred.Hash
		var err error
		if created[u.MemberID] {
			err = st.CreateUser(context.Background(), u, cred, nil, idem.None)
		} else {
			created[u.MemberID] = true
			m := member.Member{ID: u.MemberID, Name: "Member " + u.MemberID, Domain: u.MemberID + ".example", Kind: member.Full, Version: 1}
			err = st.CreateMember(context.Background(), m, u, cred, nil, idem.None)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return memStore{st}
}

// mailsTo counts the links mailed to addr.
func (m memStore) mailsTo(addr string) int {
	n := 0
	for _, msg := range m.Outbox() {
		if len(msg.To) == 1 && msg.To[0] == addr {
			n++
		}
	}
	return n
}

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/inbox", "/inbox"},
		{"/outbox?status=open", "/outbox?status=open"},
		{"/cases/cas_01J?done=accept", "/cases/cas_01J?done=accept"},
		{"/cases/new?q=Acme+Corp", "/cases/new?q=Acme+Corp"},
		{"/programs/prg_1/enrollments", "/programs/prg_1/enrollments"},
		{"/r%C3%A9sum%C3%A9", "/r%C3%A9sum%C3%A9"}, // percent-encoded UTF-8 letters are fine
		{"", "/inbox"},
		{"inbox", "/inbox"},
		{"//evil.example", "/inbox"},
		{"///evil.example", "/inbox"},
		{"/\\evil.example", "/inbox"},
		{"\\/evil.example", "/inbox"},
		{"/\t/evil.example", "/inbox"},
		{"/\n/evil.example", "/inbox"},
		{"/\r\n/evil.example", "/inbox"},
		{"/\x00", "/inbox"},
		{"/inbox\x7f", "/inbox"},
		{"/ /evil.example", "/inbox"},
		{"/\u00a0/evil.example", "/inbox"}, // no-break space
		{"/\u2028/evil.example", "/inbox"}, // line separator
		{"/\u200b/evil.example", "/inbox"}, // zero-width space
		{"/%09/evil.example", "/inbox"},    // the reported one
		{"/%0a/evil.example", "/inbox"},
		{"/%0D%0A/evil.example", "/inbox"},
		{"/%00", "/inbox"},
		{"/%20/evil.example", "/inbox"},
		{"/%5cevil.example", "/inbox"},
		{"/%2f/evil.example", "/inbox"},
		{"/%2F%2Fevil.example", "/inbox"},
		{"%2F%2Fevil.example", "/inbox"},
		{"/%252f%252fevil.example", "/inbox"}, // encoded twice
		{"/%25252f%25252fevil.example", "/inbox"},
		{"/%2525252f", "/inbox"}, // still changing after three rounds
		{"/%zz", "/inbox"},
		{"/inbox%", "/inbox"},
		{"/%ff", "/inbox"}, // not UTF-8 once decoded
		{"https://evil.example/", "/inbox"},
		{"javascript:alert(1)", "/inbox"},
		{"/v1/cases", "/inbox"},
		{"/_local/signin/lgn_x", "/inbox"},
		{"/%5flocal/signin/lgn_x", "/inbox"},
		{"/" + strings.Repeat("a", session.MaxNext), "/inbox"},
		{"/" + strings.Repeat("a", session.MaxNext-1), "/" + strings.Repeat("a", session.MaxNext-1)},
	} {
		if got := session.SafeNext(tc.in); got != tc.want {
			t.Errorf("SafeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzSafeNext: whatever goes in, what comes out is the inbox or a path of
// the base's own host, as Go resolves it and as a browser reads a
// Location (dropping tabs and line breaks, taking "\" for "/"), starting
// with one slash, with no control character raw or decoded, and kept as
// it is when given again.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/inbox", "/%09/host", "/\t/host", "//host", "/\\host", "/%2F%2Fhost", "/%252F%252Fhost", "https://host",
		"/cases/x?y=1#z", "/%0a%0d", "/.//host", "/..//host", "/%2e%2e/%2f%2fhost", "/a:b@host", "/?//host", "/#//host"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://tandem.example/")
	f.Fuzz(func(t *testing.T, in string) {
		out := session.SafeNext(in)
		if out == "/inbox" {
			return
		}
		if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") {
			t.Fatalf("SafeNext(%q) = %q: not one leading slash", in, out)
		}
		if len(out) > session.MaxNext {
			t.Fatalf("SafeNext(%q) is %d bytes", in, len(out))
		}
		dec, err := url.PathUnescape(out)
		if err != nil {
			t.Fatalf("SafeNext(%q) = %q does not decode: %v", in, out, err)
		}
		for _, s := range []string{out, dec} {
			if strings.ContainsFunc(s, unicode.IsControl) {
				t.Fatalf("SafeNext(%q) = %q has a control character", in, out)
			}
		}
		browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(out)
		for _, loc := range []string{out, browser, dec} {
			ref, err := url.Parse(loc)
			if err != nil {
				t.Fatalf("SafeNext(%q) = %q does not parse (as %q): %v", in, out, loc, err)
			}
			if got := base.ResolveReference(ref); got.Scheme != base.Scheme || got.Host != base.Host || got.User != nil {
				t.Fatalf("SafeNext(%q) = %q leads to %s", in, out, got)
			}
		}
		if again := session.SafeNext(out); again != out {
			t.Fatalf("SafeNext(%q) = %q, but SafeNext of that is %q", in, out, again)
		}
	})
}

// clock is a settable clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// The limits of sign-in links, as a sequence of requests: per address and
// client (5 an hour), per address alone (20 an hour), per client (30 an
// hour, the only one that answers 429). Over an address's limits the
// answer is the same as under them, and nothing is mailed.
func TestRequestLinkLimits(t *testing.T) {
	ann := member.User{ID: "usr_ann", MemberID: "mem_1", Name: "Ann", Email: "ann@acme.example", Status: member.UserActive}
	const ops = "ops@operators.example"
	c := &clock{now: time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)}
	st := newMemStore(t, ann)
	s := session.NewService(st, session.Service{Now: c.Now, Keys: keyring.Fixed("k", []byte("k")), Operators: []string{ops}, Origin: notify.Origin{BaseURL: "https://tandem.example"}})
	for _, step := range []struct {
		what         string
		email        string
		clients      []string // one request from each
		advance      time.Duration
		wantMailed   int // to email so far
		wantLimited  bool
		wantStranger bool // email is no user's: nothing is ever mailed
	}{
		{what: "five from one client", email: ann.Email, clients: repeat("198.51.100.1", 5), wantMailed: 5},
		{what: "the sixth to tenth from it: same answer, no mail", email: ann.Email, clients: repeat("198.51.100.1", 5), wantMailed: 5},
		{what: "the owner from another client", email: ann.Email, clients: []string{"203.0.113.7"}, wantMailed: 6},
		{what: "one IPv6 /64 is one client", email: ann.Email, clients: []string{"2001:db8::1", "2001:db8::2", "2001:db8::3", "2001:db8::4", "2001:db8::5", "2001:db8::6"}, wantMailed: 11},
		{what: "an IPv4-mapped address is its IPv4 client", email: ann.Email, clients: []string{"::ffff:198.51.100.1"}, wantMailed: 11},
		{what: "a flood from many clients stops at 20 for the address", email: ann.Email,
			clients: append(repeat("192.0.2.1", 5), append(repeat("192.0.2.2", 5), repeat("192.0.2.3", 5)...)...), wantMailed: 20},
		{what: "the owner after the flood, within the hour: the looser limit holds", email: ann.Email, clients: []string{"203.0.113.8"}, wantMailed: 20},
		{what: "the next hour: links again", email: ann.Email, clients: []string{"203.0.113.7"}, advance: time.Hour, wantMailed: 21},
		{what: "an operator's address has the same limits", email: ops, clients: repeat("198.51.100.9", 7), wantMailed: 5},
		{what: "and its owner elsewhere gets its link", email: ops, clients: []string{"203.0.113.9"}, wantMailed: 6},
		{what: "a stranger's address: the same answers", email: "nobody@acme.example", clients: repeat("198.51.100.10", 7), wantStranger: true},
	} {
		c.now = c.now.Add(step.advance)
		for i, client := range step.clients {
			if err := s.RequestLink(context.Background(), step.email, "/inbox", client); err != nil {
				t.Fatalf("%s: request %d from %s: %v, want nil (the same answer)", step.what, i+1, client, err)
			}
		}
		got := st.mailsTo(step.email)
		if step.wantStranger {
			step.wantMailed = 0
		}
		if got != step.wantMailed {
			t.Fatalf("%s: got %d links mailed to %s, want %d", step.what, got, step.email, step.wantMailed)
		}
	}

	// One client asking for many addresses is told to wait (it learns
	// nothing about any address): 30 an hour.
	for i := range session.PerClient {
		if err := s.RequestLink(context.Background(), fmt.Sprintf("p%d@acme.example", i), "", "198.51.100.77"); err != nil {
			t.Fatalf("address %d from one client: %v", i+1, err)
		}
	}
	err := s.RequestLink(context.Background(), ann.Email, "", "198.51.100.77")
	if !errors.Is(err, apperr.ErrRateLimited) {
		t.Fatalf("the 31st request from one client: got %v, want rate limited", err)
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// A session slides 30 days at a time while used, but never past 90 days
// after its sign-in; an unused one ends 30 days after its last slide.
func TestSessionEndsNinetyDaysAfterSignIn(t *testing.T) {
	day := 24 * time.Hour
	ann := member.User{ID: "usr_ann", MemberID: "mem_1", Email: "ann@acme.example", Status: member.UserActive}
	for _, tc := range []struct {
		what       string
		uses       []time.Duration // since sign-in, each a request
		at         time.Duration
		wantOK     bool
		wantExpiry time.Duration // since sign-in, after the request at at (when OK)
	}{
		{what: "a fresh session", at: time.Hour, wantOK: true, wantExpiry: 30 * day},
		{what: "used every 29 days, at day 87: slides only to the cap", uses: []time.Duration{29 * day, 58 * day}, at: 87 * day, wantOK: true, wantExpiry: 90 * day},
		{what: "used every 29 days, a minute before 90 days", uses: []time.Duration{29 * day, 58 * day, 87 * day}, at: 90*day - time.Minute, wantOK: true, wantExpiry: 90 * day},
		{what: "used every 29 days, at 90 days", uses: []time.Duration{29 * day, 58 * day, 87 * day}, at: 90 * day},
		{what: "used daily, at 90 days", uses: days(1, 89), at: 90 * day},
		{what: "unused for 30 days", uses: []time.Duration{10 * day}, at: 40 * day},
		{what: "unused for 29 days", uses: []time.Duration{10 * day}, at: 39 * day, wantOK: true, wantExpiry: 69 * day},
	} {
		signIn := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
		c := &clock{now: signIn}
		st := newMemStore(t, ann)
		s := session.NewService(st, session.Service{Now: c.Now, Keys: keyring.Fixed("k", []byte("k"))})
		link, err := s.IssueLink(context.Background(), ann, "/inbox")
		if err != nil {
			t.Fatal(err)
		}
		secret, _, _, err := s.SignIn(context.Background(), link)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range tc.uses {
			c.now = signIn.Add(u)
			if _, _, err := s.Resolve(context.Background(), secret); err != nil {
				t.Fatalf("%s: the use at %v: %v", tc.what, u, err)
			}
		}
		c.now = signIn.Add(tc.at)
		_, ses, err := s.Resolve(context.Background(), secret)
		switch {
		case tc.wantOK && err != nil:
			t.Errorf("%s: got %v, want the session", tc.what, err)
		case !tc.wantOK && !errors.Is(err, apperr.ErrUnauthorized):
			t.Errorf("%s: got %v, want unauthorized", tc.what, err)
		case tc.wantOK && !ses.ExpiresAt.Equal(signIn.Add(tc.wantExpiry)):
			t.Errorf("%s: expires %v after sign-in, want %v", tc.what, ses.ExpiresAt.Sub(signIn), tc.wantExpiry)
		}
		if stored, err := st.GetSession(context.Background(), auth.Hash(secret)); err == nil && stored.ExpiresAt.After(signIn.Add(session.MaxAge)) {
			t.Errorf("%s: stored expiry %v after sign-in, past the 90 days", tc.what, stored.ExpiresAt.Sub(signIn))
		}
	}
}

// days is one use a day from day first to day last.
func days(first, last int) []time.Duration {
	var out []time.Duration
	for d := first; d <= last; d++ {
		out = append(out, time.Duration(d)*24*time.Hour)
	}
	return out
}

// The session cookie's name: __Host- over https only.
func TestCookieNameFor(t *testing.T) {
	for base, want := range map[string]string{
		"https://tandem.example": "__Host-tandem_session", "HTTPS://tandem.example": "__Host-tandem_session",
		"http://localhost:8080": "tandem_session", "http://127.0.0.1:4000": "tandem_session",
	} {
		if got := session.CookieNameFor(base); got != want {
			t.Errorf("CookieNameFor(%q) = %q, want %q", base, got, want)
		}
	}
}

// A sign-in link starts one session: once, within its 15 minutes, for a
// user still active; a used, expired or unknown link starts none and
// says why.
func TestSignInLink(t *testing.T) {
	ann := member.User{ID: "usr_ann", MemberID: "mem_1", Name: "Ann", Email: "ann@acme.example", Status: member.UserActive}
	for _, tc := range []struct {
		what    string
		used    bool          // signed in with it once before
		after   time.Duration // since the link was made
		revoked bool          // the user, since the link was made
		link    string        // another link than the one made
		kind    error
		state   session.LinkState // what its page says
	}{
		{what: "a fresh link", after: time.Minute, state: session.LinkValid},
		{what: "a second sign-in with it", used: true, after: time.Minute, kind: apperr.ErrConflict, state: session.LinkUsed},
		{what: "a second before 15 minutes", after: session.LinkTTL - time.Second, state: session.LinkValid},
		{what: "at 15 minutes", after: session.LinkTTL, kind: apperr.ErrConflict, state: session.LinkExpired},
		{what: "a link nobody made", link: "lgn_nobodymadethis", after: time.Minute, kind: apperr.ErrNotFound, state: session.LinkUnknown},
		{what: "not a sign-in link", link: "ses_x", after: time.Minute, kind: apperr.ErrNotFound, state: session.LinkUnknown},
		{what: "the user revoked since", revoked: true, after: time.Minute, kind: apperr.ErrForbidden, state: session.LinkValid},
	} {
		t.Run(tc.what, func(t *testing.T) {
			made := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
			c := &clock{now: made}
			st := newMemStore(t, ann)
			s := session.NewService(st, session.Service{Now: c.Now, Keys: keyring.Fixed("k", []byte("k"))})
			link, err := s.IssueLink(context.Background(), ann, "/cases/new")
			if err != nil {
				t.Fatal(err)
			}
			if tc.used {
				if _, _, _, err := s.SignIn(context.Background(), link); err != nil {
					t.Fatal(err)
				}
			}
			if tc.revoked {
				u, _ := st.GetUser(context.Background(), ann.MemberID, ann.ID)
				if err := st.RevokeUser(context.Background(), u, made); err != nil {
					t.Fatal(err)
				}
			}
			if tc.link != "" {
				link = tc.link
			}
			c.now = made.Add(tc.after)
			if _, state, err := s.LookupLink(context.Background(), link); err != nil || state != tc.state {
				t.Errorf("its page: %s, %v; want %s", state, err, tc.state)
			}
			secret, ses, next, err := s.SignIn(context.Background(), link)
			if !errors.Is(err, tc.kind) || (tc.kind == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
			if tc.kind != nil {
				return
			}
			if next != "/cases/new" || ses.UserID != ann.ID || !ses.ExpiresAt.Equal(c.now.Add(session.TTL)) {
				t.Errorf("session %+v to %q, want Ann's for 30 days to /cases/new", ses, next)
			}
			if p, _, err := s.Resolve(context.Background(), secret); err != nil || p.UserID != ann.ID {
				t.Errorf("the new session resolves to %+v, %v", p, err)
			}
		})
	}
}

// A session slides: used more than a day after its last extension it
// runs 30 days from the use (written then), used within the day it is not
// written again; it ends when its user is revoked and when signed out.
func TestResolveSlidesAndEnds(t *testing.T) {
	day := 24 * time.Hour
	ann := member.User{ID: "usr_ann", MemberID: "mem_1", Name: "Ann", Email: "ann@acme.example", Status: member.UserActive}
	for _, tc := range []struct {
		what       string
		at         time.Duration // since sign-in
		end        string        // "revoke" or "sign out" before the request
		wantOK     bool
		wantStored time.Duration // the stored expiry after, since sign-in
	}{
		{what: "used within the first day: not extended", at: 23 * time.Hour, wantOK: true, wantStored: 30 * day},
		{what: "used after a day: 30 days from then", at: day + time.Minute, wantOK: true, wantStored: 31*day + time.Minute},
		{what: "used on day 29: 30 days from then", at: 29 * day, wantOK: true, wantStored: 59 * day},
		{what: "the user revoked", at: time.Hour, end: "revoke"},
		{what: "signed out", at: time.Hour, end: "sign out"},
	} {
		t.Run(tc.what, func(t *testing.T) {
			signIn := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
			c := &clock{now: signIn}
			st := newMemStore(t, ann)
			s := session.NewService(st, session.Service{Now: c.Now, Keys: keyring.Fixed("k", []byte("k"))})
			link, _ := s.IssueLink(context.Background(), ann, "")
			secret, _, _, err := s.SignIn(context.Background(), link)
			if err != nil {
				t.Fatal(err)
			}
			switch tc.end {
			case "revoke":
				u, _ := st.GetUser(context.Background(), ann.MemberID, ann.ID)
				if err := st.RevokeUser(context.Background(), u, signIn); err != nil {
					t.Fatal(err)
				}
			case "sign out":
				if err := s.SignOut(context.Background(), secret); err != nil {
					t.Fatal(err)
				}
			}
			c.now = signIn.Add(tc.at)
			p, _, err := s.Resolve(context.Background(), secret)
			if !tc.wantOK {
				if !errors.Is(err, apperr.ErrUnauthorized) {
					t.Fatalf("got %+v, %v; want unauthorized", p, err)
				}
				return
			}
			if err != nil || p.UserID != ann.ID {
				t.Fatalf("got %+v, %v; want Ann", p, err)
			}
			stored, err := st.GetSession(context.Background(), auth.Hash(secret))
			if err != nil || !stored.ExpiresAt.Equal(signIn.Add(tc.wantStored)) {
				t.Errorf("stored expiry %v after sign-in (%v), want %v", stored.ExpiresAt.Sub(signIn), err, tc.wantStored)
			}
		})
	}
}

// Operators sign in with the address the installation names: their link
// leads to /operator (no inbox of their own), their session acts as an
// operator of no member, and it ends once the address is no longer an
// operator's; an address that is not one gets no operator link.
func TestOperatorSessions(t *testing.T) {
	const ops = "ops@tandem.example"
	made := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		what      string
		asks      string   // the address asking for a link
		operators []string // the installation's, when the link is used and after
		kind      error    // of signing in
		resolves  bool
	}{
		{what: "an operator's address", asks: ops, operators: []string{ops}, resolves: true},
		{what: "written otherwise", asks: " OPS@Tandem.example", operators: []string{ops}, resolves: true},
		{what: "no longer an operator's when the link is used", asks: ops, operators: nil, kind: apperr.ErrForbidden},
		{what: "an address that is no operator's", asks: "eve@tandem.example", operators: []string{ops}, kind: apperr.ErrNotFound},
	} {
		t.Run(tc.what, func(t *testing.T) {
			c := &clock{now: made}
			st := newMemStore(t)
			origin := notify.Origin{BaseURL: "https://tandem.example"}
			asking := session.NewService(st, session.Service{Now: c.Now, Keys: keyring.Fixed("k", []byte("k")), Operators: []string{ops}, Origin: origin})
			if err := asking.RequestLink(context.Background(), tc.asks, "/inbox", "198.51.100.1"); err != nil {
				t.Fatal(err)
			}
			link := "lgn_none"
			for _, m := range st.Outbox() {
				if l, ok := m.Data.(notify.LoginLink); ok {
					link = strings.TrimPrefix(l.Link, origin.BaseURL+"/login/")
				}
			}
			s := session.NewService(st, session.Service{Now: c.Now, Keys: keyring.Fixed("k", []byte("k")), Operators: tc.operators, Origin: origin})
			secret, ses, next, err := s.SignIn(context.Background(), link)
			if !errors.Is(err, tc.kind) || (tc.kind == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tc.kind)
			}
			if tc.kind != nil {
				return
			}
			if !ses.Operator || ses.MemberID != "" || next != "/operator" {
				t.Errorf("session %+v to %q, want an operator's of no member, to /operator", ses, next)
			}
			p, _, err := s.Resolve(context.Background(), secret)
			if err != nil || !p.Operator || p.MemberID != "" {
				t.Errorf("resolves to %+v, %v; want an operator", p, err)
			}
			// The address leaves the installation's operators.
			gone := session.NewService(st, session.Service{Now: c.Now, Keys: keyring.Fixed("k", []byte("k")), Operators: []string{"someone@tandem.example"}, Origin: origin})
			if _, _, err := gone.Resolve(context.Background(), secret); !errors.Is(err, apperr.ErrUnauthorized) {
				t.Errorf("no longer an operator: %v, want unauthorized", err)
			}
		})
	}
}

// sideBySide is memStore recording whether a session was read while its
// user's read was under way (side by side) or before it (in series).
type sideBySide struct {
	memStore
	userRead chan struct{}
	inSeries bool
}

func (s *sideBySide) GetUser(ctx context.Context, memberID, userID string) (member.User, error) {
	select {
	case <-s.userRead:
	default:
		close(s.userRead)
	}
	return s.memStore.GetUser(ctx, memberID, userID)
}

func (s *sideBySide) GetSession(ctx context.Context, hash string) (session.Session, error) {
	select {
	case <-s.userRead:
	case <-time.After(time.Second):
		s.inSeries = true
	}
	return s.memStore.GetSession(ctx, hash)
}

// A session's secret names its member and user, so Resolve reads the
// session, the user and the member side by side; a secret of before
// (without them) still resolves, its session read first; a secret whose
// names were changed is no session.
func TestResolveReadsTheSessionBesideItsUser(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	ann := member.User{ID: "usr_ann", MemberID: "mem_1", Name: "Ann", Email: "ann@acme.example", Status: member.UserActive}
	bob := member.User{ID: "usr_bob", MemberID: "mem_1", Name: "Bob", Email: "bob@acme.example", Status: member.UserActive}
	st := &sideBySide{memStore: newMemStore(t, ann, bob), userRead: make(chan struct{})}
	s := session.NewService(st, session.Service{Now: func() time.Time { return now }, Keys: keyring.Fixed("k", []byte("k"))})
	link, _ := s.IssueLink(ctx, ann, "")
	secret, _, _, err := s.SignIn(ctx, link)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(secret, ".mem_1.usr_ann") {
		t.Errorf("the secret %q does not name Ann's member and user", secret)
	}
	st.userRead, st.inSeries = make(chan struct{}), false
	p, ses, err := s.Resolve(ctx, secret)
	if err != nil || p.UserID != ann.ID || ses.UserName != "Ann" || ses.MemberName != "Member mem_1" {
		t.Fatalf("got %+v %+v, %v; want Ann of Member mem_1", p, ses, err)
	}
	if st.inSeries {
		t.Error("the session was read before its user, not beside it")
	}

	older := "ses_" + strings.Repeat("A", 43)
	link2, _ := s.IssueLink(ctx, ann, "")
	if err := st.StartSession(ctx, auth.Hash(link2), session.Session{Hash: auth.Hash(older), UserID: ann.ID, MemberID: ann.MemberID, CreatedAt: now, ExpiresAt: now.Add(session.TTL)}, now); err != nil {
		t.Fatal(err)
	}
	st.userRead, st.inSeries = make(chan struct{}), false
	if p, _, err := s.Resolve(ctx, older); err != nil || p.UserID != ann.ID {
		t.Errorf("a secret of before: got %+v, %v; want Ann", p, err)
	}

	st.userRead = make(chan struct{})
	close(st.userRead)
	if p, _, err := s.Resolve(ctx, strings.Replace(secret, ".usr_ann", ".usr_bob", 1)); !errors.Is(err, apperr.ErrUnauthorized) {
		t.Errorf("the secret naming Bob: got %+v, %v; want unauthorized", p, err)
	}
}
