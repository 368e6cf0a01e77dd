package httpapptest

import (
	"bytes"
	"context"
	"net/url"
	"strings"

	"golang.org/x/net/html"

	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/session"
)

// Browser is a person at a browser: it keeps the cookies the installation
// sets and sends them back, and posts forms as a browser does from one of
// Tandem's own pages (Sec-Fetch-Site: same-origin).
type Browser struct {
	e       *Env
	cookies map[string]string
	// CSRF is the form token of the browser's session, added to every
	// Post that does not carry one ("" before signing in).
	CSRF string
	// From is the browser's address as API Gateway reports it (the
	// request's source IP); "" for the harness's default.
	From string
}

// Browser returns a browser without cookies.
func (e *Env) Browser() *Browser { return &Browser{e: e, cookies: map[string]string{}} }

// SignedIn returns a browser signed in as user u of member m through the
// console's own sign-in (its link's page, then the page's button).
func (e *Env) SignedIn(memberID, userID string) *Browser {
	e.T.Helper()
	u, err := e.Store.GetUser(context.Background(), memberID, userID)
	if err != nil {
		e.T.Fatalf("sign in %s: %v", userID, err)
	}
	plain, err := e.Services.Sessions.IssueLink(context.Background(), u, "/inbox")
	if err != nil {
		e.T.Fatal(err)
	}
	return e.signIn(plain)
}

// OperatorSignedIn returns a browser signed in as the installation's
// operator.
func (e *Env) OperatorSignedIn() *Browser {
	e.T.Helper()
	plain, hash := auth.NewToken("lgn_")
	t := session.LoginToken{Hash: hash, Operator: true, UserID: OperatorEmail, Email: OperatorEmail, Next: "/operator", ExpiresAt: e.Now().Add(session.LinkTTL)}
	if err := e.Store.CreateLoginTokens(context.Background(), []session.LoginToken{t}, nil); err != nil {
		e.T.Fatal(err)
	}
	return e.signIn(plain)
}

func (e *Env) signIn(plain string) *Browser {
	e.T.Helper()
	b := e.Browser()
	page := b.Get("/login/"+plain).Expect(200, "the sign-in link's page")
	f := page.Form("/login/" + plain)
	if f == nil {
		e.T.Fatalf("the sign-in link's page offers no form posting to itself:\n%s", page.Text())
	}
	b.Submit(f, nil).Expect(303, "signing in")
	secret := b.cookies[e.Services.Sessions.Cookie()]
	_, ses, err := e.Services.Sessions.Resolve(context.Background(), secret)
	if err != nil {
		e.T.Fatalf("signing in set no working session cookie: %v", err)
	}
	b.CSRF = e.Services.Sessions.FormToken(ses)
	return b
}

// SignInUser is SignedIn for a member.User.
func (e *Env) SignInUser(u member.User) *Browser { return e.SignedIn(u.MemberID, u.ID) }

// Get loads a page.
func (b *Browser) Get(path string) *Response {
	b.e.T.Helper()
	return b.send("GET", path, nil)
}

// Post posts a form to path, with the session's form token unless the
// values carry a csrf field.
func (b *Browser) Post(path string, form url.Values) *Response {
	b.e.T.Helper()
	v := url.Values{}
	for k, vs := range form {
		v[k] = append([]string(nil), vs...)
	}
	if _, ok := v["csrf"]; !ok && b.CSRF != "" {
		v.Set("csrf", b.CSRF)
	}
	return b.send("POST", path, v)
}

// Submit posts form f as a person would: its fields as the page filled
// them (hidden ones included), with set's values over them.
func (b *Browser) Submit(f *Form, set url.Values) *Response {
	b.e.T.Helper()
	v := url.Values{}
	for k, vs := range f.Values {
		v[k] = append([]string(nil), vs...)
	}
	for k, vs := range set {
		v[k] = vs
	}
	if f.Method == "GET" {
		return b.Get(f.Action + "?" + v.Encode())
	}
	return b.send("POST", f.Action, v)
}

// PostFrom posts form to path as a page elsewhere would have the browser
// post it: headers (name, value pairs) replace the browser's own
// Sec-Fetch-Site and Origin, and a name given "" is not sent.
func (b *Browser) PostFrom(path string, form url.Values, headers ...string) *Response {
	b.e.T.Helper()
	return b.send("POST", path, form, headers...)
}

