package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/notify/delivery"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/web"
)

// editorLinks is how many link rows the editor offers beyond those set.
const editorLinks = 2

// programsPage serves GET /programs: the programs the signed-in admin's
// member hosts, each with its pending sign-ups.
func (s *Server) programsPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	if r.Principal.Operator && r.Principal.MemberID == "" {
		return router.Redirect("/operator"), nil
	}
	ps, err := s.Programs.ListForHost(ctx, r.Principal, r.Principal.MemberID)
	if err != nil {
		return nil, err
	}
	l := programList{Nav: s.nav(r, "programs")}
	partnered, err := s.Marketplace.Partnerships(ctx, r.Principal)
	if err != nil {
		return nil, err
	}
	for _, pp := range partnered {
		l.Partnered = append(l.Partnered, partnerRow{ID: pp.Program.ID, Name: pp.Program.Name, HostName: pp.Program.HostName, Status: string(pp.Status)})
	}
	for _, p := range ps {
		counts, err := s.Enrollments.Counts(ctx, r.Principal, p.ID)
		if err != nil {
			return nil, err
		}
		l.Rows = append(l.Rows, programRow{
			ID: p.ID, Name: p.Name, Type: string(p.Type), Payment: string(p.Payment), Access: p.Access,
			LandingURL: s.BaseURL + "/p/" + p.Slug, Pending: counts[enrollment.PendingApproval],
		})
	}
	return router.Page(http.StatusOK, programsView(l)), nil
}

// newProgramPage serves GET /programs/new: the editor with the standard
// decisions filled in.
func (s *Server) newProgramPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	if err := hostAdmin(r); err != nil {
		return nil, err
	}
	v := url.Values{}
	in := program.Input{Type: program.PartnerProgram, Payment: program.MemberPaid, Access: program.Open, Sender: program.SenderPlatform,
		StartDate: s.Now().UTC().Format("2006-01-02"), Addendum: program.Addendum{Version: "1"}}
	if u, err := s.Members.User(ctx, r.Principal, r.Principal.MemberID, r.Principal.UserID); err == nil {
		in.PrimaryContact = member.Contact{Name: u.Name, Email: u.Email}
	}
	fillValues(v, in, program.DefaultSLA)
	e, err := s.editor(ctx, r, nil, v, nil)
	if err != nil {
		return nil, err
	}
	return router.Page(http.StatusOK, programEditorView(e)), nil
}

// hostAdmin: creating a program takes the admin role of one's member.
func hostAdmin(r *router.Request) error {
	if r.Principal.MemberID == "" {
		return apperr.Forbidden("programs are created by their host's admins; operators use the API")
	}
	if !r.Principal.AdminOf(r.Principal.MemberID) {
		return apperr.Forbidden("creating a program needs the admin role")
	}
	return nil
}

// createProgramForm serves POST /programs: previews or creates.
func (s *Server) createProgramForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	if err := hostAdmin(r); err != nil {
		return nil, err
	}
	v, err := r.Form()
	if err != nil {
		return nil, err
	}
	if v.Get("preview") != "" {
		return s.previewProgram(ctx, r, nil, v)
	}
	in := programInput(v)
	in.HostMemberID = r.Principal.MemberID
	in.Slug = strings.TrimSpace(v.Get("slug"))
	in.StartDate = v.Get("startDate")
	prg, err := s.Programs.Create(ctx, r.Principal, in, idem.None)
	if err != nil {
		return s.editorAgain(ctx, r, nil, v, err)
	}
	return router.Redirect("/programs/" + prg.ID + "?done=created"), nil
}

// programPage serves GET /programs/{id}: the host's admins and operators.
func (s *Server) programPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	prg, err := s.Programs.ForHost(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	v := url.Values{}
	fillValues(v, programInputOf(prg), prg.SLA)
	e, err := s.editor(ctx, r, &prg, v, nil)
	if err != nil {
		return nil, err
	}
	switch r.Query.Get("done") {
	case "created":
		e.Notice = "The program is ready. Share its landing page with partners."
	case "saved":
		e.Notice = "Saved. The landing page shows the changes now."
	}
	return router.Page(http.StatusOK, programEditorView(e)), nil
}

