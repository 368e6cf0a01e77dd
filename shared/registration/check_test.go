package registration_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	_ "time/tzdata"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/registration"
)

func contact(name, email string) member.Contact { return member.Contact{Name: name, Email: email} }

// validSignup is a complete sign-up form.
func validSignup(token string) registration.SignupInput {
	return registration.SignupInput{
		Token:   token,
		Company: enrollment.Company{Name: "Initech", Website: "https://initech.example", Country: "de"},
		Contacts: enrollment.Contacts{
			Primary: contact("Peter", "peter@initech.example"), Support: contact("Sue", "support@initech.example"),
			Escalation: contact("Bill", "bill@initech.example"), Billing: contact("Bob", "billing@initech.example"),
		},
		Inbound: registration.InboundInput{
			Email: "support@initech.example", Phone: "+49 30 1234567",
			Hours: hours.Hours{Zone: "Europe/Berlin", Days: []string{"mon", "tue", "wed", "thu", "fri"}, Start: "08:00", End: "18:00"},
		},
		AcceptAddendum: registration.AcceptInput{Version: "1", Name: "Peter", Title: "CEO"},
	}
}

// What a sign-up form must hold, every refusal naming its field; the
// webhook URL is vetted by the checker only once it is a well-formed
// https URL.
func TestSignupCheckRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*registration.SignupInput)
		check func(context.Context, string) error
		field string
	}{
		{"no token", func(in *registration.SignupInput) { in.Token = "  " }, nil, "token"},
		{"no company name", func(in *registration.SignupInput) { in.Company.Name = "" }, nil, "company.name"},
		{"company name over 200 characters", func(in *registration.SignupInput) { in.Company.Name = strings.Repeat("c", 201) }, nil, "company.name"},
		{"no website", func(in *registration.SignupInput) { in.Company.Website = "" }, nil, "company.website"},
		{"a website that is no URL", func(in *registration.SignupInput) { in.Company.Website = "initech" }, nil, "company.website"},
		{"no country", func(in *registration.SignupInput) { in.Company.Country = " " }, nil, "company.country"},
		{"an unknown country", func(in *registration.SignupInput) { in.Company.Country = "XX" }, nil, "company.country"},
		{"a country by name", func(in *registration.SignupInput) { in.Company.Country = "Germany" }, nil, "company.country"},
		{"no primary contact's address", func(in *registration.SignupInput) { in.Contacts.Primary.Email = "" }, nil, "contacts.primary.email"},
		{"no support contact's name", func(in *registration.SignupInput) { in.Contacts.Support.Name = "" }, nil, "contacts.support.name"},
		{"a bad escalation address", func(in *registration.SignupInput) { in.Contacts.Escalation.Email = "bill" }, nil, "contacts.escalation.email"},
		{"a bad billing phone", func(in *registration.SignupInput) { in.Contacts.Billing.Phone = "call me" }, nil, "contacts.billing.phone"},
		{"no inbound address", func(in *registration.SignupInput) { in.Inbound.Email = "" }, nil, "inbound.email"},
		{"no inbound phone", func(in *registration.SignupInput) { in.Inbound.Phone = "" }, nil, "inbound.phone"},
		{"no hours", func(in *registration.SignupInput) { in.Inbound.Hours = hours.Hours{} }, nil, "inbound.hours"},
		{"hours in an unknown zone", func(in *registration.SignupInput) { in.Inbound.Hours.Zone = "Mars/Olympus" }, nil, "inbound.hours.timezone"},
		{"a webhook over http", func(in *registration.SignupInput) { in.Inbound.WebhookURL = "http://initech.example/hook" }, nil, "inbound.webhookUrl"},
		{"a webhook the checker refuses", func(in *registration.SignupInput) { in.Inbound.WebhookURL = "https://10.0.0.1/hook" },
			func(context.Context, string) error { return errors.New("resolves to a private address") }, "inbound.webhookUrl"},
		{"instructions over 5000 characters", func(in *registration.SignupInput) { in.Inbound.Instructions = strings.Repeat("i", 5001) }, nil, "inbound.instructions"},
		{"no addendum version", func(in *registration.SignupInput) { in.AcceptAddendum.Version = "" }, nil, "acceptAddendum.version"},
		{"no signatory", func(in *registration.SignupInput) { in.AcceptAddendum.Name = "" }, nil, "acceptAddendum.name"},
		{"no signatory's title", func(in *registration.SignupInput) { in.AcceptAddendum.Title = "" }, nil, "acceptAddendum.title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := validSignup("sgn_x")
			tc.edit(&in)
			_, err := in.Check(context.Background(), tc.check)
			var ae *apperr.Error
			if !errors.As(err, &ae) || !errors.Is(err, apperr.ErrInvalid) || ae.Fields[tc.field] == "" {
				t.Fatalf("got %v, want a 422 naming %s", err, tc.field)
			}
		})
	}
}

// An accepted form comes back trimmed, its country in upper case; the
// checker is not asked about a malformed webhook URL, nor when there is
// none.
func TestSignupCheckAccepts(t *testing.T) {
	in := validSignup("  sgn_abc ")
	in.Company.Name = " Initech "
	asked := 0
	check := func(context.Context, string) error { asked++; return nil }
	out, err := in.Check(context.Background(), check)
	if err != nil {
		t.Fatal(err)
	}
	if out.Token != "sgn_abc" || out.Company.Name != "Initech" || out.Company.Country != "DE" {
		t.Errorf("got token %q company %q country %q", out.Token, out.Company.Name, out.Company.Country)
	}
	if asked != 0 {
		t.Errorf("the checker was asked %d times without a webhook", asked)
	}
	in.Inbound.WebhookURL = "ftp://initech.example"
	if _, err := in.Check(context.Background(), check); err == nil || asked != 0 {
		t.Errorf("malformed webhook: %v, checker asked %d times", err, asked)
	}
	in.Inbound.WebhookURL = "https://initech.example/hook"
	if _, err := in.Check(context.Background(), check); err != nil || asked != 1 {
		t.Errorf("webhook: %v, checker asked %d times, want once", err, asked)
	}
}

// The country list: ISO codes, each once, sorted by name, and every code
// accepted by the form.
func TestCountries(t *testing.T) {
	cs := registration.Countries()
	if len(cs) < 240 {
		t.Fatalf("%d countries", len(cs))
	}
	seen := map[string]bool{}
	for i, c := range cs {
		if len(c.Code) != 2 || strings.ToUpper(c.Code) != c.Code || seen[c.Code] || c.Name == "" {
			t.Errorf("entry %d: %+v", i, c)
		}
		seen[c.Code] = true
		if i > 0 && cs[i-1].Name > c.Name {
			t.Errorf("%q sorts after %q", cs[i-1].Name, c.Name)
		}
	}
	for _, code := range []string{"DE", "US", "GB", "JP"} {
		in := validSignup("sgn_x")
		in.Company.Country = code
		if _, err := in.Check(context.Background(), nil); err != nil {
			t.Errorf("%s refused: %v", code, err)
		}
	}
}
