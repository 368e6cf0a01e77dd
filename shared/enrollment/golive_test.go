package enrollment

import (
	"testing"

	"github.com/tandemhq/tandem/shared/member"
)

// The partner's first admin is an address at the member's domain: the
// primary contact when it is there, else the verified address that signed
// up; a member without a domain (a free-mail sign-up) trusts only that
// verified address; an enrollment whose addresses are both elsewhere (moved
// by a merger) makes nobody.
func TestConsoleAdmin(t *testing.T) {
	pat := member.Contact{Name: "Pat Primary", Email: "pat@acme.example"}
	cases := map[string]struct {
		primary member.Contact
		signer  string
		domain  string
		want    string
		ok      bool
	}{
		"primary at the domain":               {pat, "sam@acme.example", "acme.example", "pat@acme.example", true},
		"primary's domain in capitals":        {member.Contact{Name: "P", Email: "pat@ACME.example"}, "sam@acme.example", "acme.example", "pat@ACME.example", true},
		"primary elsewhere: the signer":       {member.Contact{Name: "O", Email: "olga@elsewhere.example"}, "sam@acme.example", "acme.example", "sam@acme.example", true},
		"primary at a look-alike domain":      {member.Contact{Name: "O", Email: "olga@acme.example.evil"}, "sam@acme.example", "acme.example", "sam@acme.example", true},
		"primary at a subdomain: the signer":  {member.Contact{Name: "O", Email: "olga@eu.acme.example"}, "sam@acme.example", "acme.example", "sam@acme.example", true},
		"free-mail, primary is the signer":    {member.Contact{Name: "Gil", Email: "gil@gmail.com"}, "gil@gmail.com", "", "gil@gmail.com", true},
		"free-mail, primary another address":  {member.Contact{Name: "Typo", Email: "gill@gmail.com"}, "gil@gmail.com", "", "gil@gmail.com", true},
		"moved by a merger: nobody qualifies": {pat, "sam@acme.example", "globex.example", "", false},
	}
	for name, tc := range cases {
		e := Enrollment{Email: tc.signer, Contacts: Contacts{Primary: tc.primary}, Addendum: Acceptance{Name: "Sam Signer"}}
		got, ok := ConsoleAdmin(e, member.Member{Domain: tc.domain})
		if ok != tc.ok || got.Email != tc.want {
			t.Errorf("%s: ConsoleAdmin = %q, %v; want %q, %v", name, got.Email, ok, tc.want, tc.ok)
		}
		if ok && got.Email == tc.signer && got.Email != tc.primary.Email && got.Name != "Sam Signer" {
			t.Errorf("%s: the signer is named %q, want the name that accepted the addendum", name, got.Name)
		}
	}
}
