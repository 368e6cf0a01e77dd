package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/registration"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/web"
)

// landing serves GET /p/{slug}: the co-branded landing page.
func (s *Server) landing(ctx context.Context, r *router.Request) (*router.Response, error) {
	prg, err := s.Registration.Program(ctx, r.Param("slug"))
	if err != nil {
		return nil, err
	}
	return router.Page(http.StatusOK, web.LandingPage(prg, "", "")), nil
}

// registerForm serves POST /p/{slug}: the landing page's form without JavaScript.
func (s *Server) registerForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	prg, err := s.Registration.Program(ctx, r.Param("slug"))
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(r.Body))
	if err != nil {
		return nil, apperr.Malformed("the form could not be read")
	}
	email := strings.TrimSpace(form.Get("email"))
	if err := s.Registration.Register(ctx, prg.Slug, email, r.SourceIP); err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) && ae.Kind == apperr.ErrInvalid {
			// Shown again with the error next to the input: a normal page
			// for the browser, not a failed load.
			return router.Page(http.StatusOK, web.LandingPage(prg, email, "Enter an email address like name@company.com.")), nil
		}
		return nil, err
	}
	return router.Page(http.StatusAccepted, web.CheckEmailPage(prg, email)), nil
}

// signupPage serves GET /p/{slug}/signup?token=…
func (s *Server) signupPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	prg, err := s.Registration.Program(ctx, r.Param("slug"))
	if err != nil {
		return nil, err
	}
	plain := r.Query.Get("token")
	tok, state, err := s.Registration.CheckToken(ctx, prg, plain)
	if err != nil {
		return nil, err
	}
	if state != registration.TokenValid {
		return tokenProblem(prg, state, tok.Email), nil
	}
	v := url.Values{}
	v.Set("inbound.hours.timezone", guessZone(tok.Email))
	v.Set("inbound.hoursMode", "business")
	v.Set("inbound.hours.start", "08:00")
	v.Set("inbound.hours.end", "18:00")
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		v.Add("inbound.hours.days", d)
	}
	return router.Page(http.StatusOK, web.SignupPage(newSignupForm(prg, plain, tok.Email, v, nil))), nil
}

func tokenProblem(prg program.Program, state registration.TokenState, email string) *router.Response {
	heading, msg, status := "This link does not work", "The sign-up link is not valid. Request a new one below.", http.StatusNotFound
	switch state {
	case registration.TokenExpired:
		heading, msg, status = "This link has expired", "Sign-up links work for 24 hours. Request a new one below.", http.StatusGone
	case registration.TokenUsed:
		heading, msg, status = "This link was already used", "Each sign-up link works once, and this one completed a sign-up. If that was not you, or you want to sign up again, request a new link.", http.StatusConflict
	}
	return router.Page(status, web.TokenProblemPage(prg, heading, msg, email))
}

// signupForm serves POST /p/{slug}/signup: the sign-up without JavaScript.
func (s *Server) signupForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	prg, err := s.Registration.Program(ctx, r.Param("slug"))
	if err != nil {
		return nil, err
	}
	v, err := url.ParseQuery(string(r.Body))
	if err != nil {
		return nil, apperr.Malformed("the form could not be read")
	}
	in := signupFromForm(v)
	tok, state, err := s.Registration.CheckToken(ctx, prg, in.Token)
	if err != nil {
		return nil, err
	}
	if state != registration.TokenValid {
		return tokenProblem(prg, state, tok.Email), nil
	}
	// The form comes back with each problem next to its input: a normal
	// page (200) for the browser, not a failed load.
	again := func(fields map[string]string) *router.Response {
		return router.Page(http.StatusOK, web.SignupPage(newSignupForm(prg, in.Token, tok.Email, v, fields)))
	}
	if v.Get("acceptAddendum.accept") != "yes" {
		fields := map[string]string{"acceptAddendum.accept": "accept the addendum to join the program"}
		if _, err := in.Check(ctx, s.CheckWebhookURL); err != nil {
			var ae *apperr.Error
			if errors.As(err, &ae) {
				for k, m := range ae.Fields {
					fields[k] = m
				}
			}
		}
		return again(fields), nil
	}
	res, err := s.Registration.SignUp(ctx, in, s.CheckWebhookURL, r.Claim)
	if err != nil {
		f, ok := refused(err)
		if !ok {
			return nil, err
		}
		if f.Conflict() {
			if f.Fields == nil {
				f.Fields = map[string]string{}
			}
			f.Fields["form"] = f.Message
		}
		return again(f.Fields), nil
	}
	return router.Page(http.StatusCreated, web.SignupDonePage(web.SignupDone{
		Program: prg, Company: in.Company.Name, EnrollmentID: res.EnrollmentID, Status: string(res.Status),
		Email: tok.Email, Primary: in.Contacts.Primary.Email, Billing: in.Contacts.Billing.Email, Inbound: in.Inbound.Email,
	})), nil
}

