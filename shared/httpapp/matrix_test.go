package httpapp_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"
	"github.com/tandemhq/tandem/shared/jobs"
	"github.com/tandemhq/tandem/shared/routes"
	"github.com/tandemhq/tandem/shared/webhook"
)

// The actors of the matrix. Each is a person of the World with a bearer
// token (JSON routes) and a console session (pages).
const (
	operator        = 'o'
	hostAdmin       = 'h'
	hostEngineer    = 'g'
	partnerAdmin    = 'p'
	partnerEngineer = 'e' // without the critical role
	unrelated       = 'u' // the admin of a member with no tie to the others
)

var actorNames = map[rune]string{
	operator: "operator", hostAdmin: "host admin", hostEngineer: "host engineer", partnerAdmin: "partner admin",
	partnerEngineer: "partner engineer", unrelated: "unrelated member's admin",
}

const everyone = "ohgpeu"

// row is one route of the table in the matrix: how to call it in a World,
// who may succeed, and what the allowed see.
type row struct {
	// path is the request path (and query); {name} is replaced by the
	// World's (and setup's) values.
	path string
	// body is the JSON body (string values replaced as path), or for a page
	// POST the form values a person fills in.
	body any
	// allow are the actors who may succeed; the others must be refused.
	// Public and signed routes take no actor: allow is ignored.
	allow string
	// status is what the allowed get.
	status int
	// from is the page offering the form of a page POST: the allowed
	// submit that form (with body's values) instead of posting directly,
	// so a page that does not offer it fails.
	from string
	// location is the start of the redirect target of a 3xx.
	location string
	// see is text the allowed must read on the page (or in the page the
	// redirect leads to), offers the actions of forms it must offer.
	see    []string
	offers []string
	// setup prepares a fresh World for the allowed call (a pending
	// enrollment, a mailed link) and returns values for placeholders.
	setup func(w *httpapptest.World) map[string]string
	// mutates: each allowed actor runs on a World of its own, and the
	// refused on one of their own.
	mutates bool
	// refuse are statuses that refuse besides 403 and 404 (a 422 naming
	// another tenant's object in the body, a member's view asked of by an
	// operator).
	refuse []int
}

func (r row) expand(w *httpapptest.World, extra map[string]string) func(string) string {
	vals := map[string]string{
		"host": w.Host.ID, "hostAdmin": w.Host.Admin.UserID, "hostEng": w.Host.Engineer.UserID, "program": w.Host.ProgramID,
		"slug": w.Host.Slug, "hostDep": w.Host.Department, "partner": w.Partner.ID, "partnerAdmin": w.Partner.Admin.UserID,
		"partnerEng": w.Partner.Engineer.UserID, "partnerDep": w.Partner.Department, "enrollment": w.Partner.EnrollmentID,
		"invoice": w.Partner.Invoice, "case": w.Case, "config": w.Configuration, "unrelated": w.Unrelated.ID,
		"partnerDomain": w.Partner.Domain, "hostDomain": w.Host.Domain,
	}
	for k, v := range extra {
		vals[k] = v
	}
	return func(s string) string {
		for k, v := range vals {
			s = strings.ReplaceAll(s, "{"+k+"}", v)
		}
		return s
	}
}

func expandAny(v any, f func(string) string) any {
	switch x := v.(type) {
	case string:
		return f(x)
	case map[string]any:
		out := map[string]any{}
		for k, vv := range x {
			out[k] = expandAny(vv, f)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = expandAny(vv, f)
		}
		return out
	case []string:
		out := make([]string, len(x))
		for i, vv := range x {
			out[i] = f(vv)
		}
		return out
	case url.Values:
		out := url.Values{}
		for k, vs := range x {
			for _, vv := range vs {
				out.Add(k, f(vv))
			}
		}
		return out
	}
	return v
}

func actor(w *httpapptest.World, a rune) httpapptest.Actor {
	switch a {
	case operator:
		return w.OperatorActor()
	case hostAdmin:
		return w.Host.Admin
	case hostEngineer:
		return w.Host.Engineer
	case partnerAdmin:
		return w.Partner.Admin
	case partnerEngineer:
		return w.Partner.Engineer
	case unrelated:
		return w.Unrelated.Admin
	}
	panic("no actor " + string(a))
}

// browsers signs each actor in once per World.
type browsers struct {
	w  *httpapptest.World
	mu sync.Mutex
	m  map[rune]*httpapptest.Browser
}

func (b *browsers) of(a rune) *httpapptest.Browser {
	b.mu.Lock()
	defer b.mu.Unlock()
	if br := b.m[a]; br != nil {
		return br
	}
	var br *httpapptest.Browser
	if a == operator {
		br = b.w.OperatorSignedIn()
	} else {
		ac := actor(b.w, a)
		br = b.w.SignedIn(ac.MemberID, ac.UserID)
	}
	b.m[a] = br
	return br
}

func newWorld(t *testing.T) (*httpapptest.World, *browsers) {
	t.Helper()
	w := httpapptest.NewWorld(httpapptest.New(t))
	return w, &browsers{w: w, m: map[rune]*httpapptest.Browser{}}
}

