package program

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/member"
)

// This file is inside the package: the input's check is the rule, and it
// needs no store.

var inputNow = time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)

func validInput() Input {
	return Input{
		Slug: "acme-connect", Name: "Acme Connect", HostMemberID: "mem_01J0000000000000000000ACME",
		Type: PartnerProgram, Payment: MemberPaid,
		PrimaryContact: member.Contact{Name: "Ann", Email: "ann@acme.example"},
		Addendum:       Addendum{Version: "1", Text: "Be nice."},
	}
}

func namesField(err error, field string) bool {
	var ae *apperr.Error
	return errors.As(err, &ae) && errors.Is(err, apperr.ErrInvalid) && ae.Fields[field] != ""
}

// Every decision a program's input is refused for, each naming its field.
func TestProgramInputRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Input)
		field string
	}{
		{"no slug", func(in *Input) { in.Slug = "" }, "slug"},
		{"slug too short", func(in *Input) { in.Slug = "ac" }, "slug"},
		{"slug in upper case", func(in *Input) { in.Slug = "Acme" }, "slug"},
		{"slug starting with a hyphen", func(in *Input) { in.Slug = "-acme" }, "slug"},
		{"slug ending with a hyphen", func(in *Input) { in.Slug = "acme-" }, "slug"},
		{"slug over 63 characters", func(in *Input) { in.Slug = strings.Repeat("a", 64) }, "slug"},
		{"no name", func(in *Input) { in.Name = " " }, "name"},
		{"name over 120 characters", func(in *Input) { in.Name = strings.Repeat("n", 121) }, "name"},
		{"no host", func(in *Input) { in.HostMemberID = "" }, "hostMemberId"},
		{"unknown type", func(in *Input) { in.Type = "reseller" }, "type"},
		{"no type", func(in *Input) { in.Type = "" }, "type"},
		{"unknown payment", func(in *Input) { in.Payment = "free" }, "payment"},
		{"no primary contact address", func(in *Input) { in.PrimaryContact.Email = "" }, "primaryContact.email"},
		{"a bad notify address", func(in *Input) { in.NotifyEmails = []string{"ok@acme.example", "nope"} }, "notifyEmails[1]"},
		{"more than 20 notify addresses", func(in *Input) {
			for range 21 {
				in.NotifyEmails = append(in.NotifyEmails, "n@acme.example")
			}
		}, "notifyEmails"},
		{"an SLA that is no ISO duration", func(in *Input) { in.SLA = &SLAInput{High: "2h"} }, "sla.high"},
		{"an SLA under a minute", func(in *Input) { in.SLA = &SLAInput{Low: "PT30S"} }, "sla.low"},
		{"an SLA over 30 days", func(in *Input) { in.SLA = &SLAInput{Medium: "P31D"} }, "sla.medium"},
		{"critical escalation answers in two hours", func(in *Input) { in.Type = CriticalEscalation; in.SLA = &SLAInput{Critical: "PT4H"} }, "sla.critical"},
		{"unknown access", func(in *Input) { in.Access = "secret" }, "access"},
		{"unknown sender", func(in *Input) { in.Sender = "partner" }, "sender"},
		{"sending as the host needs its address", func(in *Input) { in.Sender = SenderHost }, "senderEmail"},
		{"a bad sender address", func(in *Input) { in.SenderEmail = "acme" }, "senderEmail"},
		{"no addendum version", func(in *Input) { in.Addendum.Version = "" }, "addendum.version"},
		{"no addendum text", func(in *Input) { in.Addendum.Text = "" }, "addendum.text"},
		{"a banner over http", func(in *Input) { in.Landing.BannerURL = "http://acme.example/b.png" }, "landing.bannerUrl"},
		{"more than 20 links", func(in *Input) { in.Landing.Links = make([]Link, 21) }, "landing.links"},
		{"a link without a title", func(in *Input) { in.Landing.Links = []Link{{URL: "https://acme.example"}} }, "landing.links[0].title"},
		{"a link that is no URL", func(in *Input) { in.Landing.Links = []Link{{Title: "Docs", URL: "docs"}} }, "landing.links[0].url"},
		{"pre-approved that is neither address nor domain", func(in *Input) { in.PreApproved = []string{"initech.example", "not a domain"} }, "preApproved[1]"},
		{"prices in a member-paid program", func(in *Input) { in.PriceBands = []Band{{UpTo: 10, UnitCents: 100}} }, "priceBands"},
		{"price bands not rising", func(in *Input) {
			in.Payment = HostPaid
			in.PriceBands = []Band{{UpTo: 10, UnitCents: 100}, {UpTo: 10, UnitCents: 50}}
		}, "priceBands[1].upTo"},
		{"a negative price", func(in *Input) { in.Payment = HostPaid; in.PriceBands = []Band{{UpTo: 10, UnitCents: -1}} }, "priceBands[0].unitCents"},
		{"a start date that is no date", func(in *Input) { in.StartDate = "15.04.2026" }, "startDate"},
		{"a sign-up subject over two lines", func(in *Input) { in.SignupMail.Subject = "Welcome\nto {programName}" }, "signupMail.subject"},
		{"an unknown placeholder", func(in *Input) { in.SignupMail.Intro = "Dear {firstName}," }, "signupMail.intro"},
		{"a bad form", func(in *Input) {
			in.Form = &form.Form{Fields: []form.Field{{Name: "1st", Label: "First", Type: form.Text}}}
		}, "form.fields[0].name"},
		{"texts too large to store, naming the largest", func(in *Input) {
			in.Addendum.Text = strings.Repeat("a", 90000)
			for range 1000 {
				in.PreApproved = append(in.PreApproved, strings.Repeat("x", 240)+".example")
			}
		}, "preApproved"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := validInput()
			tc.edit(&in)
			if _, err := in.check(inputNow); !namesField(err, tc.field) {
				t.Fatalf("got %v, want a 422 naming %s", err, tc.field)
			}
		})
	}
}

