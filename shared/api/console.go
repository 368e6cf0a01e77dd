package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/session"
	"github.com/tandemhq/tandem/shared/web"
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
func (s *Server) loginPage(_ context.Context, r *Request) (*Response, error) {
	nonce := r.Cookie(anonCookie)
	var set []string
	if len(nonce) != 32 {
		var b [16]byte
		_, _ = rand.Read(b[:])
		nonce = hex.EncodeToString(b[:])
		set = append(set, s.cookie(anonCookie, nonce, "/login", time.Hour))
	}
	resp := Page(http.StatusOK, web.LoginPage("", session.SafeNext(r.Query.Get("next")), s.Sessions.AnonymousFormToken(nonce), ""))
	resp.Cookies = set
	return resp, nil
}

// loginForm serves POST /login: mails a sign-in link, with the same answer
// whether or not the address is a user.
func (s *Server) loginForm(ctx context.Context, r *Request) (*Response, error) {
	form, err := r.Form()
	if err != nil {
		return nil, err
	}
	nonce := r.Cookie(anonCookie)
	if nonce == "" || !session.CheckForm(form.Get("csrf"), s.Sessions.AnonymousFormToken(nonce)) {
		return nil, apperr.Forbidden("this form is out of date or was not sent from Tandem; reload the sign-in page and try again")
	}
	email, next := strings.TrimSpace(form.Get("email")), session.SafeNext(form.Get("next"))
	if err := s.Sessions.RequestLink(ctx, email, next, r.SourceIP); err != nil {
		if errors.Is(err, apperr.ErrInvalid) {
			return Page(http.StatusUnprocessableEntity, web.LoginPage(email, next, s.Sessions.AnonymousFormToken(nonce),
				"Enter your work email, like name@company.com.")), nil
		}
		return nil, err
	}
	return Page(http.StatusOK, web.LoginSentPage(email)), nil
}

// loginLinkPage serves GET /login/{token}: a button that signs in (opening
// the link changes nothing).
func (s *Server) loginLinkPage(ctx context.Context, r *Request) (*Response, error) {
	plain := r.Param("token")
	t, st, err := s.Sessions.LookupLink(ctx, plain)
	if err != nil {
		return nil, err
	}
	status, problem := linkProblem(st)
	return Page(status, web.LoginConfirmPage(plain, s.Sessions.LinkFormToken(plain), t.Email, problem)), nil
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

// loginLinkForm serves POST /login/{token}: starts the session and goes on.
func (s *Server) loginLinkForm(ctx context.Context, r *Request) (*Response, error) {
	plain := r.Param("token")
	form, err := r.Form()
	if err != nil {
		return nil, err
	}
	if !session.CheckForm(form.Get("csrf"), s.Sessions.LinkFormToken(plain)) {
		return nil, apperr.Forbidden("this form is out of date or was not sent from Tandem; open the link from your mail again")
	}
	secret, _, next, err := s.Sessions.SignIn(ctx, plain)
	if err != nil {
		if errors.Is(err, apperr.ErrConflict) || errors.Is(err, apperr.ErrNotFound) {
			_, st, lerr := s.Sessions.LookupLink(ctx, plain)
			if lerr != nil {
				return nil, err
			}
			status, problem := linkProblem(st)
			return Page(status, web.LoginConfirmPage(plain, "", "", problem)), nil
		}
		return nil, err
	}
	resp := Redirect(next)
	resp.Cookies = []string{s.cookie(s.Sessions.Cookie(), secret, "/", session.TTL)}
	return resp, nil
}

// logout serves POST /logout: ends the session on the server too.
func (s *Server) logout(ctx context.Context, r *Request) (*Response, error) {
	if err := s.Sessions.SignOut(ctx, r.Cookie(s.Sessions.Cookie())); err != nil {
		return nil, err
	}
	resp := Redirect("/login")
	resp.Cookies = []string{s.cookie(s.Sessions.Cookie(), "", "/", 0)}
	return resp, nil
}

// nav is the console header of r's signed-in user.
func (s *Server) nav(ctx context.Context, r *Request, active string) web.Nav {
	n := web.Nav{FormToken: r.FormToken, Active: active, MemberID: r.Principal.MemberID, Admin: r.Principal.AdminOf(r.Principal.MemberID), Operator: r.Principal.Operator}
	if r.Principal.Operator && r.Principal.MemberID == "" {
		n.UserName, n.MemberName = r.Principal.UserID, session.OperatorsName
		return n
	}
	if u, err := s.Hooks.GetUser(ctx, r.Principal.MemberID, r.Principal.UserID); err == nil {
		n.UserName = u.Name
	}
	if m, err := s.Members.Store.GetMember(ctx, r.Principal.MemberID); err == nil {
		n.MemberName = m.Name
	}
	return n
}