// guessZone is the sign-up form's first time zone: the one of the country
// of email's domain when its ending names a country with one main zone
// (shop.example.de: Europe/Berlin), else none, so the person chooses. The
// browser's zone would need JavaScript, and the form works without it.
func guessZone(email string) string {
	_, domain, _ := strings.Cut(email, "@")
	tld := domain[strings.LastIndex(domain, ".")+1:]
	switch strings.ToLower(tld) {
	case "uk":
		tld = "GB"
	case "eu", "com", "org", "net", "io", "co", "ai", "app", "dev", "tv", "me":
		return "" // not a country, or sold to anyone
	}
	if len(tld) != 2 {
		return ""
	}
	return hours.CountryZone(tld)
}

// sameAsPrimary reports whether the form asks for contact key to be the
// primary contact.
func sameAsPrimary(v url.Values, key string) bool {
	return key != "primary" && v.Get("contacts."+key+".sameAsPrimary") == "yes"
}

func signupFromForm(v url.Values) registration.SignupInput {
	in := registration.SignupInput{Token: v.Get("token")}
	in.Company.Name, in.Company.Website, in.Company.Country = v.Get("company.name"), v.Get("company.website"), v.Get("company.country")
	for key, c := range map[string]*member.Contact{"primary": &in.Contacts.Primary, "support": &in.Contacts.Support,
		"escalation": &in.Contacts.Escalation, "billing": &in.Contacts.Billing} {
		from := key
		if sameAsPrimary(v, key) {
			from = "primary" // the same person: what was typed under it is left out
		}
		c.Name, c.Email, c.Phone = v.Get("contacts."+from+".name"), v.Get("contacts."+from+".email"), v.Get("contacts."+from+".phone")
	}
	in.Inbound.Email, in.Inbound.Phone, in.Inbound.WebhookURL = v.Get("inbound.email"), v.Get("inbound.phone"), v.Get("inbound.webhookUrl")
	in.Inbound.Instructions = v.Get("inbound.instructions")
	if v.Get("inbound.hoursMode") == "24x7" {
		in.Inbound.Hours = hours.AlwaysOpen
	} else {
		in.Inbound.Hours = hours.Hours{Zone: v.Get("inbound.hours.timezone"), Days: v["inbound.hours.days"],
			Start: v.Get("inbound.hours.start"), End: v.Get("inbound.hours.end")}
	}
	in.AcceptAddendum.Version, in.AcceptAddendum.Name, in.AcceptAddendum.Title = v.Get("acceptAddendum.version"), v.Get("acceptAddendum.name"), v.Get("acceptAddendum.title")
	return in
}

// commonZones are the zones the console's lists of times offer (a
// viewer's zone, a department's); the sign-up offers every zone
// (hours.Zones).
var commonZones = []string{
	"UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Amsterdam", "Europe/Madrid",
	"Europe/Rome", "Europe/Zurich", "Europe/Vienna", "Europe/Stockholm", "Europe/Warsaw", "Europe/Prague", "Europe/Helsinki",
	"Europe/Athens", "Europe/Istanbul", "Europe/Moscow", "Africa/Johannesburg", "Africa/Lagos", "Africa/Cairo", "Asia/Dubai",
	"Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Tokyo", "Asia/Seoul", "Australia/Sydney",
	"Australia/Melbourne", "Pacific/Auckland", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
	"America/Phoenix", "America/Toronto", "America/Vancouver", "America/Mexico_City", "America/Sao_Paulo", "America/Buenos_Aires",
}

// errorFor finds the message for a form input: its own path, or a deeper
// one (e.g. inbound.hours.days[0] for the days).
func errorFor(errs map[string]string, name string) string {
	if m, ok := errs[name]; ok {
		return m
	}
	for k, m := range errs {
		if strings.HasPrefix(k, name+"[") || strings.HasPrefix(k, name+".") {
			return m
		}
	}
	return ""
}