// call makes row r's request as actor a (0: nobody) in w.
func call(t *testing.T, w *httpapptest.World, bs *browsers, route routes.Route, r row, a rune, extra map[string]string, viaForm bool) *httpapptest.Response {
	t.Helper()
	f := r.expand(w, extra)
	path := f(r.path)
	body := expandAny(r.body, f)
	if route.Auth == routes.Session {
		b := w.Browser()
		if a != 0 {
			b = bs.of(a)
		}
		if route.Method == "GET" {
			return b.Get(path)
		}
		form, _ := body.(url.Values)
		if viaForm && r.from != "" {
			page := b.Get(f(r.from))
			if page.Status != 200 {
				t.Fatalf("%s: the page %s answered %d: %s", route.Key(), f(r.from), page.Status, page.Text())
			}
			action, _, _ := strings.Cut(path, "?")
			fm := page.Form(action)
			if fm == nil {
				t.Fatalf("%s as %s: %s offers no form posting to %s; it offers %v", route.Key(), actorNames[a], f(r.from), action, formActions(page))
			}
			return b.Submit(fm, form)
		}
		return b.Post(path, form)
	}
	token := ""
	if a != 0 {
		token = actor(w, a).Token
	}
	if route.Body == routes.Form {
		b := w.Browser()
		form, _ := body.(url.Values)
		if viaForm && r.from != "" {
			page := b.Get(f(r.from))
			action, _, _ := strings.Cut(path, "?")
			fm := page.Form(action)
			if fm == nil {
				t.Fatalf("%s: %s (%d) offers no form posting to %s; it offers %v: %s", route.Key(), f(r.from), page.Status, action, formActions(page), page.Text())
			}
			return b.Submit(fm, form)
		}
		return b.Post(path, form)
	}
	if route.Page {
		return w.Browser().Get(path)
	}
	return w.Do(route.Method, path, token, body)
}

func formActions(p *httpapptest.Response) []string {
	var out []string
	for _, f := range p.Forms() {
		out = append(out, f.Method+" "+f.Action)
	}
	return out
}

// checkAllowed holds an allowed call to the row's status, Location, text
// and forms.
func checkAllowed(t testing.TB, w *httpapptest.World, route routes.Route, r row, who string, res *httpapptest.Response, extra map[string]string) {
	t.Helper()
	f := r.expand(w, extra)
	want := r.status
	if want == 0 {
		want = 200
	}
	if res.Status != want {
		t.Errorf("%s as %s: got %d, want %d: %.300s", route.Key(), who, res.Status, want, bodyText(res))
		return
	}
	if r.location != "" && !strings.HasPrefix(res.Location(), f(r.location)) {
		t.Errorf("%s as %s: Location %q, want %q…", route.Key(), who, res.Location(), f(r.location))
	}
	if res.Status == 201 && !route.Page {
		if id, _ := res.JSON()["id"].(string); id != "" && res.Location() != "" && !strings.HasSuffix(res.Location(), id) {
			t.Errorf("%s as %s: Location %q does not name the new %s", route.Key(), who, res.Location(), id)
		}
	}
	if route.Page && res.Status == 200 {
		checkPage(t, route, who, res)
		text := res.Text()
		for _, s := range r.see {
			if !strings.Contains(text, f(s)) {
				t.Errorf("%s as %s: the page does not say %q:\n%.1500s", route.Key(), who, f(s), text)
			}
		}
		for _, a := range r.offers {
			if res.Form(f(a)) == nil {
				t.Errorf("%s as %s: the page offers no form to %s; it offers %v", route.Key(), who, f(a), formActions(res))
			}
		}
	}
}

// checkPage holds every page to what all pages share: each form posts to
// a route of the table (or asks with GET), carries the form token, and
// names its fields.
func checkPage(t testing.TB, route routes.Route, who string, res *httpapptest.Response) {
	t.Helper()
	if ct := res.Headers["content-type"]; !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s as %s: a page of content type %q", route.Key(), who, ct)
	}
	for _, fm := range res.Forms() {
		action, _, _ := strings.Cut(fm.Action, "?")
		if strings.HasPrefix(action, "http") {
			continue // storage's presigned POST
		}
		if r, _, _ := routes.Match(fm.Method, action); r.Path == "" {
			t.Errorf("%s as %s: a form %s %s that no route serves", route.Key(), who, fm.Method, fm.Action)
		}
		// The console's forms carry the form token; the public pages' forms
		// (registration, and the one-click links whose token is the secret)
		// do not.
		if r, _, _ := routes.Match(fm.Method, action); fm.Method == "POST" && (r.Auth == routes.Session || r.Path == "/login") && fm.Values.Get("csrf") == "" {
			t.Errorf("%s as %s: the form to %s carries no form token", route.Key(), who, fm.Action)
		}
	}
}

func bodyText(res *httpapptest.Response) string {
	if strings.HasPrefix(res.Headers["content-type"], "text/html") {
		return res.Text()
	}
	return string(res.Body)
}

// checkRefused holds a refused call: 401 (JSON) or the sign-in redirect
// (pages) without a principal, else 403 or 404 — and 404 for the unrelated
// member on another tenant's object (the contract: not found and any object
// of another tenant).
func checkRefused(t testing.TB, route routes.Route, r row, a rune, res *httpapptest.Response) (ok bool) {
	t.Helper()
	who := actorNames[a]
	if a != 0 && slices.Contains(r.refuse, res.Status) {
		return true
	}
	switch {
	case a == 0 && route.Auth == routes.Token:
		if res.Status != 401 {
			t.Errorf("%s without a token: got %d, want 401: %.200s", route.Key(), res.Status, res.Body)
			return false
		}
	case a == 0 && route.Auth == routes.Session:
		if res.Status != 303 || !strings.HasPrefix(res.Location(), "/login?next=") {
			t.Errorf("%s without a session: got %d to %q, want 303 to /login?next=…", route.Key(), res.Status, res.Location())
			return false
		}
	case res.Status/100 == 2 || res.Status/100 == 3:
		t.Errorf("%s as %s: got %d, must be refused: %.300s", route.Key(), who, res.Status, bodyText(res))
		return false
	// Operator-only routes refuse every member alike, before reading the
	// object: their 403 tells nothing of another tenant.
	case a == unrelated && strings.Contains(route.Path, "{") && res.Status == 403 && !strings.Contains(r.path, "{unrelated}") && r.allow != "o":
		t.Errorf("%s as %s: got 403, want 404 (another tenant's object): %.300s", route.Key(), who, bodyText(res))
		return false
	case res.Status != 403 && res.Status != 404 && !slices.Contains(r.refuse, res.Status):
		t.Errorf("%s as %s: got %d, want 403 or 404%s: %.300s", route.Key(), who, res.Status, orAlso(r.refuse), bodyText(res))
		return false
	}
	return true
}

