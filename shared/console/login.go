package console

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/session"
)

// anonCookie holds the nonce the sign-in form's token is bound to.
const anonCookie = "tandem_form"

// cookie formats a Set-Cookie value: HttpOnly, SameSite=Lax, Secure when
// the installation is served over https.
func (s *Server) cookie(name, value, path string, maxAge time.Duration) string {
	c := name + "=" + value + "; Path=" + path + "; Max-Age=" + itoaSec(maxAge) + "; HttpOnly; SameSite=Lax"
	if strings.HasPrefix(strings.ToLower(s.BaseURL), "https://") {
		c += "; Secure"
	}
	return c
}

func itoaSec(d time.Duration) string {
	if d <= 0 {
		return "0"
	}
	return strconv.FormatInt(int64(d/time.Second), 10)
}

// loginPage serves GET /login: the sign-in form.
func (s *Server) loginPage(_ context.Context, r *router.Request) (*router.Response, error) {
	nonce := r.Cookie(anonCookie)
	var set []string
	if len(nonce) != 32 {
		var b [16]byte
		_, _ = rand.Read(b[:])
		nonce = hex.EncodeToString(b[:])
		set = append(set, s.cookie(anonCookie, nonce, "/login", time.Hour))
	}
	resp := router.Page(http.StatusOK, loginPage("", session.SafeNext(r.Query.Get("next")), s.Sessions.AnonymousFormToken(nonce), ""))
	resp.Cookies = set
	return resp, nil
}

// fromOtherSite reports whether a browser sent r from a page that is not
// this installation's. Fetch Metadata decides when the browser sends it
// (pages cannot set it): only "same-origin" (Tandem's own page) and "none"
// (the person, typing or from a bookmark) pass; "same-site" is refused too,
// being another origin of this site (a sibling host, the other scheme).
// Without it, an Origin must be this installation's; "null" is not (the
// pages' Referrer-Policy, same-origin, lets the browser send their true
// origin with their own forms). A request with neither header (a script,
// a very old browser) is judged by its form token alone.
func (s *Server) fromOtherSite(r *router.Request) bool {
	if site := r.Header("sec-fetch-site"); site != "" {
		return site != "same-origin" && site != "none"
	}
	o := r.Header("origin")
	return o != "" && !sameOrigin(o, s.BaseURL)
}

// sameOrigin reports whether origin (an Origin header: "null" or
// scheme://host[:port]) is base's origin.
func sameOrigin(origin, base string) bool {
	o, err1 := url.Parse(origin)
	b, err2 := url.Parse(base)
	if err1 != nil || err2 != nil || o.Host == "" || o.Path != "" || o.User != nil {
		return false
	}
	return strings.EqualFold(o.Scheme, b.Scheme) && strings.EqualFold(hostPort(o), hostPort(b))
}

// hostPort is u's host with its port, the scheme's default port spelled out.
func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return u.Host + ":443"
	case "http":
		return u.Host + ":80"
	}
	return u.Host
}

// loginForm serves POST /login: mails a sign-in link, with the same answer
// whether or not the address is a user.
func (s *Server) loginForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	if s.fromOtherSite(r) {
		return nil, apperr.Forbidden("this request came from another website; ask for your sign-in link on Tandem's own sign-in page")
	}
	form, err := r.Form()
	if err != nil {
		return nil, err
	}
	nonce := r.Cookie(anonCookie)
	if nonce == "" || !s.Sessions.CheckAnonymousForm(form.Get("csrf"), nonce) {
		return nil, apperr.Forbidden("this form is out of date or was not sent from Tandem; reload the sign-in page and try again")
	}
	email, next := strings.TrimSpace(form.Get("email")), session.SafeNext(form.Get("next"))
	if err := s.Sessions.RequestLink(ctx, email, next, r.SourceIP); err != nil {
		if errors.Is(err, apperr.ErrInvalid) {
			return router.Page(http.StatusUnprocessableEntity, loginPage(email, next, s.Sessions.AnonymousFormToken(nonce),
				"Enter your work email, like name@company.com.")), nil
		}
		return nil, err
	}
	return router.Page(http.StatusOK, loginSentPage(email)), nil
}

// loginLinkPage serves GET /login/{token}: a button that signs in (opening
// the link changes nothing); a browser signed in as someone else is asked
// whether to switch.
func (s *Server) loginLinkPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	plain := r.Param("token")
	t, st, err := s.Sessions.LookupLink(ctx, plain)
	if err != nil {
		return nil, err
	}
	status, problem := linkProblem(st)
	page := loginConfirm{Token: plain, FormToken: s.Sessions.LinkFormToken(plain), Email: t.Email, Problem: problem}
	if st == session.LinkValid {
		cur, addr, err := s.Sessions.SignedIn(ctx, r.Cookie(s.Sessions.Cookie()))
		if err != nil {
			return nil, err
		}
		if cur.Hash != "" && !t.SignsIn(cur) {
			page.SignedInAs, page.Stay = addr, home(cur)
		}
	}
	return router.Page(status, loginConfirmPage(page)), nil
}

