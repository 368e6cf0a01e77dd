package auth_test

import (
	"strings"
	"testing"

	"github.com/tandemhq/tandem/shared/auth"
)

const (
	memA = "mem_01J0000000000000000000000A"
	memB = "mem_01J0000000000000000000000B"
)

var (
	operator = auth.Principal{Operator: true, UserID: "ops1"}
	adminA   = auth.Principal{MemberID: memA, UserID: "usr_a", Roles: []string{auth.RoleAdmin}}
	engA     = auth.Principal{MemberID: memA, UserID: "usr_e", Roles: []string{auth.RoleEngineer}}
	nobody   = auth.Principal{}
)

// Only the three roles exist; anything else (a typo, another case, an
// empty string) is no role.
func TestKnownRole(t *testing.T) {
	for _, tc := range []struct {
		role string
		want bool
	}{
		{auth.RoleAdmin, true},
		{auth.RoleEngineer, true},
		{auth.RoleCritical, true},
		{"Admin", false},
		{"operator", false},
		{"", false},
		{" admin", false},
	} {
		if got := auth.KnownRole(tc.role); got != tc.want {
			t.Errorf("KnownRole(%q) = %v, want %v", tc.role, got, tc.want)
		}
	}
}

// Who may do what, as a principal: an operator holds every role and acts
// for every member; a user holds its own roles for its own member only;
// the empty principal is anonymous and holds nothing.
func TestPrincipalRights(t *testing.T) {
	for _, tc := range []struct {
		name      string
		p         auth.Principal
		anonymous bool
		has       map[string]bool
		adminOf   map[string]bool
		in        map[string]bool
	}{
		{"an operator holds every role and is in every member", operator, false,
			map[string]bool{auth.RoleAdmin: true, auth.RoleEngineer: true, auth.RoleCritical: true},
			map[string]bool{memA: true, memB: true, "": true},
			map[string]bool{memA: true, memB: true, "": true}},
		{"an operator without a user id is still not anonymous", auth.Principal{Operator: true}, false,
			map[string]bool{auth.RoleAdmin: true}, map[string]bool{memA: true}, map[string]bool{memA: true}},
		{"an admin administers its own member only", adminA, false,
			map[string]bool{auth.RoleAdmin: true, auth.RoleEngineer: false},
			map[string]bool{memA: true, memB: false},
			map[string]bool{memA: true, memB: false}},
		{"an engineer is in its member but administers nothing", engA, false,
			map[string]bool{auth.RoleEngineer: true, auth.RoleAdmin: false, auth.RoleCritical: false},
			map[string]bool{memA: false, memB: false},
			map[string]bool{memA: true, memB: false}},
		{"a user without a member is in no member, not even the empty one",
			auth.Principal{UserID: "usr_x", Roles: []string{auth.RoleAdmin}}, false,
			map[string]bool{auth.RoleAdmin: true},
			map[string]bool{"": true, memA: false},
			map[string]bool{"": false, memA: false}},
		{"anonymous holds nothing", nobody, true,
			map[string]bool{auth.RoleAdmin: false, auth.RoleEngineer: false},
			map[string]bool{memA: false, "": false},
			map[string]bool{memA: false, "": false}},
		{"roles without a user id are still anonymous", auth.Principal{MemberID: memA, Roles: []string{auth.RoleAdmin}}, true,
			map[string]bool{auth.RoleAdmin: true}, map[string]bool{memA: true}, map[string]bool{memA: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.Anonymous(); got != tc.anonymous {
				t.Errorf("Anonymous() = %v, want %v", got, tc.anonymous)
			}
			for role, want := range tc.has {
				if got := tc.p.Has(role); got != want {
					t.Errorf("Has(%q) = %v, want %v", role, got, want)
				}
			}
			for m, want := range tc.adminOf {
				if got := tc.p.AdminOf(m); got != want {
					t.Errorf("AdminOf(%q) = %v, want %v", m, got, want)
				}
			}
			for m, want := range tc.in {
				if got := tc.p.In(m); got != want {
					t.Errorf("In(%q) = %v, want %v", m, got, want)
				}
			}
		})
	}
}

// The audit trail names an operator as one, a user by its id, and nobody
// as anonymous.
func TestActor(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    auth.Principal
		want string
	}{
		{"operator with a user", operator, "operator:ops1"},
		{"operator without a user", auth.Principal{Operator: true}, "operator"},
		{"member user", engA, "usr_e"},
		{"anonymous", nobody, "anonymous"},
		{"member without a user is anonymous", auth.Principal{MemberID: memA}, "anonymous"},
	} {
		if got := tc.p.Actor(); got != tc.want {
			t.Errorf("%s: Actor() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// The Authorization header: the Bearer scheme in any case, one token of at
// most 200 characters; anything else is no token.
func TestBearerToken(t *testing.T) {
	long := "tdm_" + strings.Repeat("a", 196)
	for _, tc := range []struct {
		name   string
		header string
		tok    string
		ok     bool
	}{
		{"bearer token", "Bearer tdm_abc", "tdm_abc", true},
		{"scheme in any case", "bEARER tdm_abc", "tdm_abc", true},
		{"surrounding space trimmed", "  Bearer   tdm_abc  ", "tdm_abc", true},
		{"200 characters is the longest", "Bearer " + long, long, true},
		{"201 characters is too long", "Bearer " + long + "x", long + "x", false},
		{"another scheme", "Basic dXNlcjpwYXNz", "", false},
		{"scheme without a token", "Bearer", "", false},
		{"scheme with blank token", "Bearer    ", "", false},
		{"empty header", "", "", false},
		{"token without scheme", "tdm_abc", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, ok := auth.BearerToken(tc.header)
			if ok != tc.ok || (tc.ok && tok != tc.tok) {
				t.Errorf("BearerToken(%q) = %q, %v; want %q, %v", tc.header, tok, ok, tc.tok, tc.ok)
			}
		})
	}
}

// A new token carries its prefix and 256 random bits (52 base32
// characters, lower case), is never the same twice, and its stored form is
// the hex SHA-256 of the whole plain token, prefix included.
func TestNewToken(t *testing.T) {
	plain, hash := auth.NewToken(auth.TokenPrefix)
	if !strings.HasPrefix(plain, "tdm_") || len(plain) != len("tdm_")+52 {
		t.Fatalf("token %q: want tdm_ and 52 characters", plain)
	}
	if strings.ToLower(plain) != plain {
		t.Errorf("token %q is not lower case", plain)
	}
	if hash != auth.Hash(plain) || len(hash) != 64 {
		t.Errorf("hash %q is not Hash(plain)", hash)
	}
	if other, otherHash := auth.NewToken(auth.TokenPrefix); other == plain || otherHash == hash {
		t.Error("two tokens are the same")
	}
	// Known answer: a stored hash must stay readable across releases.
	if got := auth.Hash("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("Hash(abc) = %s, not SHA-256", got)
	}
	if sgn, _ := auth.NewToken("sgn_"); !strings.HasPrefix(sgn, "sgn_") || auth.Hash("sgn_x") == auth.Hash("tdm_x") {
		t.Errorf("%q: the prefix is not the given one, or not part of the hash", sgn)
	}
}