// saveProgramForm serves POST /programs/{id}: previews or saves the form.
func (s *Server) saveProgramForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	prg, err := s.Programs.ForHost(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	v, err := r.Form()
	if err != nil {
		return nil, err
	}
	if v.Get("preview") != "" {
		return s.previewProgram(ctx, r, &prg, v)
	}
	in := programInput(v)
	pt := program.Patch{
		Name: &in.Name, Type: &in.Type, PrimaryContact: &in.PrimaryContact, NotifyEmails: &in.NotifyEmails, SLA: in.SLA,
		Access: &in.Access, Sender: &in.Sender, SenderEmail: &in.SenderEmail, Addendum: &in.Addendum, Landing: &in.Landing,
		PreApproved: &in.PreApproved, SignupMail: &in.SignupMail,
	}
	if n, err := strconv.Atoi(v.Get("version")); err == nil {
		pt.Version = &n
	}
	if r.Principal.Operator {
		start := v.Get("startDate")
		pt.Payment, pt.StartDate = &in.Payment, &start
		bands, err := bandsFromText(v.Get("priceBands"))
		if err != nil {
			return s.editorAgain(ctx, r, &prg, v, err)
		}
		if in.Payment == program.HostPaid {
			pt.PriceBands = &bands
		}
	}
	if _, err := s.Programs.Update(ctx, r.Principal, prg.ID, pt); err != nil {
		return s.editorAgain(ctx, r, &prg, v, err)
	}
	return router.Redirect("/programs/" + prg.ID + "?done=saved"), nil
}

func (s *Server) previewProgram(ctx context.Context, r *router.Request, prg *program.Program, v url.Values) (*router.Response, error) {
	e, err := s.editor(ctx, r, prg, v, nil)
	if err != nil {
		return nil, err
	}
	e.Previewing = true
	return router.Page(http.StatusOK, programEditorView(e)), nil
}

// editorAgain answers a refused program form: invalid input (422) beside
// the fields, a lost race or taken address (409) said at the top.
func (s *Server) editorAgain(ctx context.Context, r *router.Request, prg *program.Program, v url.Values, cause error) (*router.Response, error) {
	f, ok := refused(cause)
	if !ok {
		return nil, cause
	}
	e, err := s.editor(ctx, r, prg, v, formErrors(f.Fields))
	if err != nil {
		return nil, err
	}
	e.Problem = "Please check the highlighted fields."
	if f.Conflict() {
		e.Problem = "Not saved: " + f.Message + "."
	}
	return router.Page(f.Status, programEditorView(e)), nil
}

// editor builds the editor page from the form's values v.
func (s *Server) editor(ctx context.Context, r *router.Request, prg *program.Program, v url.Values, errs map[string]string) (programEditor, error) {
	e := programEditor{Nav: s.nav(r, "programs"), Operator: r.Principal.Operator, formState: formState{Values: formValues(v), Errors: errs}}
	hostName := e.Nav.MemberName
	if prg != nil {
		e.ID, e.Version, e.LandingURL, hostName = prg.ID, prg.Version, s.BaseURL+"/p/"+prg.Slug, prg.HostName
		evs, _, err := s.Programs.Events(ctx, r.Principal, prg.ID, historyLimit, "")
		if err != nil {
			return programEditor{}, err
		}
		e.History = s.history(ctx, r, evs, prg.HostMemberID)
		e.Values["startDate"] = prg.StartDate
		if !e.Operator {
			e.Values["payment"] = string(prg.Payment)
		}
		if len(prg.PriceBands) > 0 {
			e.BandsText = bandsSummary(prg.PriceBands)
			if _, sent := v["priceBands"]; !sent {
				e.Values["priceBands"] = bandsText(prg.PriceBands)
			}
		}
	}
	in := programInput(v)
	for _, l := range in.Landing.Links {
		e.Links = append(e.Links, linkRow{Title: l.Title, URL: l.URL})
	}
	for range editorLinks {
		e.Links = append(e.Links, linkRow{})
	}
	e.Preview = landingPreview{
		Name: in.Name, HostName: hostName, About: in.Landing.About, Contact: in.PrimaryContact.Email, AddendumVersion: in.Addendum.Version,
	}
	if strings.HasPrefix(in.Landing.BannerURL, "https://") {
		e.Preview.BannerURL = in.Landing.BannerURL
	}
	for _, l := range in.Landing.Links {
		e.Preview.Links = append(e.Preview.Links, linkRow{Title: l.Title, URL: l.URL})
	}
	e.Preview.Terms = web.TermsOf(previewProgram(in, hostName, e.Values["payment"]))
	e.MailSubject, e.MailText = signupMailPreview(program.Program{Name: in.Name, HostName: hostName, Payment: in.Payment, SignupMail: in.SignupMail})
	return e, nil
}