// home is where a session's person starts: operators belong to no member
// and have no inbox.
func home(ses session.Session) string {
	if ses.Operator && ses.MemberID == "" {
		return "/operator"
	}
	return "/inbox"
}

func linkProblem(st session.LinkState) (int, string) {
	switch st {
	case session.LinkUsed:
		return http.StatusConflict, "This sign-in link was already used. Each link signs in once."
	case session.LinkExpired:
		return http.StatusGone, "This sign-in link expired. Ask for a new one: it comes at once."
	case session.LinkUnknown:
		return http.StatusNotFound, "This sign-in link is not valid. Check that it was copied whole."
	}
	return http.StatusOK, ""
}

// signInForm reads a one-click sign-in form (POST /login/{token} and
// /c/{token}): posted by Tandem's own page (else a page elsewhere posting
// the attacker's own link would sign the victim's browser into the
// attacker's account: login CSRF), its form token bound to the link. It
// returns the link's token and the form.
func (s *Server) signInForm(r *router.Request) (string, url.Values, error) {
	if s.fromOtherSite(r) {
		return "", nil, apperr.Forbidden("this sign-in came from another website, not from Tandem's own page; open the link in your mail yourself")
	}
	plain := r.Param("token")
	form, err := r.Form()
	if err != nil {
		return "", nil, err
	}
	if !s.Sessions.CheckLinkForm(form.Get("csrf"), plain) {
		return "", nil, apperr.Forbidden("this form is out of date or was not sent from Tandem; open the link from your mail again")
	}
	return plain, form, nil
}

// loginLinkForm serves POST /login/{token}: starts the session and goes on.
// Only Tandem's own page may post it: a page elsewhere posting the
// attacker's own link would sign the victim's browser into the attacker's
// account (login CSRF). A browser signed in as another person switches
// only when the form says so (the page asked); the session it leaves ends.
func (s *Server) loginLinkForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	plain, form, err := s.signInForm(r)
	if err != nil {
		return nil, err
	}
	oldSecret := r.Cookie(s.Sessions.Cookie())
	cur, addr, err := s.Sessions.SignedIn(ctx, oldSecret)
	if err != nil {
		return nil, err
	}
	if cur.Hash != "" && form.Get("switch") != "yes" {
		t, st, err := s.Sessions.LookupLink(ctx, plain)
		if err != nil {
			return nil, err
		}
		if st == session.LinkValid && !t.SignsIn(cur) {
			page := loginConfirm{Token: plain, FormToken: s.Sessions.LinkFormToken(plain), Email: t.Email, SignedInAs: addr, Stay: home(cur)}
			return router.Page(http.StatusConflict, loginConfirmPage(page)), nil
		}
	}
	secret, _, next, err := s.Sessions.SignIn(ctx, plain)
	if err != nil {
		if errors.Is(err, apperr.ErrConflict) || errors.Is(err, apperr.ErrNotFound) {
			_, st, lerr := s.Sessions.LookupLink(ctx, plain)
			if lerr != nil {
				return nil, err
			}
			status, problem := linkProblem(st)
			return router.Page(status, loginConfirmPage(loginConfirm{Token: plain, Problem: problem})), nil
		}
		return nil, err
	}
	if cur.Hash != "" {
		// The browser now holds the new session; the old one would
		// otherwise live on, unseen, until it expires. Failing to end it
		// does not undo the sign-in (it still expires).
		_ = s.Sessions.SignOut(ctx, oldSecret)
	}
	resp := router.Redirect(next)
	resp.Cookies = []string{s.cookie(s.Sessions.Cookie(), secret, "/", session.TTL)}
	return resp, nil
}

// logout serves POST /logout: ends the session on the server too. Its
// form token already keeps other sites out (and the Lax cookie is not sent
// with their posts); the Fetch Metadata check is the same as sign-in's so
// all three read alike.
func (s *Server) logout(ctx context.Context, r *router.Request) (*router.Response, error) {
	if s.fromOtherSite(r) {
		return nil, apperr.Forbidden("this sign-out came from another website; sign out with Tandem's own button")
	}
	if err := s.Sessions.SignOut(ctx, r.Cookie(s.Sessions.Cookie())); err != nil {
		return nil, err
	}
	resp := router.Redirect("/login")
	resp.Cookies = []string{s.cookie(s.Sessions.Cookie(), "", "/", 0)}
	return resp, nil
}

// loginConfirm is the page behind a sign-in link.
type loginConfirm struct {
	Token, FormToken string
	// Email is the address the link signs in.
	Email string
	// SignedInAs is the address this browser is signed in as now, when it
	// is another person's: the page asks before switching, and Stay is
	// where the person goes who keeps that session.
	SignedInAs, Stay string
	// Problem says why the link signs nobody in.
	Problem string
}
