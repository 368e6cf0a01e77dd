package confirmation_test

import (
	"encoding/base64"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/notify"
)

const (
	depID = "dep_01J00000000000000000000DEP"
	memID = "mem_01J00000000000000000000MEM"
)

var (
	now   = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	links = confirmation.Links{Keys: keyring.Fixed("k1", []byte("test-key-0123456789abcdef0123456789"))}
)

// Addresses are compared trimmed and in lower case, and a token names an
// address by a tag of that form, never the address itself.
func TestNormalizeAndTag(t *testing.T) {
	if got := confirmation.Normalize("  Support@Host.Example \n"); got != "support@host.example" {
		t.Errorf("Normalize = %q", got)
	}
	if confirmation.Tag(" Support@Host.Example") != confirmation.Tag("support@host.example") {
		t.Error("the tag depends on case or space")
	}
	if confirmation.Tag("a@host.example") == confirmation.Tag("b@host.example") {
		t.Error("two addresses share a tag")
	}
	if tag := confirmation.Tag("support@host.example"); strings.Contains(tag, "support") || len(tag) != 16 {
		t.Errorf("tag %q: want 16 characters that do not spell the address", tag)
	}
}

// A confirmation link's token: what it was signed for comes back; a
// token that was tampered with, signed with another key, names another
// kind of owner or an id of the wrong kind is not valid (404); an expired
// one says so (409), still naming what it was for.
func TestVerify(t *testing.T) {
	exp := now.Add(confirmation.TTL)
	good := links.Sign(confirmation.Department, depID, "Support@Host.Example", exp)
	payload, sig, _ := strings.Cut(good, ".")
	forge := func(s string) string {
		b := base64.RawURLEncoding.EncodeToString([]byte(s))
		return b + "." + links.Keys.Sign("address-confirmation", []byte(b))
	}
	expUnix := strconv.FormatInt(exp.Unix(), 10)
	other := confirmation.Links{Keys: keyring.Fixed("k1", []byte("another-key-0123456789abcdef012345"))}
	for _, tc := range []struct {
		name  string
		links confirmation.Links
		token string
		at    time.Time
		kind  error
		owner confirmation.Owner
		id    string
	}{
		{"a department's address", links, good, now, nil, confirmation.Department, depID},
		{"a member's address", links, links.Sign(confirmation.Member, memID, "crm@host.example", exp), now, nil, confirmation.Member, memID},
		{"valid until the last second", links, good, exp.Add(-time.Second), nil, confirmation.Department, depID},
		{"expired at its expiry", links, good, exp, apperr.ErrConflict, confirmation.Department, depID},
		{"expired later", links, good, exp.Add(30 * 24 * time.Hour), apperr.ErrConflict, confirmation.Department, depID},
		{"signed with another key", other, good, now, apperr.ErrNotFound, "", ""},
		{"no keys", confirmation.Links{}, good, now, apperr.ErrNotFound, "", ""},
		{"tampered payload", links, "x" + payload + "." + sig, now, apperr.ErrNotFound, "", ""},
		{"tampered signature", links, payload + "." + sig + "x", now, apperr.ErrNotFound, "", ""},
		{"no signature", links, payload, now, apperr.ErrNotFound, "", ""},
		{"empty", links, "", now, apperr.ErrNotFound, "", ""},
		{"too long", links, good + strings.Repeat("x", 300), now, apperr.ErrNotFound, "", ""},
		{"a forged payload signed with the key is what it says", links, forge("dep." + depID + ".tag." + expUnix), now, nil, confirmation.Department, depID},
		{"unknown owner kind", links, forge("usr." + memID + ".tag." + expUnix), now, apperr.ErrNotFound, "", ""},
		{"department kind with a member id", links, forge("dep." + memID + ".tag." + expUnix), now, apperr.ErrNotFound, "", ""},
		{"member kind with a department id", links, forge("mem." + depID + ".tag." + expUnix), now, apperr.ErrNotFound, "", ""},
		{"three parts", links, forge("dep." + depID + ".tag"), now, apperr.ErrNotFound, "", ""},
		{"expiry not a number", links, forge("dep." + depID + ".tag.soon"), now, apperr.ErrNotFound, "", ""},
		{"signed payload not base64", links, "!!!." + links.Keys.Sign("address-confirmation", []byte("!!!")), now, apperr.ErrNotFound, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := tc.links.Verify(tc.token, tc.at)
			if kind := apperr.KindOf(err); kind != tc.kind {
				t.Fatalf("got %v (%v), want %v", kind, err, tc.kind)
			}
			if tok.Owner != tc.owner || tok.OwnerID != tc.id {
				t.Errorf("token names %s %q, want %s %q", tok.Owner, tok.OwnerID, tc.owner, tc.id)
			}
			if tc.owner != "" && !tok.Expires.Equal(exp) {
				t.Errorf("expires %s, want %s", tok.Expires, exp)
			}
		})
	}
	tok, _ := links.Verify(good, now)
	if tok.AddressTag != confirmation.Tag("support@host.example") {
		t.Errorf("the token tags %q, not the address", tok.AddressTag)
	}
	if strings.Contains(good, "upport") {
		t.Error("the token spells the address")
	}
}