func (b *Browser) send(method, path string, form url.Values, headers ...string) *Response {
	b.e.T.Helper()
	cookies := b.Cookies()
	h := map[string]string{"sec-fetch-site": "same-origin", "accept": "text/html"}
	if method == "POST" {
		h["origin"] = BaseURL
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if k := strings.ToLower(headers[i]); headers[i+1] == "" {
			delete(h, k)
		} else {
			h[k] = headers[i+1]
		}
	}
	r := Request{Method: method, Path: path, Headers: h, Cookies: cookies, SourceIP: b.From}
	if form != nil {
		r.Body = form
	}
	res := b.e.Serve(r)
	for _, c := range res.Cookies {
		kv, attrs, _ := strings.Cut(c, ";")
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		if v == "" || strings.Contains(strings.ToLower(attrs), "max-age=0") {
			delete(b.cookies, k)
			continue
		}
		b.cookies[k] = v
	}
	return res
}

// Cookies are the browser's cookies as name=value, as it sends them.
func (b *Browser) Cookies() []string {
	var out []string
	for k, v := range b.cookies {
		out = append(out, k+"="+v)
	}
	return out
}

// Cookie is the value of a cookie the browser holds.
func (b *Browser) Cookie(name string) string { return b.cookies[name] }

// Form is a form a page offers.
type Form struct {
	Method, Action string
	// Values are the fields as the page fills them (inputs' values,
	// selected options, textareas' text), hidden fields included.
	Values url.Values
	// Fields names every field, in the page's order.
	Fields []string
}

// Doc parses the body as HTML.
func (r *Response) Doc() *html.Node {
	r.T.Helper()
	doc, err := html.Parse(bytes.NewReader(r.Body))
	if err != nil {
		r.T.Fatalf("%s: not HTML: %v", r.Route.Key(), err)
	}
	return doc
}

// Text is what a person reads on the page: the text of its body, without
// scripts and styles, with white space collapsed.
func (r *Response) Text() string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style" || n.Data == "head") {
			return
		}
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
			sb.WriteByte(' ')
		}
		if n.Type == html.ElementNode && (n.Data == "input" || n.Data == "button") {
			// A button's label is what a person reads on it.
			if t := attr(n, "type"); n.Data == "input" && (t == "submit" || t == "button") {
				sb.WriteString(attr(n, "value"))
				sb.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(r.Doc())
	return strings.Join(strings.Fields(sb.String()), " ")
}

// Forms are the forms the page offers, in order.
func (r *Response) Forms() []*Form {
	var out []*Form
	var cur *Form
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "form":
				method := strings.ToUpper(attr(n, "method"))
				if method == "" {
					method = "GET"
				}
				cur = &Form{Method: method, Action: attr(n, "action"), Values: url.Values{}}
				out = append(out, cur)
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
				cur = nil
				return
			case "input":
				if cur != nil && attr(n, "name") != "" {
					name := attr(n, "name")
					cur.Fields = append(cur.Fields, name)
					t := attr(n, "type")
					if (t == "checkbox" || t == "radio") && !hasAttr(n, "checked") {
						break
					}
					if t != "submit" && t != "button" {
						cur.Values.Add(name, attr(n, "value"))
					}
				}
			case "textarea":
				if cur != nil && attr(n, "name") != "" {
					cur.Fields = append(cur.Fields, attr(n, "name"))
					cur.Values.Add(attr(n, "name"), textOf(n))
				}
			case "select":
				if cur != nil && attr(n, "name") != "" {
					name := attr(n, "name")
					cur.Fields = append(cur.Fields, name)
					first, chosen := "", ""
					var opts func(*html.Node)
					opts = func(o *html.Node) {
						if o.Type == html.ElementNode && o.Data == "option" {
							v := attr(o, "value")
							if !hasAttr(o, "value") {
								v = strings.TrimSpace(textOf(o))
							}
							if first == "" {
								first = v
							}
							if hasAttr(o, "selected") {
								chosen = v
							}
						}
						for c := o.FirstChild; c != nil; c = c.NextSibling {
							opts(c)
						}
					}
					opts(n)
					if chosen == "" {
						chosen = first
					}
					if !hasAttr(n, "multiple") {
						cur.Values.Set(name, chosen)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(r.Doc())
	return out
}

// Form is the first form posting to action (its path, without a query),
// nil when the page offers none.
func (r *Response) Form(action string) *Form {
	for _, f := range r.Forms() {
		a, _, _ := strings.Cut(f.Action, "?")
		if a == action {
			return f
		}
	}
	return nil
}

// Links are the hrefs of the page's links.
func (r *Response) Links() []string {
	var out []string
	for n := range r.Doc().Descendants() {
		if n.Type == html.ElementNode && n.Data == "a" && hasAttr(n, "href") {
			out = append(out, attr(n, "href"))
		}
	}
	return out
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var sb strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			sb.WriteString(d.Data)
		}
	}
	return sb.String()
}
