package program

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/input"
	"github.com/tandemhq/tandem/shared/member"
)

// SLAInput is the SLA as ISO 8601 durations; omitted ones take the defaults.
type SLAInput struct {
	Low      string `json:"low,omitempty"`
	Medium   string `json:"medium,omitempty"`
	High     string `json:"high,omitempty"`
	Critical string `json:"critical,omitempty"`
}

// Input is every decision of a program, as the API takes it.
type Input struct {
	Slug           string         `json:"slug"`
	Name           string         `json:"name"`
	HostMemberID   string         `json:"hostMemberId"`
	Type           Type           `json:"type"`
	Payment        Payment        `json:"payment"`
	PrimaryContact member.Contact `json:"primaryContact"`
	NotifyEmails   []string       `json:"notifyEmails,omitempty"`
	SLA            *SLAInput      `json:"sla,omitempty"`
	Access         string         `json:"access,omitempty"`
	Sender         string         `json:"sender,omitempty"`
	SenderEmail    string         `json:"senderEmail,omitempty"`
	Addendum       Addendum       `json:"addendum"`
	Landing        Landing        `json:"landing"`
	PreApproved    []string       `json:"preApproved,omitempty"`
	PriceBands     []Band         `json:"priceBands,omitempty"`
	StartDate      string         `json:"startDate,omitempty"`
	Form           *form.Form     `json:"form,omitempty"`
	SignupMail     SignupMail     `json:"signupMail,omitempty"`
}

// Patch changes some decisions of a program; absent fields stay. The slug
// and the host cannot change (links and bills depend on them).
type Patch struct {
	Slug           *string         `json:"slug,omitempty"`
	HostMemberID   *string         `json:"hostMemberId,omitempty"`
	Name           *string         `json:"name,omitempty"`
	Type           *Type           `json:"type,omitempty"`
	Payment        *Payment        `json:"payment,omitempty"`
	PrimaryContact *member.Contact `json:"primaryContact,omitempty"`
	NotifyEmails   *[]string       `json:"notifyEmails,omitempty"`
	SLA            *SLAInput       `json:"sla,omitempty"`
	Access         *string         `json:"access,omitempty"`
	Sender         *string         `json:"sender,omitempty"`
	SenderEmail    *string         `json:"senderEmail,omitempty"`
	Addendum       *Addendum       `json:"addendum,omitempty"`
	Landing        *Landing        `json:"landing,omitempty"`
	PreApproved    *[]string       `json:"preApproved,omitempty"`
	PriceBands     *[]Band         `json:"priceBands,omitempty"`
	StartDate      *string         `json:"startDate,omitempty"`
	Form           *form.Form      `json:"form,omitempty"`
	SignupMail     *SignupMail     `json:"signupMail,omitempty"`
	// Version, when given, must be the program's current version.
	Version *int `json:"version,omitempty"`
}

// check validates the input into a program (without ids and times).
func (in Input) check(now time.Time) (Program, error) {
	f := apperr.Fields{}
	p := Program{
		Slug:         strings.TrimSpace(in.Slug),
		Name:         input.Text(f, "name", in.Name, 120),
		HostMemberID: strings.TrimSpace(in.HostMemberID),
		Type:         Type(input.OneOf(f, "type", string(in.Type), typeNames()...)),
		Payment:      Payment(input.OneOf(f, "payment", string(in.Payment), string(MemberPaid), string(HostPaid))),
	}
	if !input.ValidSlug(p.Slug) {
		f.Add("slug", "must be 3–63 lower-case letters, digits and hyphens, not starting or ending with a hyphen")
	}
	if p.HostMemberID == "" {
		f.Add("hostMemberId", "is required")
	}
	p.PrimaryContact = in.PrimaryContact.Check(f, "primaryContact")
	p.NotifyEmails = emails(f, "notifyEmails", in.NotifyEmails)
	if len(p.NotifyEmails) == 0 && p.PrimaryContact.Email != "" {
		p.NotifyEmails = []string{p.PrimaryContact.Email}
	}
	p.SLA = checkSLA(f, in.SLA)
	if p.Type == CriticalEscalation && p.SLA.Critical != CriticalEscalationSLA {
		f.Add("sla.critical", "must be PT2H in a critical escalation program: its departments answer within two hours, around the clock")
	}
	p.Access = defaulted(in.Access, Open)
	input.OneOf(f, "access", p.Access, Open, Restricted)
	p.Sender = defaulted(in.Sender, SenderPlatform)
	input.OneOf(f, "sender", p.Sender, SenderHost, SenderPlatform)
	if p.Sender == SenderHost {
		p.SenderEmail = input.Email(f, "senderEmail", in.SenderEmail)
	} else if in.SenderEmail != "" {
		p.SenderEmail = input.Email(f, "senderEmail", in.SenderEmail)
	}
	p.Addendum = Addendum{
		Version: input.Text(f, "addendum.version", in.Addendum.Version, 40),
		Text:    input.Text(f, "addendum.text", in.Addendum.Text, 100000),
	}
	p.Landing = Landing{
		BannerURL: input.OptionalURL(f, "landing.bannerUrl", in.Landing.BannerURL, true),
		About:     input.OptionalText(f, "landing.about", in.Landing.About, 5000),
	}
	if len(in.Landing.Links) > 20 {
		f.Add("landing.links", "must have at most 20 links")
	}
	for i, l := range in.Landing.Links {
		path := fmt.Sprintf("landing.links[%d]", i)
		p.Landing.Links = append(p.Landing.Links, Link{
			Title: input.Text(f, path+".title", l.Title, 120),
			URL:   input.URL(f, path+".url", l.URL, false),
		})
	}
	for i, a := range in.PreApproved {
		a = strings.ToLower(strings.TrimSpace(a))
		if !(input.ValidEmail(a) || input.ValidDomain(a)) {
			f.Add(fmt.Sprintf("preApproved[%d]", i), "must be an email address or a domain")
		}
		p.PreApproved = append(p.PreApproved, a)
	}
	if len(p.PreApproved) > 1000 {
		f.Add("preApproved", "must have at most 1000 entries")
	}
	p.PriceBands = checkBands(f, p.Payment, in.PriceBands)
	p.StartDate = strings.TrimSpace(in.StartDate)
	if p.StartDate == "" {
		p.StartDate = now.UTC().Format("2006-01-02")
	} else if _, err := time.Parse("2006-01-02", p.StartDate); err != nil {
		f.Add("startDate", "must be a date like 2026-01-15")
	}
	p.SignupMail = checkSignupMail(f, in.SignupMail)
	p.Form = form.Default()
	if in.Form != nil {
		p.Form = in.Form.Check(f, "form")
	}
	checkStoredSize(f, p)
	return p, f.Err()
}

