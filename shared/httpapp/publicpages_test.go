package httpapp_test

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"
)

// titleOf is the page's <title>.
func titleOf(r *httpapptest.Response) string {
	for n := range r.Doc().Descendants() {
		if n.Type == html.ElementNode && n.Data == "title" && n.FirstChild != nil {
			return n.FirstChild.Data
		}
	}
	return ""
}

// optionsOf are the options of select id as "value=label", the selected
// one marked with a star.
func optionsOf(r *httpapptest.Response, id string) []string {
	var out []string
	for n := range r.Doc().Descendants() {
		if n.Type != html.ElementNode || n.Data != "select" || attrOf(n, "id") != id {
			continue
		}
		for o := range n.Descendants() {
			if o.Type == html.ElementNode && o.Data == "option" {
				s := attrOf(o, "value") + "=" + strings.TrimSpace(textIn(o))
				for _, a := range o.Attr {
					if a.Key == "selected" {
						s += "*"
					}
				}
				out = append(out, s)
			}
		}
	}
	return out
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func selected(opts []string) string {
	for _, o := range opts {
		if strings.HasSuffix(o, "*") {
			return strings.TrimSuffix(o, "*")
		}
	}
	return ""
}

// The landing page and the sign-up form say what membership costs and
// the program's response times in words; the titles say the program's
// name once.
func TestPublicPagesStateThePriceAndResponseTimes(t *testing.T) {
	e := httpapptest.New(t)
	member := e.NewHost("Acme Storage", map[string]any{"sla": map[string]any{"low": "P1D", "medium": "PT4H", "high": "PT90M", "critical": "PT2H"}})
	hosted := e.NewHost("Beta Arrays", map[string]any{"payment": "host"})
	b := e.Browser()

	landing := b.Get("/p/"+member.Slug).Expect(200, "the member-paid landing page")
	text := landing.Text()
	for _, want := range []string{"USD 500.00 a year", "invoiced when you sign up", "critical 2 hours around the clock", "high 1 hour 30 minutes of business hours",
		"medium 4 business hours", "low 24 business hours"} {
		if !strings.Contains(text, want) {
			t.Errorf("the landing page lacks %q: %s", want, text)
		}
	}
	if got := titleOf(landing); got != "Acme Storage Partner Connect" {
		t.Errorf("the landing page's title is %q, want the program's name once", got)
	}
	if got := titleOf(b.Get("/p/"+member.Slug+"/marketplace").Expect(200, "the marketplace")); got != "Validated configurations · Acme Storage Partner Connect" {
		t.Errorf("the marketplace's title is %q", got)
	}
	hostedText := b.Get("/p/"+hosted.Slug).Expect(200, "the host-paid landing page").Text()
	if !strings.Contains(hostedText, "Free for partners") || !strings.Contains(hostedText, "paid by Beta Arrays.") || strings.Contains(hostedText, "USD") {
		t.Errorf("the host-paid landing page does not say it is free for partners: %s", hostedText)
	}

	form := b.Get(e.SignupLink(member, "owner@shop.example.de")).Expect(200, "the sign-up form")
	if text := form.Text(); !strings.Contains(text, "USD 500.00 a year") || !strings.Contains(text, "medium 4 business hours") {
		t.Errorf("the sign-up form does not state the price and response times: %s", text)
	}
	if got := titleOf(form); got != "Sign up · Acme Storage Partner Connect" {
		t.Errorf("the sign-up form's title is %q", got)
	}
	zones := optionsOf(form, "inbound-hours-timezone")
	if len(zones) < 400 || selected(zones) != "Europe/Berlin=Berlin" {
		t.Errorf("the time zone list has %d zones, %q chosen; want every zone, Berlin first for a .de address", len(zones), selected(zones))
	}
	if other := b.Get(e.SignupLink(member, "owner@shop.example")).Expect(200, "the sign-up form"); selected(optionsOf(other, "inbound-hours-timezone")) != "=Choose…" {
		t.Errorf("a .example address gets %q chosen, want none", selected(optionsOf(other, "inbound-hours-timezone")))
	}
	if got := titleOf(e.OperatorSignedIn().Get("/operator").Expect(200, "the operator's page")); got != "Operator · Tandem" {
		t.Errorf("a console page's title is %q", got)
	}
}

// fillSignup fills the sign-up form f as a person would.
func fillSignup(f *httpapptest.Form, domain string, set url.Values) url.Values {
	v := url.Values{
		"company.name": {"Shop & Co"}, "company.website": {"https://" + domain}, "company.country": {"DE"},
		"contacts.primary.name": {"Olga Owner"}, "contacts.primary.email": {"owner@" + domain}, "contacts.primary.phone": {"+49 30 1"},
		"inbound.email": {"support@" + domain}, "inbound.phone": {"+49 30 5555"}, "inbound.hours.timezone": {"Europe/Berlin"},
		"acceptAddendum.name": {"Olga Owner"}, "acceptAddendum.title": {"Owner"}, "acceptAddendum.accept": {"yes"},
	}
	for k, vs := range set {
		v[k] = vs
	}
	return v
}

// "Same as the primary contact": the form may leave a contact empty when
// it is ticked, the server copies the primary contact into it (what was
// typed under it is left out), and the primary's errors are shown once.
// The done page says what happens next in words, never a status.
func TestSignupSameAsPrimary(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Acme Storage", nil)
	b := e.Browser()
	domain := "shop.example"
	link := e.SignupLink(h, "owner@"+domain)
	page := b.Get(link).Expect(200, "the sign-up form")
	f := page.Form("/p/" + h.Slug + "/signup")
	for _, key := range []string{"support", "escalation", "billing"} {
		if !strings.Contains(strings.Join(f.Fields, " "), "contacts."+key+".sameAsPrimary") {
			t.Errorf("the %s contact has no 'same as the primary contact' box", key)
		}
	}
	if strings.Contains(strings.Join(f.Fields, " "), "contacts.primary.sameAsPrimary") {
		t.Error("the primary contact is offered to be the same as itself")
	}

	// The primary's email is wrong: one error, under the primary contact.
	again := b.Submit(f, fillSignup(f, domain, url.Values{
		"contacts.primary.email": {"not-an-address"}, "contacts.support.sameAsPrimary": {"yes"}, "contacts.escalation.sameAsPrimary": {"yes"},
		"contacts.billing.sameAsPrimary": {"yes"},
	})).Expect(200, "the form with the primary's email wrong")
	if n := len(withClass(again, "error")); n != 1 {
		t.Errorf("%d errors shown, want 1 (the primary's email): %s", n, again.Text())
	}
	if !strings.Contains(again.Text(), "Please check the highlighted field below.") {
		t.Errorf("the form does not count one error: %s", again.Text())
	}
	f = again.Form("/p/" + h.Slug + "/signup")
	if f.Values.Get("contacts.billing.sameAsPrimary") != "yes" {
		t.Error("the ticked box is not ticked when the form comes back")
	}

	// Fixed; support and billing the same as the primary, escalation its
	// own; what was typed under the ticked support contact is left out.
	done := b.Submit(f, fillSignup(f, domain, url.Values{
		"contacts.escalation.sameAsPrimary": nil, "contacts.escalation.name": {"Eve Escalation"}, "contacts.escalation.email": {"esc@" + domain},
		"contacts.support.name": {"Typed Before Ticking"}, "contacts.support.email": {"typo@"},
	})).Expect(201, "the sign-up")
	text := done.Text()
	for _, want := range []string{"What happens next", "Acme Storage reviews your sign-up", "support@shop.example",
		"USD 500.00 a year, is mailed to your billing contact, owner@shop.example", "When you go live, owner@shop.example is mailed"} {
		if !strings.Contains(text, want) {
			t.Errorf("the done page lacks %q: %s", want, text)
		}
	}
	for _, raw := range []string{"pending_approval", "pending approval", "validating"} {
		if strings.Contains(text, raw) {
			t.Errorf("the done page shows the status %q: %s", raw, text)
		}
	}
	items := e.Do("GET", "/v1/programs/"+h.ProgramID+"/enrollments", h.Admin.Token, nil).Expect(200, "enrollments").Items()
	var contacts map[string]any
	for _, it := range items {
		if m := it.(map[string]any); m["email"] == "owner@"+domain {
			contacts = m["contacts"].(map[string]any)
		}
	}
	if contacts == nil {
		t.Fatalf("the enrollment is not listed: %v", items)
	}
	for key, want := range map[string]string{"primary": "Olga Owner <owner@shop.example>", "support": "Olga Owner <owner@shop.example>",
		"billing": "Olga Owner <owner@shop.example>", "escalation": "Eve Escalation <esc@shop.example>"} {
		c := contacts[key].(map[string]any)
		if got := c["name"].(string) + " <" + c["email"].(string) + ">"; got != want {
			t.Errorf("contact %s: got %s, want %s", key, got, want)
		}
	}
}

// The program editor offers response times as lists in words, each
// posting the ISO duration the API stores; a program whose value is not
// in the list shows it and keeps it when saved unchanged.
func TestProgramEditorResponseTimeLists(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Acme Storage", map[string]any{"sla": map[string]any{"low": "P1D", "medium": "PT3H30M", "high": "PT2H", "critical": "PT1H"}})
	b := e.SignedIn(h.ID, h.Admin.UserID)
	page := b.Get("/programs/"+h.ProgramID).Expect(200, "the program editor")
	for id, want := range map[string]string{"sla-low": "P1D=24 business hours", "sla-medium": "PT3H30M=3 hours 30 minutes of business hours",
		"sla-high": "PT2H=2 business hours", "sla-critical": "PT1H=1 hour around the clock"} {
		if got := selected(optionsOf(page, id)); got != want {
			t.Errorf("%s: %q chosen, want %q (%v)", id, got, want, optionsOf(page, id))
		}
	}
	if preview := strings.Join(texts(page, "preview"), " "); !strings.Contains(preview, "USD 500.00 a year") || !strings.Contains(preview, "medium 3 hours 30 minutes of business hours") {
		t.Errorf("the landing preview does not state the price and response times: %s", preview)
	}
	f := page.Form("/programs/" + h.ProgramID)
	b.Submit(f, url.Values{"sla.high": {"PT4H"}}).Expect(303, "save with high at 4 hours")
	sla := e.Do("GET", "/v1/programs/"+h.ProgramID, h.Admin.Token, nil).Expect(200, "the program").JSON()["sla"].(map[string]any)
	for k, want := range map[string]string{"low": "P1D", "medium": "PT3H30M", "high": "PT4H", "critical": "PT1H"} {
		if sla[k] != want {
			t.Errorf("after saving, sla.%s is %v, want %s", k, sla[k], want)
		}
	}
	// A value typed outside the list (an old form, a script) is still
	// refused beside its field, and offered back as typed.
	page = b.Get("/programs/"+h.ProgramID).Expect(200, "the program editor")
	bad := b.Submit(page.Form("/programs/"+h.ProgramID), url.Values{"sla.low": {"two hours"}}).Expect(422, "a bad response time")
	if got := selected(optionsOf(bad, "sla-low")); got != "two hours=two hours (not a duration)" || len(withClass(bad, "error")) != 1 {
		t.Errorf("the bad response time comes back as %q with %d errors", got, len(withClass(bad, "error")))
	}
}

// The host's queue card shows the partner's support process its
// validation tests: where the test case goes and how it works.
func TestQueueCardShowsTheSupportProcess(t *testing.T) {
	e := httpapptest.New(t)
	h := e.NewHost("Acme Storage", nil)
	p := e.SignUp(h, "Hyper Visor")
	b := e.SignedIn(h.ID, h.Admin.UserID)
	card := strings.Join(texts(b.Get("/programs/"+h.ProgramID+"/enrollments").Expect(200, "the queue"), "process"), " ")
	for _, want := range []string{"Support process", "Approving sends the test case here.", "support@hypervisor.example (not confirmed yet", "+49 30 999",
		"Mon, Tue, Wed, Thu, Fri 08:00–18:00 (Europe/Berlin)", "Quote the customer's serial number."} {
		if !strings.Contains(card, want) {
			t.Errorf("the pending card's process lacks %q: %s", want, card)
		}
	}
	e.Approve(h, p)
	card = strings.Join(texts(b.Get("/programs/"+h.ProgramID+"/enrollments?status=validating").Expect(200, "the queue"), "process"), " ")
	if !strings.Contains(card, "The test case went here.") || !strings.Contains(card, "support@hypervisor.example") {
		t.Errorf("the validating card's process: %s", card)
	}
}