// previewProgram is the program the editor's form describes, as far as
// its landing page's terms need it: who pays (payment, as the page shows
// it) and the response times, a value that does not read as a duration
// left at the standard one.
func previewProgram(in program.Input, hostName, payment string) program.Program {
	prg := program.Program{Type: in.Type, Payment: program.Payment(payment), HostName: hostName, SLA: program.DefaultSLA}
	if in.SLA != nil {
		for _, x := range []struct {
			text string
			d    *time.Duration
		}{{in.SLA.Low, &prg.SLA.Low}, {in.SLA.Medium, &prg.SLA.Medium}, {in.SLA.High, &prg.SLA.High}, {in.SLA.Critical, &prg.SLA.Critical}} {
			if d, err := program.ParseDuration(x.text); err == nil {
				*x.d = d
			}
		}
	}
	return prg
}

// signupMailPreview renders the mail a partner would get on signing up for
// prg, for an example company, as the notifier renders it.
func signupMailPreview(prg program.Program) (subject, text string) {
	subject, text, err := delivery.RenderText(notify.Message{
		ID: "preview", Channel: notify.Email, To: []string{"pat@example.com"},
		Data: enrollment.SignupMail(prg, "Example Storage Inc.", "Pat Partner", false, "support@example.com"),
	})
	if err != nil {
		return "", "The mail cannot be shown: " + err.Error()
	}
	return subject, text
}

// programInput reads the editor's form (field names are the API's JSON
// names, nested ones joined with dots; lists one entry per line; links as
// landing.links.N.title and .url, empty rows left out).
func programInput(v url.Values) program.Input {
	in := program.Input{
		Name: v.Get("name"), Type: program.Type(v.Get("type")), Payment: program.Payment(v.Get("payment")),
		PrimaryContact: member.Contact{Name: v.Get("primaryContact.name"), Email: v.Get("primaryContact.email"), Phone: v.Get("primaryContact.phone")},
		NotifyEmails:   lines(v.Get("notifyEmails")),
		SLA:            &program.SLAInput{Low: v.Get("sla.low"), Medium: v.Get("sla.medium"), High: v.Get("sla.high"), Critical: v.Get("sla.critical")},
		Access:         v.Get("access"), Sender: v.Get("sender"), SenderEmail: strings.TrimSpace(v.Get("senderEmail")),
		Addendum:    program.Addendum{Version: v.Get("addendum.version"), Text: v.Get("addendum.text")},
		Landing:     program.Landing{BannerURL: strings.TrimSpace(v.Get("landing.bannerUrl")), About: v.Get("landing.about")},
		PreApproved: lines(v.Get("preApproved")),
		SignupMail:  program.SignupMail{Subject: strings.TrimSpace(v.Get("signupMail.subject")), Intro: strings.TrimSpace(v.Get("signupMail.intro"))},
	}
	if in.NotifyEmails == nil {
		in.NotifyEmails = []string{}
	}
	if in.PreApproved == nil {
		in.PreApproved = []string{}
	}
	for i := 0; i < 40; i++ {
		title, link := strings.TrimSpace(v.Get(fmt.Sprintf("landing.links.%d.title", i))), strings.TrimSpace(v.Get(fmt.Sprintf("landing.links.%d.url", i)))
		if title != "" || link != "" {
			in.Landing.Links = append(in.Landing.Links, program.Link{Title: title, URL: link})
		}
	}
	return in
}

// programInputOf is a saved program as the editor's input.
func programInputOf(p program.Program) program.Input {
	return program.Input{
		Slug: p.Slug, Name: p.Name, Type: p.Type, Payment: p.Payment, PrimaryContact: p.PrimaryContact, NotifyEmails: p.NotifyEmails,
		Access: p.Access, Sender: p.Sender, SenderEmail: p.SenderEmail, Addendum: p.Addendum, Landing: p.Landing,
		PreApproved: p.PreApproved, StartDate: p.StartDate, SignupMail: p.SignupMail,
	}
}

// fillValues writes in (and the response times sla) into form values.
func fillValues(v url.Values, in program.Input, sla program.SLA) {
	set := func(k, val string) { v.Set(k, val) }
	set("name", in.Name)
	set("slug", in.Slug)
	set("type", string(in.Type))
	set("payment", string(in.Payment))
	set("access", in.Access)
	set("sender", in.Sender)
	set("senderEmail", in.SenderEmail)
	set("startDate", in.StartDate)
	set("primaryContact.name", in.PrimaryContact.Name)
	set("primaryContact.email", in.PrimaryContact.Email)
	set("primaryContact.phone", in.PrimaryContact.Phone)
	set("notifyEmails", strings.Join(in.NotifyEmails, "\n"))
	set("preApproved", strings.Join(in.PreApproved, "\n"))
	set("addendum.version", in.Addendum.Version)
	set("addendum.text", in.Addendum.Text)
	set("landing.bannerUrl", in.Landing.BannerURL)
	set("landing.about", in.Landing.About)
	set("signupMail.subject", in.SignupMail.Subject)
	set("signupMail.intro", in.SignupMail.Intro)
	for i, l := range in.Landing.Links {
		set(fmt.Sprintf("landing.links.%d.title", i), l.Title)
		set(fmt.Sprintf("landing.links.%d.url", i), l.URL)
	}
	set("sla.low", program.FormatDuration(sla.Low))
	set("sla.medium", program.FormatDuration(sla.Medium))
	set("sla.high", program.FormatDuration(sla.High))
	set("sla.critical", program.FormatDuration(sla.Critical))
}