// The mail: to the address alone, from the platform, a link to /e/ valid
// for 14 days that confirms that address for that owner.
func TestMail(t *testing.T) {
	o := notify.Origin{From: "Tandem <noreply@tandem.example>", BaseURL: "https://tandem.example"}
	m := links.Mail(o, confirmation.Department, depID, "Host Inc", confirmation.Request{Address: "support@host.example", What: "the cases"}, now)
	if !reflect.DeepEqual(m.To, []string{"support@host.example"}) || m.From != o.From || m.Ref != depID || len(m.Cc)+len(m.Bcc) != 0 {
		t.Errorf("mail to %v cc %v bcc %v from %q ref %q", m.To, m.Cc, m.Bcc, m.From, m.Ref)
	}
	d, ok := m.Data.(notify.AddressConfirm)
	if !ok {
		t.Fatalf("data %T", m.Data)
	}
	if d.MemberName != "Host Inc" || d.What != "the cases" || d.Expires != "16 March 2026" {
		t.Errorf("data %+v", d)
	}
	token, ok := strings.CutPrefix(d.Link, "https://tandem.example/e/")
	if !ok {
		t.Fatalf("link %q", d.Link)
	}
	tok, err := links.Verify(token, now.Add(confirmation.TTL-time.Second))
	if err != nil || tok.Owner != confirmation.Department || tok.OwnerID != depID || tok.AddressTag != confirmation.Tag("support@host.example") {
		t.Errorf("link token %+v, %v", tok, err)
	}
	if _, err := links.Verify(token, now.Add(confirmation.TTL)); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("the link works past 14 days: %v", err)
	}
}

// The set of confirmed addresses: kept normalized, never holding the
// empty address, each address once; With leaves the set it was given
// alone.
func TestConfirmed(t *testing.T) {
	var c confirmation.Confirmed
	c = c.With(" Support@Host.Example ")
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"support@host.example", true},
		{"SUPPORT@host.example", true},
		{"other@host.example", false},
		{"", false},
	} {
		if got := c.Has(tc.addr); got != tc.want {
			t.Errorf("Has(%q) = %v, want %v", tc.addr, got, tc.want)
		}
	}
	if again := c.With("support@HOST.example"); len(again) != 1 {
		t.Errorf("the same address twice: %v", again)
	}
	if blank := c.With("  "); len(blank) != 1 {
		t.Errorf("the empty address added: %v", blank)
	}
	if (confirmation.Confirmed{""}).Has("") {
		t.Error("the empty address counts as confirmed")
	}
	base := make(confirmation.Confirmed, 1, 4)
	base[0] = "a@x.example"
	b := base.With("b@x.example")
	cc := base.With("c@x.example")
	if !b.Has("b@x.example") || b.Has("c@x.example") || !cc.Has("c@x.example") || len(base) != 1 {
		t.Errorf("With shares its argument's array: %v %v %v", base, b, cc)
	}
}

// Requests for the same address (whatever its case) become one, naming
// everything it would receive; requests without an address drop out.
func TestMergeAndFind(t *testing.T) {
	got := confirmation.Merge([]confirmation.Request{
		{Address: "a@x.example", What: "the cases"},
		{Address: "", What: "nothing"},
		{Address: "b@x.example", What: "the captures"},
		{Address: "A@X.example", What: "the escalations"},
	})
	want := []confirmation.Request{
		{Address: "a@x.example", What: "the cases, and the escalations"},
		{Address: "b@x.example", What: "the captures"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Merge = %+v\nwant %+v", got, want)
	}
	for _, tc := range []struct {
		name string
		tag  string
		want string
		ok   bool
	}{
		{"by its tag", confirmation.Tag("b@x.example"), "b@x.example", true},
		{"whatever the case of the tagged address", confirmation.Tag("A@x.EXAMPLE"), "a@x.example", true},
		{"an address the object no longer has", confirmation.Tag("gone@x.example"), "", false},
		{"no tag", "", "", false},
	} {
		r, ok := confirmation.Find(got, tc.tag)
		if ok != tc.ok || r.Address != tc.want {
			t.Errorf("%s: Find = %q, %v; want %q, %v", tc.name, r.Address, ok, tc.want, tc.ok)
		}
	}
}