func newSignupForm(prg program.Program, token, email string, v url.Values, all map[string]string) web.SignupForm {
	errs := map[string]string{}
	for k, m := range all {
		key, _, _ := strings.Cut(strings.TrimPrefix(k, "contacts."), ".")
		if strings.HasPrefix(k, "contacts.") && sameAsPrimary(v, key) {
			continue // the primary contact's, shown under it
		}
		errs[k] = m
	}
	f := web.SignupForm{
		Program: prg, Token: token, Email: email, Fields: map[string]web.Field{}, ErrorCount: len(errs), FormError: errs["form"],
		Always: v.Get("inbound.hoursMode") == "24x7", HoursError: errs["inbound.hours"], Zones: hours.Zones(),
		DaysError: errorFor(errs, "inbound.hours.days"), Instructions: v.Get("inbound.instructions"),
		Accepted: v.Get("acceptAddendum.accept") == "yes", AcceptError: errs["acceptAddendum.accept"], VersionError: errs["acceptAddendum.version"],
	}
	if f.FormError != "" {
		f.ErrorCount--
	}
	field := func(name, label, typ, auto, hint string) web.Field {
		return web.Field{
			ID: strings.ReplaceAll(name, ".", "-"), Name: name, Label: label, Type: typ, Auto: auto, Hint: hint,
			Value: v.Get(name), Error: errorFor(errs, name), Required: !strings.HasPrefix(hint, "optional"),
		}
	}
	for _, d := range []struct{ name, label, typ, auto, hint string }{
		{"company.name", "Company name", "text", "organization", ""},
		{"company.website", "Website", "url", "url", "like https://example.com"},
		{"inbound.email", "Support email", "email", "email", ""},
		{"inbound.phone", "Support phone", "tel", "tel", ""},
		{"inbound.webhookUrl", "Webhook URL", "url", "", "optional; https only"},
		{"inbound.hours.start", "Opens at", "time", "", ""},
		{"inbound.hours.end", "Closes at", "time", "", "before the opening time: runs past midnight"},
		{"acceptAddendum.name", "Your name", "text", "name", ""},
		{"acceptAddendum.title", "Your title", "text", "organization-title", ""},
	} {
		f.Fields[strings.ReplaceAll(d.name, ".", "_")] = field(d.name, d.label, d.typ, d.auto, d.hint)
	}
	f.Zone = field("inbound.hours.timezone", "Time zone", "text", "", "")
	f.Country.Error = errorFor(errs, "company.country")
	for _, c := range registration.Countries() {
		f.Country.Options = append(f.Country.Options, web.CountryOption{Code: c.Code, Name: c.Name, Selected: c.Code == v.Get("company.country")})
	}
	for _, r := range []struct{ key, title, hint string }{
		{"primary", "Primary contact", "Runs the partnership on your side; is mailed how to start when you go live."},
		{"support", "Support contact", "Leads the support team that takes cases in."},
		{"escalation", "Escalation contact", "Is told when a case sent to you is not answered in time."},
		{"billing", "Billing contact", "Receives invoices."},
	} {
		p := "contacts." + r.key
		role := web.ContactRole{Key: r.key, Title: r.title, Hint: r.hint, SameAsPrimary: sameAsPrimary(v, r.key),
			Name:  field(p+".name", "Name", "text", "name", ""),
			Email: field(p+".email", "Email", "email", "email", ""),
			Phone: field(p+".phone", "Phone", "tel", "tel", "optional"),
		}
		if role.SameAsPrimary {
			// The primary contact's errors are shown under it, once.
			role.Name.Required, role.Email.Required = false, false
			role.Name.Error, role.Email.Error, role.Phone.Error = "", "", ""
			role.Name.Hint, role.Email.Hint = "optional: the primary contact's is used", "optional: the primary contact's is used"
		}
		f.ContactRoles = append(f.ContactRoles, role)
	}
	for _, d := range []struct{ key, name string }{{"mon", "Monday"}, {"tue", "Tuesday"}, {"wed", "Wednesday"}, {"thu", "Thursday"},
		{"fri", "Friday"}, {"sat", "Saturday"}, {"sun", "Sunday"}} {
		f.Days = append(f.Days, web.DayOption{Key: d.key, Name: d.name, On: slices.Contains(v["inbound.hours.days"], d.key)})
	}
	return f
}
