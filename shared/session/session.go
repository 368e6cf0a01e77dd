// Package session is how people sign in to the console: a single-use link
// mailed to a user's address (15 minutes), whose confirmation starts a
// server-side session (sliding 30 days, at most 90 days after sign-in,
// revocable, ended by sign-out and by revoking the user). The session
// cookie and a bearer token resolve to the same principal; every form
// posted in a session carries a token bound to it.
package session

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
)

// Limits of sign-in.
const (
	LinkTTL = 15 * time.Minute
	// InviteTTL is how long the sign-in link of an invitation works: the
	// invitee may be away for a week.
	InviteTTL = 7 * 24 * time.Hour
	TTL       = 30 * 24 * time.Hour
	// MaxAge ends a session this long after its sign-in, however active it
	// is: the sliding TTL stops there, so a session secret copied out of a
	// browser does not work for ever by being used.
	MaxAge = 90 * 24 * time.Hour
	// ExtendAfter: a session is extended (sliding) at most once a day.
	ExtendAfter = 24 * time.Hour
	// PerAddressAndClient sign-in links are mailed per address and client
	// an hour: a person asks for a few; beyond that one client asking for
	// one address gets the same page and no mail, and the address's owner,
	// asking from another client, still gets its link.
	PerAddressAndClient = 5
	// PerAddress links per address an hour from all clients together, so
	// a flood from many clients puts at most this many mails an hour into
	// one mailbox (and into the platform's complaint counts). 20 leaves an
	// owner on laptop, phone and office network (3 clients × 5) their
	// links, while locking an address out now takes an asker at least four
	// clients (four IPv4 addresses or IPv6 /64s) each hour, not one burst.
	PerAddress = 20
	// PerClient links per client an hour, for any addresses (429 beyond:
	// it tells the client about itself, nothing about an address).
	PerClient  = 30
	RateWindow = time.Hour
	// CookieName holds the session's secret when the installation is
	// served over http (the local stack).
	CookieName = "tandem_session"
	// SecureCookieName holds it over https. Browsers accept a __Host-
	// cookie only with Secure, Path=/ and no Domain, so neither a sibling
	// host of the installation nor a plain-http page can set or shadow it
	// (and so plant its own session in a victim's browser).
	SecureCookieName = "__Host-" + CookieName
	// MaxNext is the longest next path kept after signing in.
	MaxNext = 500
)

const (
	linkPrefix    = "lgn_"
	sessionPrefix = "ses_"
)

// LoginToken is a mailed sign-in link, stored hashed.
type LoginToken struct {
	Hash string
	// Operator links sign in a platform operator (UserID is then the
	// operator's address, MemberID empty).
	Operator  bool
	UserID    string
	MemberID  string
	Email     string
	Next      string
	ExpiresAt time.Time
	Used      bool
}