func orAlso(st []int) string {
	if len(st) == 0 {
		return ""
	}
	return fmt.Sprintf(" (or %v)", st)
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// The setups of rows whose allowed call needs a state the World does not
// have.
func pendingEnrollment(w *httpapptest.World) map[string]string {
	p := w.SignUp(w.Host, "Pending Co")
	return map[string]string{"enrollment": p.EnrollmentID, "invoice": p.Invoice}
}

func validatingEnrollment(w *httpapptest.World) map[string]string {
	p := w.SignUp(w.Host, "Validating Co")
	w.Approve(w.Host, p)
	return map[string]string{"enrollment": p.EnrollmentID, "token": httpapptest.Token(w.LastLink("support@"+p.Domain, "/v/"))}
}

func openInvoice(w *httpapptest.World) map[string]string {
	p := w.SignUp(w.Host, "Unpaid Co")
	inv := w.Do("GET", "/v1/enrollments/"+p.EnrollmentID, w.Host.Admin.Token, nil).Str("membershipInvoiceId")
	return map[string]string{"invoice": inv}
}

func claimLink(w *httpapptest.World) map[string]string {
	p := w.SignUp(w.Host, "Claiming Co")
	w.Approve(w.Host, p)
	ack := w.LastLink("support@"+p.Domain, "/v/")
	w.Do("POST", "/v1/validations/"+httpapptest.Token(ack)+"/acknowledge", "", nil).Expect(200, "acknowledge")
	inv := w.Do("GET", "/v1/enrollments/"+p.EnrollmentID, w.Host.Admin.Token, nil).Str("membershipInvoiceId")
	w.Do("POST", "/v1/invoices/"+inv+"/payments", w.Operator, map[string]any{"reference": "r", "amountCents": 50000}).Expect(200, "pay")
	// A link as going live mailed them before it made the admin, to an
	// address without a user yet, at a member without an admin (as every
	// partner was then): the admin going live made is revoked.
	admin := w.Do("GET", "/v1/members/"+p.ID+"/users", w.Operator, nil).Expect(200, "the users").Items()[0].(map[string]any)["id"].(string)
	w.Do("DELETE", "/v1/members/"+p.ID+"/users/"+admin, w.Operator, nil).Expect(200, "revoke the go-live admin")
	return map[string]string{"token": w.CredentialLink(p, "Fran Founder", "founder@"+p.Domain)}
}

// consentLink: someone at the unrelated member's domain signs up; its
// admins are asked.
func consentLink(w *httpapptest.World) map[string]string {
	email := "newhire@" + w.Unrelated.Domain
	link := w.SignupLink(w.Host, email)
	tok, _ := url.ParseQuery(link[strings.Index(link, "?")+1:])
	res := w.Do("POST", "/v1/signups", "", httpapptest.SignupBody(tok.Get("token"), "Stranger Things", w.Unrelated.Domain)).Expect(201, "sign up at a member's domain")
	return map[string]string{"enrollment": res.Str("enrollmentId"), "token": httpapptest.Token(w.LastLink(w.Unrelated.Admin.Email, "/m/"))}
}

func hostLink(w *httpapptest.World) map[string]string {
	p := w.SignUp(w.Host, "Linked Co")
	return map[string]string{"enrollment": p.EnrollmentID, "token": httpapptest.Token(w.LastLink(w.Host.Notify, "/h/"))}
}

func signupToken(w *httpapptest.World) map[string]string {
	link := w.SignupLink(w.Host, "primary@newco.example")
	tok, _ := url.ParseQuery(link[strings.Index(link, "?")+1:])
	return map[string]string{"token": tok.Get("token")}
}

func newAddendum(w *httpapptest.World) map[string]string {
	w.Do("PATCH", "/v1/programs/"+w.Host.ProgramID, w.Host.Admin.Token, map[string]any{"addendum": map[string]any{"version": "2027-1", "text": "Be even better."}}).
		Expect(200, "new addendum")
	a := &jobs.Addenda{Due: w.Store.DueAddenda, Programs: w.Services.Enrollments}
	if _, err := a.Run(context.Background(), w.Now()); err != nil {
		w.T.Fatal(err)
	}
	return map[string]string{"token": httpapptest.Token(w.LastLink(w.Partner.Email, "/a/"))}
}

func confirmationLink(w *httpapptest.World) map[string]string {
	w.Do("PATCH", "/v1/departments/"+w.Partner.Department, w.Partner.Admin.Token, map[string]any{
		"inbound": map[string]any{"email": "desk@" + w.Partner.Domain, "hours": "24x7", "escalation": map[string]any{"name": "E", "email": "esc@" + w.Partner.Domain}},
	}).Expect(200, "new address")
	return map[string]string{"token": httpapptest.Token(w.LastLink("desk@"+w.Partner.Domain, "/e/"))}
}

// caseLink is the first action link of the case's mail to the receiving
// department: accept.
func caseLink(w *httpapptest.World) map[string]string {
	ls := httpapptest.Links(w.Mails("support@"+w.Host.Domain), "/r/")
	if len(ls) == 0 {
		w.T.Fatal("the receiving department got no action links")
	}
	return map[string]string{"token": httpapptest.Token(ls[0])}
}

// readLink is a read-only link to the world's case, as its level-1
// escalation mails it to the host department's escalation contact.
func readLink(w *httpapptest.World) map[string]string {
	c, err := w.Store.GetCase(context.Background(), w.Case)
	if err != nil {
		w.T.Fatal(err)
	}
	return map[string]string{"token": w.Services.Cases.MailLinks.SignRead(c.ID, c.DepartmentID, "escalation-desk@"+w.Host.Domain, w.Now())}
}

func loginLink(w *httpapptest.World) map[string]string {
	u, err := w.Store.GetUser(context.Background(), w.Host.ID, w.Host.Admin.UserID)
	if err != nil {
		w.T.Fatal(err)
	}
	plain, err := w.Services.Sessions.IssueLink(context.Background(), u, "/outbox")
	if err != nil {
		w.T.Fatal(err)
	}
	return map[string]string{"token": plain}
}

func mergeStarted(w *httpapptest.World) map[string]string {
	w.Do("POST", "/v1/members/"+w.Unrelated.ID+"/merge", w.Operator, map[string]any{"into": w.Host.ID}).Expect(200, "start a merger")
	return nil
}

func deadLetter(w *httpapptest.World) map[string]string {
	ctx := context.Background()
	msgs := w.Store.Outbox()
	m := msgs[len(msgs)-1]
	_, attempt, err := w.Store.ClaimOutbox(ctx, m.ID, w.Now(), time.Minute)
	if err != nil {
		w.T.Fatal(err)
	}
	if err := w.Store.MarkDead(ctx, m.ID, attempt, "550 no such user", w.Now()); err != nil {
		w.T.Fatal(err)
	}
	return map[string]string{"deadLetter": m.ID}
}

func signedHook(w *httpapptest.World, body []byte) map[string]string {
	ts := w.Now().Unix()
	sig, err := webhook.Sign(w.WebhookSecret, "msg_1", ts, body)
	if err != nil {
		w.T.Fatal(err)
	}
	return map[string]string{"webhook-id": "msg_1", "webhook-timestamp": strconv.FormatInt(ts, 10), "webhook-signature": sig}
}

func ical() string {
	return "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nEND:VEVENT\nEND:VCALENDAR"
}

// matrix places every route of routes.Table.
var matrix = map[string]row{
	// Members and users.
	"POST /v1/members":                           {path: "/v1/members", body: httpapptest.MemberBody("Matrix New", "full"), allow: "o", status: 201},
	"GET /v1/members":                            {path: "/v1/members?q=acme", allow: "o"},
	"PATCH /v1/members/{id}":                     {path: "/v1/members/{partner}", body: map[string]any{"name": "Renamed"}, allow: "op"},
	"GET /v1/members/{id}/users":                 {path: "/v1/members/{partner}/users", allow: "op"},
	"GET /v1/programs":                           {path: "/v1/programs?hostMemberId={host}", allow: "oh"},
	"GET /v1/members/{id}":                       {path: "/v1/members/{partner}", allow: "op"},
	"GET /v1/members/{id}/events":                {path: "/v1/members/{partner}/events", allow: "op"},
	"POST /v1/members/{id}/merge":                {path: "/v1/members/{unrelated}/merge", body: map[string]any{"into": "{host}"}, allow: "o", mutates: true},
	"GET /v1/members/{id}/merge":                 {path: "/v1/members/{unrelated}/merge", allow: "o", setup: mergeStarted},
	"GET /v1/members/{id}/users/{userId}/events": {path: "/v1/members/{partner}/users/{partnerEng}/events", allow: "op"},
	"POST /v1/members/{id}/users":                {path: "/v1/members/{partner}/users", body: map[string]any{"name": "N", "email": "n@{partnerDomain}", "roles": []string{"engineer"}}, allow: "op", status: 201, mutates: true},
	"DELETE /v1/members/{id}/users/{userId}":     {path: "/v1/members/{partner}/users/{partnerEng}", allow: "op", mutates: true},
	"PATCH /v1/members/{id}/users/{userId}":      {path: "/v1/members/{partner}/users/{partnerEng}", body: map[string]any{"roles": []string{"engineer", "critical"}}, allow: "op", mutates: true},

	// Programs.
	"POST /v1/programs": {refuse: []int{422}, path: "/v1/programs", body: map[string]any{"slug": "matrix-x", "name": "X", "hostMemberId": "{host}", "type": "oem", "payment": "host",
		"primaryContact": map[string]any{"name": "a", "email": "a@{hostDomain}"}, "addendum": map[string]any{"version": "1", "text": "t"}}, allow: "oh", status: 201, mutates: true},
	"GET /v1/programs/{id}":        {path: "/v1/programs/{program}", allow: "ohgpe"},
	"PATCH /v1/programs/{id}":      {path: "/v1/programs/{program}", body: map[string]any{"name": "Renamed"}, allow: "oh", mutates: true},
	"GET /v1/programs/{id}/events": {path: "/v1/programs/{program}/events", allow: "oh"},

	// Registration (public).
	"POST /v1/programs/{id}/registrations": {path: "/v1/programs/{slug}/registrations", body: map[string]any{"email": "someone@newco.example"}, status: 202},
	"POST /v1/signups":                     {path: "/v1/signups", body: httpapptest.SignupBody("{token}", "Newco", "newco.example"), status: 201, setup: signupToken},
	"GET /p/{slug}":                        {path: "/p/{slug}", see: []string{"Acme Storage Partner Connect", "Join the Acme Storage partners."}, offers: []string{"/p/{slug}"}},
	"GET /p/{slug}/marketplace":            {path: "/p/{slug}/marketplace", see: []string{"Acme Storage Partner Connect"}},
	"POST /p/{slug}":                       {path: "/p/{slug}", from: "/p/{slug}", body: form("email", "someone@newco.example"), status: 202, see: []string{"Check your email", "someone@newco.example"}},
	"GET /p/{slug}/signup":                 {path: "/p/{slug}/signup?token={token}", setup: signupToken, offers: []string{"/p/{slug}/signup"}},
	"POST /p/{slug}/signup":                {path: "/p/{slug}/signup", from: "/p/{slug}/signup?token={token}", setup: signupToken, body: signupForm(), status: 201, see: []string{"You are signed up"}},

	// Enrollments and onboarding.
	"GET /v1/programs/{id}/enrollments":           {path: "/v1/programs/{program}/enrollments", allow: "oh"},
	"GET /v1/reports/sla":                         {path: "/v1/reports/sla?programId={program}&from=2026-01-01&to=2027-01-01", allow: "oh"},
	"POST /v1/programs/{id}/configurations":       {path: "/v1/programs/{program}/configurations", body: httpapptest.ConfigurationBody(), allow: "p", status: 201},
	"GET /v1/programs/{id}/configurations":        {path: "/v1/programs/{program}/configurations", allow: "ohgpe"},
	"POST /v1/configurations/{id}/approve":        {path: "/v1/configurations/{config}/approve", allow: "oh", mutates: true},
	"POST /v1/configurations/{id}/reject":         {path: "/v1/configurations/{config}/reject", body: map[string]any{"reason": "r"}, allow: "oh", mutates: true},
	"GET /v1/configurations/{id}/events":          {path: "/v1/configurations/{config}/events", allow: "ohgpe"},
	"GET /v1/enrollments/{id}":                    {path: "/v1/enrollments/{enrollment}", allow: "ohgpe"},
	"GET /v1/enrollments/{id}/events":             {path: "/v1/enrollments/{enrollment}/events", allow: "ohgpe"},
	"POST /v1/enrollments/{id}/approve":           {path: "/v1/enrollments/{enrollment}/approve", allow: "oh", setup: pendingEnrollment, mutates: true},
	"POST /v1/enrollments/{id}/reject":            {path: "/v1/enrollments/{enrollment}/reject", body: map[string]any{"reason": "x"}, allow: "oh", setup: pendingEnrollment, mutates: true},
	"POST /v1/enrollments/{id}/addendum":          {path: "/v1/enrollments/{enrollment}/addendum", body: map[string]any{"version": "2027-1", "name": "N", "title": "T"}, allow: "op", setup: newAddendum, mutates: true},
	"POST /v1/enrollments/{id}/member-consent":    {path: "/v1/enrollments/{enrollment}/member-consent", body: map[string]any{"decision": "confirm"}, allow: "ou", setup: consentLink, mutates: true},
	"POST /v1/enrollments/{id}/validation":        {path: "/v1/enrollments/{enrollment}/validation", body: map[string]any{"outcome": "failed", "note": "x"}, allow: "oh", setup: validatingEnrollment, mutates: true},
	"POST /v1/enrollments/{id}/resend-validation": {path: "/v1/enrollments/{enrollment}/resend-validation", allow: "oh", setup: validatingEnrollment},
	"POST /v1/enrollments/{id}/remove":            {path: "/v1/enrollments/{enrollment}/remove", body: map[string]any{"reason": "x"}, allow: "ohp", mutates: true},
	"POST /v1/validations/{token}/acknowledge":    {path: "/v1/validations/{token}/acknowledge", setup: validatingEnrollment},
	"POST /v1/credentials/{token}/claim":          {path: "/v1/credentials/{token}/claim", setup: claimLink, status: 201},
	"GET /h/{token}":                              {path: "/h/{token}", setup: hostLink, offers: []string{"/h/{token}"}},
	"POST /h/{token}":                             {path: "/h/{token}", from: "/h/{token}", setup: hostLink},
	"GET /a/{token}":                              {path: "/a/{token}", setup: newAddendum, offers: []string{"/a/{token}"}},
	"POST /a/{token}":                             {path: "/a/{token}", from: "/a/{token}", setup: newAddendum, body: form("name", "Pat Partner", "title", "CEO")},
	"GET /m/{token}":                              {path: "/m/{token}", setup: consentLink, offers: []string{"/m/{token}"}},
	"POST /m/{token}":                             {path: "/m/{token}", from: "/m/{token}", setup: consentLink},
	"GET /v/{token}":                              {path: "/v/{token}", setup: validatingEnrollment, offers: []string{"/v/{token}"}},
	"POST /v/{token}":                             {path: "/v/{token}", from: "/v/{token}", setup: validatingEnrollment},
	"GET /c/{token}":                              {path: "/c/{token}", setup: claimLink, offers: []string{"/c/{token}"}},
	"POST /c/{token}":                             {path: "/c/{token}", from: "/c/{token}", setup: claimLink, status: 303, location: "/inbox"},

	// Invoices.
	"GET /v1/invoices":                {path: "/v1/invoices?memberId={partner}", allow: "op"},
	"GET /v1/invoices/{id}":           {path: "/v1/invoices/{invoice}", allow: "op"},
	"GET /v1/invoices/{id}/events":    {path: "/v1/invoices/{invoice}/events", allow: "op"},
	"POST /v1/invoices/{id}/payments": {path: "/v1/invoices/{invoice}/payments", body: map[string]any{"reference": "r", "amountCents": 50000}, allow: "o", setup: openInvoice, mutates: true},
	"POST /v1/invoices/{id}/checkout": {path: "/v1/invoices/{invoice}/checkout", allow: "p", status: 201, setup: renewalInvoice},
	// Stripe's signed webhook is TestStripeWebhook's.
	"POST /v1/hooks/stripe": {},
	"GET /pay/{token}":      {path: "/pay/{token}", setup: payLink, status: 303, location: "https://checkout.stripe.test/"},

	// Departments, directory and cases.
	"POST /v1/members/{id}/departments": {path: "/v1/members/{partner}/departments", body: map[string]any{"name": "D", "inbound": map[string]any{"email": "d@{partnerDomain}", "hours": "24x7",
		"escalation": map[string]any{"name": "E", "email": "e@{partnerDomain}"}}}, allow: "op", status: 201, mutates: true},
	"GET /v1/members/{id}/departments":        {path: "/v1/members/{partner}/departments", allow: "ope"},
	"GET /v1/departments/{id}":                {path: "/v1/departments/{partnerDep}", allow: "ope"},
	"PATCH /v1/departments/{id}":              {path: "/v1/departments/{partnerDep}", body: map[string]any{"name": "Renamed"}, allow: "op"},
	"GET /v1/departments/{id}/events":         {path: "/v1/departments/{partnerDep}/events", allow: "ope"},
	"POST /v1/departments/{id}/holidays":      {path: "/v1/departments/{partnerDep}/holidays", body: map[string]any{"ical": ical()}, allow: "op"},
	"POST /v1/departments/{id}/confirmations": {path: "/v1/departments/{partnerDep}/confirmations", allow: "op", setup: confirmationLink, status: 202},
	"POST /v1/members/{id}/confirmations":     {path: "/v1/members/{partner}/confirmations", allow: "op", status: 409},
	"GET /v1/directory":                       {path: "/v1/directory", allow: "hgpeu", refuse: []int{422}},
	"POST /v1/cases":                          {path: "/v1/cases", body: httpapptest.CaseBody("{hostDep}", "{program}"), allow: "pe", status: 201, refuse: []int{422}},
	"GET /v1/cases":                           {path: "/v1/cases?box=outbox", allow: "hgpeu", refuse: []int{422}},
	"GET /v1/cases/{id}":                      {path: "/v1/cases/{case}", allow: "ohgpe"},
	"GET /v1/cases/{id}/events":               {path: "/v1/cases/{case}/events", allow: "ohgpe"},
	"POST /v1/cases/{id}/accept":              {path: "/v1/cases/{case}/accept", body: map[string]any{"engineer": map[string]any{"name": "x", "email": "x@y.example"}}, allow: "ohg", mutates: true},
	"POST /v1/cases/{id}/request-info":        {path: "/v1/cases/{case}/request-info", body: map[string]any{"question": "q"}, allow: "ohg", mutates: true},
	"POST /v1/cases/{id}/notes":               {path: "/v1/cases/{case}/notes", body: map[string]any{"text": "x"}, allow: "ohgpe"},
	"POST /v1/cases/{id}/reject":              {path: "/v1/cases/{case}/reject", body: map[string]any{"reason": "r"}, allow: "ohg", mutates: true},
	"POST /v1/cases/{id}/close":               {path: "/v1/cases/{case}/close", body: map[string]any{"resolution": "r"}, allow: "ope", mutates: true},
	// Assigning the host's engineer: the partner's people are not the host's (422).
	"POST /v1/cases/{id}/assign": {path: "/v1/cases/{case}/assign", body: map[string]any{"userId": "{hostEng}"}, allow: "hg", mutates: true, refuse: []int{422}},

	// Vendor webhooks (the signed route is TestSignedWebhookRoute's).
	"POST /v1/hooks/{memberId}":               {},
	"POST /v1/members/{id}/webhook-secret":    {path: "/v1/members/{partner}/webhook-secret", allow: "op", status: 201},
	"GET /v1/members/{id}/webhook-deliveries": {path: "/v1/members/{partner}/webhook-deliveries", allow: "op"},
	"POST /v1/members/{id}/sending-domain":    {path: "/v1/members/{partner}/sending-domain", body: map[string]any{"domain": "{partnerDomain}"}, allow: "op"},
	"GET /v1/members/{id}/sending-domain":     {path: "/v1/members/{partner}/sending-domain", allow: "op"},
	"GET /v1/dead-letters":                    {path: "/v1/dead-letters", allow: "o"},
	"POST /v1/dead-letters/{id}/resend":       {path: "/v1/dead-letters/{deadLetter}/resend", allow: "o", setup: deadLetter, mutates: true},

	// The console: sign-in.
	"GET /login":          {path: "/login", offers: []string{"/login"}},
	"POST /login":         {path: "/login", from: "/login", body: form("email", "primary@acmestorage.example"), see: []string{"mail"}},
	"GET /login/{token}":  {path: "/login/{token}", setup: loginLink, offers: []string{"/login/{token}"}},
	"POST /login/{token}": {path: "/login/{token}", from: "/login/{token}", setup: loginLink, status: 303, location: "/outbox"},
	"POST /logout":        {path: "/logout", allow: everyone, status: 303, location: "/login", mutates: true},

	// Cases.
	"GET /inbox":     {path: "/inbox", allow: "hgpeu", refuse: []int{422}},
	"GET /outbox":    {path: "/outbox", allow: "hgpeu", refuse: []int{422}},
	"GET /cases/new": {path: "/cases/new", allow: "hgpeu", refuse: []int{422}},
	"POST /cases": {path: "/cases", body: form("departmentId", "{hostDep}", "programId", "{program}", "priority", "high", "summary", "Disks vanish",
		"description", "After the update.", "customer.company", "Initech", "customer.contactName", "Peter", "customer.contactEmail", "peter@initech.example",
		"customer.caseNumber", "INI-7", "fields.product", "Array 9000", "fields.version", "9.2"), allow: "pe", status: 303, location: "/cases/", refuse: []int{422}},
	"GET /cases/{id}":               {path: "/cases/{case}", allow: "ohgpe", see: []string{"VMs freeze during array snapshots"}},
	"POST /cases/{id}/accept":       {path: "/cases/{case}/accept", from: "/cases/{case}", body: form("engineer.name", "Eve", "engineer.email", "eve@acmestorage.example"), allow: "ohg", status: 303, location: "/cases/{case}", mutates: true},
	"POST /cases/{id}/request-info": {path: "/cases/{case}/request-info", from: "/cases/{case}", body: form("question", "Which firmware?"), allow: "ohg", status: 303, location: "/cases/{case}", mutates: true},
	"POST /cases/{id}/notes":        {path: "/cases/{case}/notes", from: "/cases/{case}", body: form("text", "Looking into it."), allow: "ohgpe", status: 303, location: "/cases/{case}"},
	"POST /cases/{id}/reject":       {path: "/cases/{case}/reject", from: "/cases/{case}", body: form("reason", "Not ours."), allow: "ohg", status: 303, location: "/cases/{case}", mutates: true},
	"POST /cases/{id}/assign":       {path: "/cases/{case}/assign", body: form("back", "/inbox?view=mine"), allow: "hgpe", status: 303, location: "/inbox?view=mine", mutates: true},
	"POST /cases/{id}/close":        {path: "/cases/{case}/close", from: "/cases/{case}", body: form("resolution", "Fixed."), allow: "ope", status: 303, location: "/cases/{case}", mutates: true},
	"GET /r/{token}":                {path: "/r/{token}", setup: caseLink, offers: []string{"/r/{token}"}},
	"GET /s/{token}":                {path: "/s/{token}", setup: readLink, see: []string{"A read-only view of the case"}},
	"POST /r/{token}":               {path: "/r/{token}", from: "/r/{token}", setup: caseLink, body: form("engineer.name", "Eve", "engineer.email", "eve@acmestorage.example")},
	"GET /e/{token}":                {path: "/e/{token}", setup: confirmationLink, offers: []string{"/e/{token}"}},
	"POST /e/{token}":               {path: "/e/{token}", from: "/e/{token}", setup: confirmationLink},

	// Invoices, people, programs, departments, operator, webhooks pages.
	"GET /invoices":                {path: "/invoices", allow: "hpu", refuse: []int{422}},
	"GET /invoices/{id}":           {path: "/invoices/{invoice}", allow: "op"},
	"POST /invoices/{id}/checkout": {path: "/invoices/{invoice}/checkout", from: "/invoices/{invoice}", allow: "p", status: 303, location: "https://checkout.stripe.test/", setup: renewalInvoice},
	"POST /invoices/{id}/payments": {path: "/invoices/{invoice}/payments", from: "/invoices/{invoice}", body: form("reference", "BANK-1"), allow: "o", status: 303,
		location: "/invoices/{invoice}?done=recorded", setup: renewalInvoice, mutates: true},
	"GET /members/{id}/users":                  {path: "/members/{partner}/users", allow: "op"},
	"POST /members/{id}":                       {path: "/members/{partner}", from: "/members/{partner}/users", body: form("name", "Renamed"), allow: "op", status: 303},
	"POST /members/{id}/users":                 {path: "/members/{partner}/users", from: "/members/{partner}/users", body: form("name", "Nia", "email", "nia@{partnerDomain}", "roles", "engineer"), allow: "op", status: 303, mutates: true},
	"POST /members/{id}/users/{userId}":        {path: "/members/{partner}/users/{partnerEng}", from: "/members/{partner}/users", body: form("roles", "engineer", "roles", "critical"), allow: "op", status: 303, mutates: true},
	"POST /members/{id}/users/{userId}/revoke": {path: "/members/{partner}/users/{partnerEng}/revoke", from: "/members/{partner}/users", allow: "op", status: 303, mutates: true},
	"POST /members/{id}/tokens":                {path: "/members/{partner}/tokens", from: "/members/{partner}/users", allow: "op", body: form("name", "CI", "email", "ci@{partnerDomain}", "roles", "engineer"), see: []string{"tdm_"}, mutates: true},
	"GET /programs":                            {path: "/programs", allow: "hpu", refuse: []int{303}},
	"GET /programs/new":                        {path: "/programs/new", allow: "hpu"},
	"POST /programs":                           {path: "/programs", from: "/programs/new", body: form("slug", "matrix-y", "name", "Y", "primaryContact.name", "A", "primaryContact.email", "a@acmestorage.example", "addendum.version", "1", "addendum.text", "t"), allow: "hpu", status: 303, location: "/programs/", mutates: true},
	"GET /programs/{id}":                       {path: "/programs/{program}", allow: "oh"},
	"POST /programs/{id}":                      {path: "/programs/{program}", from: "/programs/{program}", body: form("name", "Renamed Connect"), allow: "oh", status: 303},
	"GET /programs/{id}/enrollments":           {path: "/programs/{program}/enrollments", allow: "oh", see: []string{"Hyper Visor"}, offers: []string{"/programs/{program}/enrollments/{enrollment}/remove"}},
	"GET /reports/sla":                         {path: "/reports/sla?programId={program}", allow: "oh"},
	"GET /programs/{id}/configurations":        {path: "/programs/{program}/configurations", allow: "ohgpe"},
	"POST /programs/{id}/configurations":       {path: "/programs/{program}/configurations", from: "/programs/{program}/configurations", body: form("partnerProduct", "Hyper", "partnerVersion", "9", "hostProduct", "Array 9000", "hostVersions", "9.3", "supportUrl", "https://hypervisor.example/support"), allow: "p", status: 303},
	"POST /programs/{id}/configurations/{configurationId}/approve": {path: "/programs/{program}/configurations/{config}/approve", from: "/programs/{program}/configurations", allow: "oh", status: 303, mutates: true},
	"POST /programs/{id}/configurations/{configurationId}/reject":  {path: "/programs/{program}/configurations/{config}/reject", from: "/programs/{program}/configurations", body: form("reason", "Untested."), allow: "oh", status: 303, mutates: true},
	"POST /programs/{id}/enrollments/{enrollmentId}/approve":       {path: "/programs/{program}/enrollments/{enrollment}/approve", from: "/programs/{program}/enrollments", allow: "oh", status: 303, setup: pendingEnrollment, mutates: true},
	"POST /programs/{id}/enrollments/{enrollmentId}/reject":        {path: "/programs/{program}/enrollments/{enrollment}/reject", from: "/programs/{program}/enrollments", body: form("reason", "No."), allow: "oh", status: 303, setup: pendingEnrollment, mutates: true},
	"POST /programs/{id}/enrollments/{enrollmentId}/validation":    {path: "/programs/{program}/enrollments/{enrollment}/validation", from: "/programs/{program}/enrollments", body: form("outcome", "passed"), allow: "oh", status: 303, setup: validatingEnrollment, mutates: true},
	"POST /programs/{id}/enrollments/{enrollmentId}/resend":        {path: "/programs/{program}/enrollments/{enrollment}/resend", from: "/programs/{program}/enrollments", allow: "oh", status: 303, setup: validatingEnrollment},
	"POST /programs/{id}/enrollments/{enrollmentId}/remove":        {path: "/programs/{program}/enrollments/{enrollment}/remove", body: form("reason", "Gone."), allow: "ohp", status: 303, mutates: true},
	"GET /departments/{id}":                   {path: "/departments/{partnerDep}", allow: "op"},
	"POST /departments/{id}":                  {path: "/departments/{partnerDep}", from: "/departments/{partnerDep}", body: form("name", "Renamed desk"), allow: "op", status: 303},
	"GET /operator":                           {path: "/operator", allow: "o"},
	"POST /operator/dead-letters/{id}/resend": {path: "/operator/dead-letters/{deadLetter}/resend", from: "/operator", allow: "o", status: 303, setup: deadLetter, mutates: true},
	"GET /operator/members/{id}/merge":        {path: "/operator/members/{unrelated}/merge", allow: "o"},
	"POST /operator/members/{id}/merge":       {path: "/operator/members/{unrelated}/merge", from: "/operator/members/{unrelated}/merge", body: form("into", "{host}"), allow: "o", status: 200, mutates: true},
	"GET /webhooks":                           {path: "/webhooks", allow: "hpu"},
	"POST /webhooks/secret":                   {path: "/webhooks/secret", from: "/webhooks", allow: "hpu", status: 200},
	"GET /members/{id}/sending-domain":        {path: "/members/{partner}/sending-domain", allow: "op", see: []string{"Sending domain", "Register the domain"}},
	"POST /members/{id}/sending-domain": {path: "/members/{partner}/sending-domain", from: "/members/{partner}/sending-domain", body: form("domain", "{partnerDomain}"),
		allow: "op", status: 303, location: "/members/{partner}/sending-domain?done=registered", see: []string{"DNS records to publish", "._domainkey.{partnerDomain}"}, mutates: true},
	"POST /members/{id}/sending-domain/check": {path: "/members/{partner}/sending-domain/check", from: "/members/{partner}/sending-domain", setup: sendingDomain,
		allow: "op", status: 303, location: "/members/{partner}/sending-domain?done=checked", see: []string{"Checked with SES just now", "Status: Pending"}, mutates: true},
}

// sendingDomain registers the partner's own domain as its sending domain.
func sendingDomain(w *httpapptest.World) map[string]string {
	w.Do("POST", "/v1/members/"+w.Partner.ID+"/sending-domain", w.Partner.Admin.Token, map[string]any{"domain": w.Partner.Domain}).Expect(200, "register the sending domain")
	return nil
}

// signupForm is the sign-up form as a person fills it in.
func signupForm() url.Values {
	v := url.Values{}
	flat(v, "", httpapptest.SignupBody("{token}", "Newco", "newco.example"))
	v.Del("token")
	v.Set("inbound.hoursMode", "business")
	v.Set("acceptAddendum.accept", "yes")
	return v
}

func flat(v url.Values, prefix string, x any) {
	switch t := x.(type) {
	case map[string]any:
		for k, vv := range t {
			flat(v, prefix+k+".", vv)
		}
	case []string:
		for _, s := range t {
			v.Add(strings.TrimSuffix(prefix, "."), s)
		}
	case string:
		v.Set(strings.TrimSuffix(prefix, "."), t)
	}
}