// lines splits a one-per-line list, leaving out blank lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

var listIndex = regexp.MustCompile(`^([a-zA-Z.]+)\[(\d+)\](.*)$`)

// formErrors places the API's error paths on the editor's inputs: an
// entry of a one-per-line list names its line; a link row its input.
func formErrors(fields map[string]string) map[string]string {
	out := map[string]string{}
	for path, why := range fields {
		m := listIndex.FindStringSubmatch(path)
		if m == nil {
			out[path] = why
			continue
		}
		n, _ := strconv.Atoi(m[2])
		if m[1] == "landing.links" {
			out[fmt.Sprintf("landing.links.%d%s", n, m[3])] = why
			continue
		}
		out[m[1]] = fmt.Sprintf("line %d %s", n+1, why)
	}
	return out
}

// bandsText is price bands one per line: "upTo unitCents".
func bandsText(bands []program.Band) string {
	var b strings.Builder
	for _, x := range bands {
		fmt.Fprintf(&b, "%d %d\n", x.UpTo, x.UnitCents)
	}
	return b.String()
}

func bandsSummary(bands []program.Band) string {
	parts := make([]string, 0, len(bands))
	for _, x := range bands {
		parts = append(parts, fmt.Sprintf("up to %d: %s", x.UpTo, billing.Money(x.UnitCents)))
	}
	return strings.Join(parts, "; ")
}

// bandsFromText reads price bands, one "upTo unitCents" a line.
func bandsFromText(s string) ([]program.Band, error) {
	bands := []program.Band{}
	for i, l := range lines(s) {
		f := strings.Fields(l)
		if len(f) != 2 {
			return nil, apperr.InvalidField("priceBands", fmt.Sprintf("line %d must be two whole numbers: up to how many members, and the price in cents", i+1))
		}
		upTo, err1 := strconv.Atoi(f[0])
		unit, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, apperr.InvalidField("priceBands", fmt.Sprintf("line %d must be two whole numbers: up to how many members, and the price in cents", i+1))
		}
		bands = append(bands, program.Band{UpTo: upTo, UnitCents: unit})
	}
	return bands, nil
}

// programRow is one program of the host's list.
type programRow struct {
	ID, Name, Type, Payment, Access, LandingURL string
	Pending                                     int
}

// partnerRow is a program the member is a partner in.
type partnerRow struct {
	ID, Name, HostName, Status string
}

// programList is the programs a host runs, and those its member is a
// partner in.
type programList struct {
	Nav       nav
	Rows      []programRow
	Partnered []partnerRow
}

// linkRow is one helpful link of a landing page, as the editor shows it.
type linkRow struct{ Title, URL string }

// landingPreview is the co-branded landing page as partners will see it.
type landingPreview struct {
	Name, HostName, About, BannerURL, Contact, AddendumVersion string
	Links                                                      []linkRow
	// Terms are the price and response times the landing page states.
	Terms web.Terms
}

// programEditor creates or edits a program: every decision of the
// playbook, the operators' decisions read-only for hosts, and the preview
// of the landing page from the values in the form.
type programEditor struct {
	Nav nav
	// History is the program's timeline (an existing program).
	History []timelineEntry
	// ID is empty while the program is being created.
	ID, LandingURL string
	Version        int
	// Operator may change what the program costs and who pays.
	Operator bool
	formState
	Links []linkRow
	Bands []linkRow // Title: up to (members), URL: unit price in cents
	// Bands are shown as text for hosts.
	BandsText       string
	Preview         landingPreview
	Notice, Problem string
	// Previewing says the preview shows values that are not saved yet.
	Previewing bool
	// MailSubject and MailText are the sign-up mail as partners get it.
	MailSubject, MailText string
}

// Value is the form's value of a field.
func (p programEditor) Value(name string) string { return p.Values[name] }