// What an accepted program's omitted decisions default to: the standard
// SLA, open access, the platform sender, the primary contact notified,
// today's start date, the default form; host-paid programs the standard
// prices.
func TestProgramInputDefaults(t *testing.T) {
	p, err := validInput().check(inputNow)
	if err != nil {
		t.Fatal(err)
	}
	if p.SLA != DefaultSLA || p.Access != Open || p.Sender != SenderPlatform || p.StartDate != "2026-04-15" {
		t.Errorf("sla %v access %s sender %s start %s", p.SLA, p.Access, p.Sender, p.StartDate)
	}
	if !reflect.DeepEqual(p.NotifyEmails, []string{"ann@acme.example"}) {
		t.Errorf("notified %v, want the primary contact", p.NotifyEmails)
	}
	if !reflect.DeepEqual(p.Form, form.Default()) || p.PriceBands != nil {
		t.Errorf("form %v bands %v", p.Form, p.PriceBands)
	}
	in := validInput()
	in.Payment, in.SLA = HostPaid, &SLAInput{High: "PT1H"}
	in.PreApproved = []string{" Initech.Example ", "Bob@Initech.example"}
	p, err = in.check(inputNow)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.PriceBands, DefaultBands) {
		t.Errorf("host-paid bands %v, want the default", p.PriceBands)
	}
	if want := (SLA{Low: DefaultSLA.Low, Medium: DefaultSLA.Medium, High: time.Hour, Critical: DefaultSLA.Critical}); p.SLA != want {
		t.Errorf("sla %v, want only high changed: %v", p.SLA, want)
	}
	if !reflect.DeepEqual(p.PreApproved, []string{"initech.example", "bob@initech.example"}) {
		t.Errorf("pre-approved %q, want trimmed lower case", p.PreApproved)
	}
	in = validInput()
	in.Type, in.SLA = CriticalEscalation, &SLAInput{Critical: "PT2H"}
	if _, err := in.check(inputNow); err != nil {
		t.Errorf("a critical escalation program with a two-hour SLA: %v", err)
	}
	in.SLA = nil
	if _, err := in.check(inputNow); err != nil {
		t.Errorf("a critical escalation program with the default SLA (2 h critical): %v", err)
	}
}

// A patch cannot move a program's slug or host; a change of payment model
// drops the old prices; the SLA is patched per priority.
func TestPatchApply(t *testing.T) {
	p, err := validInput().check(inputNow)
	if err != nil {
		t.Fatal(err)
	}
	in := p.toInput()
	slug, host := "other", "mem_01J0000000000000000000OTHR"
	for _, tc := range []struct {
		name  string
		pt    Patch
		field string
	}{
		{"slug", Patch{Slug: &slug}, "slug"},
		{"host", Patch{HostMemberID: &host}, "hostMemberId"},
	} {
		if _, err := tc.pt.apply(in); !namesField(err, tc.field) {
			t.Errorf("changing the %s: %v", tc.name, err)
		}
	}
	same := p.Slug
	if _, err := (Patch{Slug: &same}).apply(in); err != nil {
		t.Errorf("restating the slug: %v", err)
	}
	hostPaid := HostPaid
	bands := []Band{{UpTo: 5, UnitCents: 1}}
	withBands := in
	withBands.PriceBands = bands
	out, _ := Patch{Payment: &hostPaid}.apply(withBands)
	if out.PriceBands != nil || out.Payment != HostPaid {
		t.Errorf("payment changed, bands %v kept", out.PriceBands)
	}
	out, _ = Patch{SLA: &SLAInput{Low: "PT10H"}}.apply(in)
	if out.SLA.Low != "PT10H" || out.SLA.High != FormatDuration(DefaultSLA.High) {
		t.Errorf("patched SLA %+v", out.SLA)
	}
}