// Session is a signed-in browser, stored by its secret's hash.
type Session struct {
	// UserName and MemberName name the signed-in person and company, read
	// when the session is resolved (not stored): the page header shows
	// them without reading the user again.
	UserName, MemberName string
	// UserEmail is the signed-in person's address, read with UserName (a
	// form that asks for them, like accepting a case, starts with it).
	UserEmail string
	Hash      string
	// Operator sessions belong to a platform operator, named by UserID (the
	// address); they last while the address is an operator's.
	Operator  bool
	UserID    string
	MemberID  string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SignsIn reports whether link t signs in the person session ses belongs
// to (the same user of the same member, or the same operator).
func (t LoginToken) SignsIn(ses Session) bool {
	return t.Operator == ses.Operator && t.UserID == ses.UserID && t.MemberID == ses.MemberID
}

// Store is what sign-in needs of the table.
type Store interface {
	UsersByEmail(ctx context.Context, email string) ([]member.User, error)
	GetUser(ctx context.Context, memberID, userID string) (member.User, error)
	GetMember(ctx context.Context, id string) (member.Member, error)
	// CountInWindow counts one event under key in the current window.
	CountInWindow(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error)
	// CreateLoginTokens writes the links and their mail in one transaction.
	CreateLoginTokens(ctx context.Context, toks []LoginToken, msgs []notify.Message) error
	GetLoginToken(ctx context.Context, hash string) (LoginToken, error)
	// StartSession uses the login token (unused, unexpired) and creates
	// the session, in one transaction.
	StartSession(ctx context.Context, tokenHash string, s Session, now time.Time) error
	GetSession(ctx context.Context, hash string) (Session, error)
	ExtendSession(ctx context.Context, hash string, expires time.Time) error
	EndSession(ctx context.Context, hash string) error
}

// Service signs people in and out, and resolves their sessions.
type Service struct {
	store  Store
	Origin notify.Origin
	Now    func() time.Time
	// Keys bind form tokens to sessions (the installation's signing keys).
	Keys *keyring.Ring
	// Operators are the addresses of the platform's operators: they sign in
	// like users and act as operators (the installation's configuration,
	// not the table: nobody makes themselves an operator through the API).
	Operators []string
}

// NewService is the service over st configured as c (its exported fields):
// its store is its own, so no caller reads around its checks.
func NewService(st Store, c Service) *Service {
	c.store = st
	return &c
}

// operator reports whether email is an operator's address.
func (s *Service) operator(email string) bool {
	for _, o := range s.Operators {
		if strings.EqualFold(strings.TrimSpace(o), email) {
			return true
		}
	}
	return false
}

// CookieNameFor is the session cookie's name for an installation served
// at baseURL: the __Host- name over https, the plain one over http.
func CookieNameFor(baseURL string) string {
	if strings.HasPrefix(strings.ToLower(baseURL), "https://") {
		return SecureCookieName
	}
	return CookieName
}

// Cookie is the name of this installation's session cookie; the resolver
// reads only this name (over https a plain tandem_session cookie, which
// any sibling host could have set, is not read).
func (s *Service) Cookie() string { return CookieNameFor(s.Origin.BaseURL) }

// SafeNext is where to go after signing in: a console path of this site,
// else the inbox. It refuses anything a browser could read as another
// host: a second slash or a backslash at the start ("//host", "/\host"), a
// scheme, control characters and whitespace (browsers drop tabs and line
// breaks from a Location: "/", a tab, "/host" is "//host" to them), in the
// raw form and in every percent-decoded form ("/%09/host", "/%2F%2Fhost",
// encoded twice too); and paths that are not the console's.
func SafeNext(next string) string {
	const inbox = "/inbox"
	if len(next) > MaxNext || !consolePath(next) {
		return inbox
	}
	// Some layer on the way may decode once more than expected: every
	// decoded form must pass, and one still changing after three rounds is
	// refused rather than decoded further.
	d := next
	for range 3 {
		u, err := url.PathUnescape(d)
		if err != nil || !consolePath(u) {
			return inbox
		}
		if u == d {
			return next
		}
		d = u
	}
	return inbox
}

// consolePath reports whether p is, as it stands, a path of this site's
// console: one leading slash, printable characters without spaces or
// backslashes, no scheme or host, not the JSON API or the local stack's
// endpoints.
func consolePath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || !utf8.ValidString(p) {
		return false
	}
	for _, r := range p {
		if r == ' ' || r == '\\' || !unicode.IsPrint(r) {
			return false
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	return !strings.HasPrefix(u.Path, "/v1/") && !strings.HasPrefix(u.Path, "/_local/")
}

// clientKey is the part of a client's network address its limits count:
// the address for IPv4, the /64 for IPv6 (one subscriber holds a whole
// /64 and may use any address in it).
func clientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// RequestLink mails a sign-in link to every active user with email, asked
// from client. Unknown addresses get the same answer (no enumeration), and
// so do addresses over their limits (PerAddressAndClient, PerAddress):
// nil, and no mail. Only a client over its own limit (PerClient) is told.
func (s *Service) RequestLink(ctx context.Context, email, next, client string) error {
	f := apperr.Fields{}
	email = strings.ToLower(input.Email(f, "email", email))
	if err := f.Err(); err != nil {
		return err
	}
	now := s.Now()
	client = clientKey(client)
	if client != "" {
		n, reset, err := s.store.CountInWindow(ctx, "login-client#"+client, RateWindow, now)
		if err != nil {
			return err
		}
		if n > PerClient {
			return apperr.RateLimited(reset.Sub(now), "too many sign-in links were asked for from your network; try again later")
		}
	}
	// In this order, and stopping at the first over its limit: a client
	// over its own limit for the address adds nothing to the address's
	// count, so no single client uses up the owner's links.
	for _, l := range []struct {
		key string
		max int
	}{{"login-addr-client#" + email + "#" + client, PerAddressAndClient}, {"login-addr#" + email, PerAddress}} {
		n, _, err := s.store.CountInWindow(ctx, l.key, RateWindow, now)
		if err != nil {
			return err
		}
		if n > l.max {
			return nil
		}
	}
	users, err := s.store.UsersByEmail(ctx, email)
	if err != nil {
		return err
	}
	var toks []LoginToken
	var msgs []notify.Message
	for _, u := range users {
		if u.Status != member.UserActive {
			continue
		}
		m, err := s.store.GetMember(ctx, u.MemberID)
		if err != nil {
			return err
		}
		plain, hash := auth.NewToken(linkPrefix)
		t := LoginToken{Hash: hash, UserID: u.ID, MemberID: u.MemberID, Email: email, Next: SafeNext(next), ExpiresAt: now.Add(LinkTTL)}
		toks = append(toks, t)
		msgs = append(msgs, notify.Message{
			ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: s.Origin.From, To: []string{u.Email}, Ref: u.ID, CreatedAt: now,
			Data: notify.LoginLink{Name: u.Name, MemberName: m.Name, Link: s.Origin.BaseURL + "/login/" + plain, Minutes: int(LinkTTL / time.Minute)},
		})
	}
	if s.operator(email) {
		plain, hash := auth.NewToken(linkPrefix)
		toks = append(toks, LoginToken{Hash: hash, Operator: true, UserID: email, Email: email, Next: SafeNext(next), ExpiresAt: now.Add(LinkTTL)})
		msgs = append(msgs, notify.Message{
			ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: s.Origin.From, To: []string{email}, Ref: "operator", CreatedAt: now,
			Data: notify.LoginLink{Name: email, MemberName: OperatorsName, Link: s.Origin.BaseURL + "/login/" + plain, Minutes: int(LinkTTL / time.Minute)},
		})
	}
	if len(toks) == 0 {
		return nil
	}
	return s.store.CreateLoginTokens(ctx, toks, msgs)
}

// OperatorsName is how pages and mail name the platform's operators.
const OperatorsName = "Tandem operations"

// IssueLink makes a sign-in link for u without mailing it (the local stack
// prints demo users' links); it works like a mailed one: once, 15 minutes.
func (s *Service) IssueLink(ctx context.Context, u member.User, next string) (string, error) {
	plain, hash := auth.NewToken(linkPrefix)
	t := LoginToken{Hash: hash, UserID: u.ID, MemberID: u.MemberID, Email: u.Email, Next: SafeNext(next), ExpiresAt: s.Now().Add(LinkTTL)}
	if err := s.store.CreateLoginTokens(ctx, []LoginToken{t}, nil); err != nil {
		return "", err
	}
	return plain, nil
}

// NewLink makes a sign-in link's secret and the hash it is stored by, for
// a link another step writes in its own transaction (going live writes the
// partner's first admin and its link together); the link is
// BaseURL + "/login/" + plain and works like a mailed one, once.
func NewLink() (plain, hash string) { return auth.NewToken(linkPrefix) }

// Invitation is the member package's Inviter: a sign-in link for a user an
// admin added, mailed to them, working once for InviteTTL.
func (s *Service) Invitation(u member.User, m member.Member, by string, now time.Time) member.Invitation {
	plain, hash := auth.NewToken(linkPrefix)
	return member.Invitation{
		LinkHash: hash, ExpiresAt: now.Add(InviteTTL),
		Mail: notify.Message{
			ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: s.Origin.From, To: []string{u.Email}, Ref: u.ID, CreatedAt: now,
			Data: notify.UserInvited{Name: u.Name, MemberName: m.Name, InvitedBy: by, Link: s.Origin.BaseURL + "/login/" + plain, Days: int(InviteTTL / (24 * time.Hour))},
		},
	}
}

// LinkState is what a sign-in link is good for.
type LinkState string

// Link states.
const (
	LinkValid   LinkState = "valid"
	LinkUsed    LinkState = "used"
	LinkExpired LinkState = "expired"
	LinkUnknown LinkState = "unknown"
)

// LookupLink checks a sign-in link without using it (its page).
func (s *Service) LookupLink(ctx context.Context, plain string) (LoginToken, LinkState, error) {
	if !strings.HasPrefix(plain, linkPrefix) || len(plain) > 100 {
		return LoginToken{}, LinkUnknown, nil
	}
	t, err := s.store.GetLoginToken(ctx, auth.Hash(plain))
	switch {
	case errors.Is(err, apperr.ErrNotFound):
		return LoginToken{}, LinkUnknown, nil
	case err != nil:
		return LoginToken{}, "", err
	case t.Used:
		return t, LinkUsed, nil
	case !s.Now().Before(t.ExpiresAt):
		return t, LinkExpired, nil
	}
	return t, LinkValid, nil
}

// SignIn uses a sign-in link and starts a session: the cookie's secret, the
// session, and where to go next. A used or expired link starts none.
func (s *Service) SignIn(ctx context.Context, plain string) (string, Session, string, error) {
	t, st, err := s.LookupLink(ctx, plain)
	if err != nil {
		return "", Session{}, "", err
	}
	switch st {
	case LinkUsed:
		return "", Session{}, "", apperr.Conflict("this sign-in link was already used; ask for a new one")
	case LinkExpired:
		return "", Session{}, "", apperr.Conflict("this sign-in link expired; ask for a new one")
	case LinkUnknown:
		return "", Session{}, "", apperr.NotFound("this sign-in link is not valid; ask for a new one")
	}
	now := s.Now()
	secret, _ := auth.NewToken(sessionPrefix)
	if !t.Operator {
		secret += "." + t.MemberID + "." + t.UserID // Resolve reads them beside the session
	}
	ses := Session{Hash: auth.Hash(secret), UserID: t.UserID, MemberID: t.MemberID, CreatedAt: now, ExpiresAt: now.Add(TTL)}
	if t.Operator {
		if !s.operator(t.UserID) {
			return "", Session{}, "", apperr.Forbidden("this address is no longer an operator's")
		}
		ses.Operator = true
	} else {
		u, err := s.store.GetUser(ctx, t.MemberID, t.UserID)
		if err != nil {
			return "", Session{}, "", err
		}
		if u.Status != member.UserActive {
			return "", Session{}, "", apperr.Forbidden("this user was revoked; ask an admin of your company")
		}
	}
	if err := s.store.StartSession(ctx, t.Hash, ses, now); err != nil {
		return "", Session{}, "", fmt.Errorf("sign in %s: %w", t.UserID, err)
	}
	next := t.Next
	if ses.Operator && next == "/inbox" {
		next = "/operator" // operators belong to no member: no inbox of their own
	}
	return secret, ses, next, nil
}

// Resolve turns a session cookie into its principal: the user's current
// roles, or unauthorized when the session is unknown, ended or expired, or
// the user revoked. An active session slides forward at most once a day.
func (s *Service) Resolve(ctx context.Context, secret string) (auth.Principal, Session, error) {
	none := apperr.Unauthorized("sign in to continue")
	if !strings.HasPrefix(secret, sessionPrefix) || len(secret) > maxSecret {
		return auth.Principal{}, Session{}, none
	}
	ses, u, m, err := s.readSession(ctx, secret)
	if errors.Is(err, apperr.ErrNotFound) {
		return auth.Principal{}, Session{}, none
	}
	if err != nil {
		return auth.Principal{}, Session{}, err
	}
	now := s.Now()
	end := ses.CreatedAt.Add(MaxAge)
	if !now.Before(ses.ExpiresAt) || !now.Before(end) {
		return auth.Principal{}, Session{}, none
	}
	var p auth.Principal
	if ses.Operator {
		if !s.operator(ses.UserID) {
			return auth.Principal{}, Session{}, none
		}
		p = auth.Principal{Operator: true, UserID: ses.UserID}
		ses.UserName, ses.MemberName, ses.UserEmail = ses.UserID, OperatorsName, ses.UserID
	} else {
		if u.Status != member.UserActive {
			return auth.Principal{}, Session{}, none
		}
		p = u.Principal()
		ses.UserName, ses.MemberName, ses.UserEmail = u.Name, m.Name, u.Email
	}
	if ses.ExpiresAt.Sub(now) < TTL-ExtendAfter && ses.ExpiresAt.Before(end) {
		ses.ExpiresAt = now.Add(TTL)
		if ses.ExpiresAt.After(end) {
			ses.ExpiresAt = end
		}
		_ = s.store.ExtendSession(ctx, ses.Hash, ses.ExpiresAt) // the session still works if this fails
	}
	return p, ses, nil
}

// maxSecret bounds a session cookie's secret: the token and the member's
// and user's ids it names.
const maxSecret = 160

// readSession reads the session secret holds and, for a member's, its user
// (roles, still active) and member (its name for the page header). A
// secret names the member and user it was issued for (SignIn), so the
// three are read side by side: one round trip. A secret without them
// (issued before), or naming others than its session (it cannot: the
// names are part of what is hashed), reads the session first. A missing
// session or user is not found.
func (s *Service) readSession(ctx context.Context, secret string) (ses Session, u member.User, m member.Member, err error) {
	memberID, userID := "", ""
	if parts := strings.Split(secret, "."); len(parts) == 3 {
		memberID, userID = parts[1], parts[2]
	}
	var sesErr, uErr, mErr error
	together := func(fs ...func()) {
		var wg sync.WaitGroup
		for _, f := range fs {
			wg.Add(1)
			go func() { defer wg.Done(); f() }()
		}
		wg.Wait()
	}
	people := func(memberID, userID string) []func() {
		return []func(){
			func() { u, uErr = s.store.GetUser(ctx, memberID, userID) },
			func() { m, mErr = s.store.GetMember(ctx, memberID) },
		}
	}
	if userID != "" {
		together(append(people(memberID, userID), func() { ses, sesErr = s.store.GetSession(ctx, auth.Hash(secret)) })...)
	} else {
		ses, sesErr = s.store.GetSession(ctx, auth.Hash(secret))
	}
	if sesErr != nil {
		return Session{}, member.User{}, member.Member{}, sesErr
	}
	if ses.Operator {
		return ses, member.User{}, member.Member{}, nil
	}
	if ses.MemberID != memberID || ses.UserID != userID {
		together(people(ses.MemberID, ses.UserID)...)
	}
	if err := errors.Join(uErr, mErr); err != nil {
		return Session{}, member.User{}, member.Member{}, err
	}
	return ses, u, m, nil
}

// SignedIn is the session a browser's cookie secret holds and the address
// of its person, to name them; a zero Session when it holds none that works.
func (s *Service) SignedIn(ctx context.Context, secret string) (Session, string, error) {
	if secret == "" {
		return Session{}, "", nil
	}
	_, ses, err := s.Resolve(ctx, secret)
	if errors.Is(err, apperr.ErrUnauthorized) {
		return Session{}, "", nil
	}
	if err != nil {
		return Session{}, "", err
	}
	if ses.Operator {
		return ses, ses.UserID, nil // an operator is named by their address
	}
	u, err := s.store.GetUser(ctx, ses.MemberID, ses.UserID)
	if errors.Is(err, apperr.ErrNotFound) {
		return Session{}, "", nil // removed since Resolve read it: signed in as nobody
	}
	if err != nil {
		return Session{}, "", err
	}
	return ses, u.Email, nil
}

// SignOut ends the session on the server side.
func (s *Service) SignOut(ctx context.Context, secret string) error {
	if !strings.HasPrefix(secret, sessionPrefix) {
		return nil
	}
	return s.store.EndSession(ctx, auth.Hash(secret))
}

// FormToken is the token every form posted in session ses carries.
func (s *Service) FormToken(ses Session) string { return s.formToken("session:" + ses.Hash) }

// LinkFormToken is the token of a sign-in link's confirmation form (no
// session yet: it is bound to the link).
func (s *Service) LinkFormToken(plain string) string { return s.formToken("login:" + auth.Hash(plain)) }

// AnonymousFormToken is the token of a form shown before any session (the
// sign-in form): it is bound to a random nonce the browser holds in a cookie.
func (s *Service) AnonymousFormToken(nonce string) string { return s.formToken("anonymous:" + nonce) }

// CheckSessionForm reports whether got is the form token of session ses,
// signed by the current signing key or one before it (a page loaded just
// before a key rotation still posts).
func (s *Service) CheckSessionForm(got string, ses Session) bool {
	return s.checkForm(got, "session:"+ses.Hash)
}

// CheckLinkForm is CheckSessionForm for a sign-in link's confirmation form.
func (s *Service) CheckLinkForm(got, plain string) bool {
	return s.checkForm(got, "login:"+auth.Hash(plain))
}

// CheckAnonymousForm is CheckSessionForm for the sign-in form.
func (s *Service) CheckAnonymousForm(got, nonce string) bool {
	return s.checkForm(got, "anonymous:"+nonce)
}

func (s *Service) formToken(bound string) string { return s.Keys.Sign("csrf", []byte(bound)) }

func (s *Service) checkForm(got, bound string) bool {
	return got != "" && s.Keys.Verify("csrf", []byte(bound), got)
}