var placeholderRE = regexp.MustCompile(`\{[^{}]*\}`)

// checkSignupMail: a one-line subject, a paragraph, only known placeholders.
func checkSignupMail(f apperr.Fields, in SignupMail) SignupMail {
	out := SignupMail{
		Subject: input.OptionalText(f, "signupMail.subject", in.Subject, 200),
		Intro:   input.OptionalText(f, "signupMail.intro", in.Intro, 5000),
	}
	if strings.ContainsAny(out.Subject, "\r\n") {
		f.Add("signupMail.subject", "must be one line")
	}
	for _, part := range []struct{ path, text string }{{"signupMail.subject", out.Subject}, {"signupMail.intro", out.Intro}} {
		for _, ph := range placeholderRE.FindAllString(part.text, -1) {
			if !slices.Contains(SignupPlaceholders, ph) {
				f.Add(part.path, fmt.Sprintf("uses %s; the placeholders are %s", ph, strings.Join(SignupPlaceholders, ", ")))
				break
			}
		}
	}
	return out
}

// MaxTextBytes bounds what a program's long texts and lists take together,
// so the stored program stays well inside DynamoDB's 400 KB per item.
const MaxTextBytes = 300 * 1024

// checkStoredSize refuses a program whose texts and lists together are too
// large to store, naming the largest of them: one PATCH may fill the
// addendum and the next the pre-approved list.
func checkStoredSize(f apperr.Fields, p Program) {
	sizes := map[string]int{"addendum.text": len(p.Addendum.Text), "landing.about": len(p.Landing.About)}
	for _, a := range p.PreApproved {
		sizes["preApproved"] += len(a) + 3
	}
	for _, l := range p.Landing.Links {
		sizes["landing.links"] += len(l.Title) + len(l.URL) + 20
	}
	for _, fl := range p.Form.Fields {
		sizes["form"] += len(fl.Name) + len(fl.Label) + len(fl.Pattern) + 80
		for _, o := range fl.Options {
			sizes["form"] += len(o) + 3
		}
	}
	total, largest := 0, ""
	for k, n := range sizes {
		total += n
		if largest == "" || n > sizes[largest] || (n == sizes[largest] && k < largest) {
			largest = k
		}
	}
	if total > MaxTextBytes {
		f.Add(largest, fmt.Sprintf("is too long: the program's texts and lists together take %d KB, at most %d KB are kept; shorten this one (%d KB)",
			total/1024, MaxTextBytes/1024, sizes[largest]/1024))
	}
}

func typeNames() []string {
	out := make([]string, len(Types))
	for i, t := range Types {
		out[i] = string(t)
	}
	return out
}

func defaulted(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return strings.TrimSpace(v)
}

func emails(f apperr.Fields, path string, in []string) []string {
	if len(in) > 20 {
		f.Add(path, "must have at most 20 addresses")
	}
	var out []string
	for i, e := range in {
		out = append(out, input.Email(f, fmt.Sprintf("%s[%d]", path, i), e))
	}
	return out
}

// CriticalEscalationSLA is the response time of critical escalation programs.
const CriticalEscalationSLA = 2 * time.Hour