// Once a program exists only operators change what it costs: a host's
// patch that restates the prices, payment or start date passes, one that
// changes them is a 403.
func TestMoneyUnchanged(t *testing.T) {
	prg := Program{Payment: HostPaid, PriceBands: DefaultBands, StartDate: "2026-01-01"}
	member, host := MemberPaid, HostPaid
	other, sameDate, spaced := "2026-02-01", "2026-01-01", " 2026-01-01 "
	cheaper := []Band{{UpTo: 25, UnitCents: 1}}
	same := append([]Band(nil), DefaultBands...)
	for _, tc := range []struct {
		name      string
		pt        Patch
		forbidden bool
	}{
		{"nothing about money", Patch{}, false},
		{"other prices", Patch{PriceBands: &cheaper}, true},
		{"the same prices", Patch{PriceBands: &same}, false},
		{"another payment model", Patch{Payment: &member}, true},
		{"the same payment model", Patch{Payment: &host}, false},
		{"another start date", Patch{StartDate: &other}, true},
		{"the same start date", Patch{StartDate: &sameDate}, false},
		{"the same start date with spaces", Patch{StartDate: &spaced}, false},
	} {
		err := tc.pt.moneyUnchanged(prg)
		if got := errors.Is(err, apperr.ErrForbidden); got != tc.forbidden {
			t.Errorf("%s: %v, want forbidden %v", tc.name, err, tc.forbidden)
		}
	}
}

// A program sends only as an address of its host's own domain or a
// subdomain of it.
func TestCheckSender(t *testing.T) {
	host := member.Member{Name: "Acme", Domain: "acme.example"}
	for _, tc := range []struct {
		name   string
		sender string
		host   member.Member
		ok     bool
	}{
		{"no sender address", "", host, true},
		{"the host's domain", "partners@acme.example", host, true},
		{"in any case", "Partners@ACME.example", host, true},
		{"a subdomain", "partners@mail.acme.example", host, true},
		{"another domain", "partners@initech.example", host, false},
		{"a domain that merely ends alike", "partners@notacme.example", host, false},
		{"the platform's", "no-reply@tandem.example", host, false},
		{"a host without a domain", "partners@acme.example", member.Member{Name: "Acme"}, false},
	} {
		err := checkSender(Program{SenderEmail: tc.sender}, tc.host)
		if (err == nil) != tc.ok || (err != nil && !namesField(err, "senderEmail")) {
			t.Errorf("%s: %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

// The program's small rules: who needs a customer, who is host-centric,
// the priorities of each type, each priority's SLA, the sign-up mail's
// placeholders, pre-approval by address or domain, what partners see.
func TestProgramRules(t *testing.T) {
	for _, tc := range []struct {
		typ             Type
		customer, hostC bool
		priorities      []Priority
	}{
		{PartnerProgram, true, true, []Priority{Low, Medium, High, Critical}},
		{SolutionSupport, true, false, []Priority{Low, Medium, High, Critical}},
		{OEM, false, true, []Priority{Low, Medium, High, Critical}},
		{ServiceProvider, false, true, []Priority{Low, Medium, High, Critical}},
		{CriticalEscalation, true, false, []Priority{Critical}},
	} {
		if tc.typ.NeedsCustomer() != tc.customer || tc.typ.HostCentric() != tc.hostC || !reflect.DeepEqual(tc.typ.Priorities(), tc.priorities) {
			t.Errorf("%s: customer %v host-centric %v priorities %v", tc.typ, tc.typ.NeedsCustomer(), tc.typ.HostCentric(), tc.typ.Priorities())
		}
	}
	sla := SLA{Low: 1, Medium: 2, High: 3, Critical: 4}
	for p, want := range map[Priority]time.Duration{Low: 1, Medium: 2, High: 3, Critical: 4, "urgent": 4} {
		if got := sla.For(p); got != want {
			t.Errorf("SLA for %s = %v, want %v", p, got, want)
		}
	}
	m := SignupMail{Subject: "Welcome {contactName} to {programName}", Intro: "{companyName} joins {hostName}; {other} stays"}
	if got := m.Fill("Peter", "Initech", "Acme Connect", "Acme"); got.Subject != "Welcome Peter to Acme Connect" || got.Intro != "Initech joins Acme; {other} stays" {
		t.Errorf("Fill = %+v", got)
	}
	prg := Program{PreApproved: []string{"initech.example", "bob@globex.example"}}
	for addr, want := range map[string]bool{
		"peter@initech.example": true, "PETER@Initech.Example": true, "bob@globex.example": true,
		"ann@globex.example": false, "initech.example": true, "peter@sub.initech.example": false, "": false,
	} {
		if got := prg.PreApprovedFor(addr); got != want {
			t.Errorf("PreApprovedFor(%q) = %v, want %v", addr, got, want)
		}
	}
	full := Program{Name: "P", PreApproved: []string{"x"}, NotifyEmails: []string{"n"}, PriceBands: DefaultBands, SenderEmail: "s", StartDate: "d", SLA: DefaultSLA}
	pub := full.Public()
	if pub.PreApproved != nil || pub.NotifyEmails != nil || pub.PriceBands != nil || pub.SenderEmail != "" || pub.StartDate != "" || pub.Name != "P" || pub.SLA != DefaultSLA {
		t.Errorf("Public = %+v", pub)
	}
	if got := UnitPrice(11, []Band{{10, 500}, {20, 300}}); got != 300 {
		t.Errorf("own bands: %d", got)
	}
	if got := UnitPrice(99, []Band{{10, 500}, {20, 300}}); got != 300 {
		t.Errorf("above the last band: %d", got)
	}
}