// MaxSLA bounds a response time.
const MaxSLA = 30 * 24 * time.Hour

func checkSLA(f apperr.Fields, in *SLAInput) SLA {
	s := DefaultSLA
	if in == nil {
		return s
	}
	set := func(name, v string, dst *time.Duration) {
		if v == "" {
			return
		}
		d, err := ParseDuration(v)
		switch {
		case err != nil:
			f.Add("sla."+name, "must be an ISO 8601 duration like PT4H")
		case d < time.Minute || d > MaxSLA:
			f.Add("sla."+name, "must be from PT1M to P30D")
		default:
			*dst = d
		}
	}
	set("low", in.Low, &s.Low)
	set("medium", in.Medium, &s.Medium)
	set("high", in.High, &s.High)
	set("critical", in.Critical, &s.Critical)
	return s
}

func checkBands(f apperr.Fields, pay Payment, in []Band) []Band {
	if len(in) == 0 {
		if pay == HostPaid {
			return append([]Band(nil), DefaultBands...)
		}
		return nil
	}
	if pay != HostPaid {
		f.Add("priceBands", "apply only to host-paid programs (payment: host)")
		return nil
	}
	if len(in) > 20 {
		f.Add("priceBands", "must have at most 20 bands")
	}
	prev := 0
	for i, b := range in {
		if b.UpTo <= prev {
			f.Add(fmt.Sprintf("priceBands[%d].upTo", i), "must be greater than the previous band's upTo")
		}
		if b.UnitCents < 0 || b.UnitCents > 100_000_000 {
			f.Add(fmt.Sprintf("priceBands[%d].unitCents", i), "must be from 0 to 100000000 cents")
		}
		prev = b.UpTo
	}
	return in
}

// toInput turns a program back into its input, for patching.
func (p Program) toInput() Input {
	sla := SLAInput{Low: FormatDuration(p.SLA.Low), Medium: FormatDuration(p.SLA.Medium), High: FormatDuration(p.SLA.High), Critical: FormatDuration(p.SLA.Critical)}
	f := p.Form
	return Input{
		Slug: p.Slug, Name: p.Name, HostMemberID: p.HostMemberID, Type: p.Type, Payment: p.Payment,
		PrimaryContact: p.PrimaryContact, NotifyEmails: p.NotifyEmails, SLA: &sla, Access: p.Access,
		Sender: p.Sender, SenderEmail: p.SenderEmail, Addendum: p.Addendum, Landing: p.Landing,
		PreApproved: p.PreApproved, PriceBands: p.PriceBands, StartDate: p.StartDate, Form: &f, SignupMail: p.SignupMail,
	}
}

// apply returns in with the patch's fields replaced.
func (pt Patch) apply(in Input) (Input, error) {
	f := apperr.Fields{}
	if pt.Slug != nil && *pt.Slug != in.Slug {
		f.Add("slug", "cannot be changed: links in mail and on sites use it")
	}
	if pt.HostMemberID != nil && *pt.HostMemberID != in.HostMemberID {
		f.Add("hostMemberId", "cannot be changed")
	}
	if err := f.Err(); err != nil {
		return in, err
	}
	if pt.Name != nil {
		in.Name = *pt.Name
	}
	if pt.Type != nil {
		in.Type = *pt.Type
	}
	if pt.Payment != nil {
		if *pt.Payment != in.Payment {
			in.PriceBands = nil
		}
		in.Payment = *pt.Payment
	}
	if pt.PrimaryContact != nil {
		in.PrimaryContact = *pt.PrimaryContact
	}
	if pt.NotifyEmails != nil {
		in.NotifyEmails = *pt.NotifyEmails
	}
	if pt.SLA != nil {
		merged := *in.SLA
		for _, kv := range []struct{ src, dst *string }{{&pt.SLA.Low, &merged.Low}, {&pt.SLA.Medium, &merged.Medium}, {&pt.SLA.High, &merged.High}, {&pt.SLA.Critical, &merged.Critical}} {
			if *kv.src != "" {
				*kv.dst = *kv.src
			}
		}
		in.SLA = &merged
	}
	if pt.Access != nil {
		in.Access = *pt.Access
	}
	if pt.Sender != nil {
		in.Sender = *pt.Sender
	}
	if pt.SenderEmail != nil {
		in.SenderEmail = *pt.SenderEmail
	}
	if pt.Addendum != nil {
		in.Addendum = *pt.Addendum
	}
	if pt.Landing != nil {
		in.Landing = *pt.Landing
	}
	if pt.PreApproved != nil {
		in.PreApproved = *pt.PreApproved
	}
	if pt.PriceBands != nil {
		in.PriceBands = *pt.PriceBands
	}
	if pt.StartDate != nil {
		in.StartDate = *pt.StartDate
	}
	if pt.Form != nil {
		in.Form = pt.Form
	}
	if pt.SignupMail != nil {
		in.SignupMail = *pt.SignupMail
	}
	return in, nil
}
