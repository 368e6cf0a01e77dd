// Package confirmation is how the owner of an address that a member's admin
// typed says it takes Tandem's mail, before Tandem sends it any: a
// department's inbound and escalation addresses and a member's capture
// (BCC) addresses. A signed link (/e/{token}, TTL) is mailed to the
// address; its page shows a button, and only the POST confirms (mail
// scanners open links). Until then the address gets no other mail.
package confirmation

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/notify"
)

// TTL is how long a confirmation link works.
const TTL = 14 * 24 * time.Hour

// Limits of confirmation mail: an address gets at most PerAddress
// confirmation mails a day (whoever asks), so nobody can use the requests
// to fill a stranger's mailbox.
const (
	PerAddress = 3
	Window     = 24 * time.Hour
)

// Owner is what kind of object an address belongs to.
type Owner string

// Owners.
const (
	Department Owner = "dep"
	Member     Owner = "mem"
)

// Normalize is the form addresses are compared and kept in: trimmed, lower case.
func Normalize(addr string) string { return strings.ToLower(strings.TrimSpace(addr)) }

// Tag names an address inside a token without writing it there (links end
// up in logs and browser histories).
func Tag(addr string) string {
	sum := sha256.Sum256([]byte(Normalize(addr)))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// Links signs and checks confirmation links.
type Links struct{ Keys *keyring.Ring }

const purpose = "address-confirmation"

// Sign returns the token confirming addr for the owner kind/id until exp.
func (l Links) Sign(kind Owner, ownerID, addr string, exp time.Time) string {
	payload := strings.Join([]string{string(kind), ownerID, Tag(addr), strconv.FormatInt(exp.Unix(), 10)}, ".")
	b := base64.RawURLEncoding.EncodeToString([]byte(payload))
	return b + "." + l.Keys.Sign(purpose, []byte(b))
}

// Token is what a confirmation link says.
type Token struct {
	Owner   Owner
	OwnerID string
	// AddressTag is Tag of the address to confirm.
	AddressTag string
	Expires    time.Time
}

// Verify checks a token's signature and form; an expired one says so.
func (l Links) Verify(token string, now time.Time) (Token, error) {
	bad := apperr.NotFound("this confirmation link is not valid; ask the admin who entered your address to send it again")
	b, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 300 || l.Keys == nil || !l.Keys.Verify(purpose, []byte(b), sig) {
		return Token{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(b)
	if err != nil {
		return Token{}, bad
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 4 {
		return Token{}, bad
	}
	t := Token{Owner: Owner(parts[0]), OwnerID: parts[1], AddressTag: parts[2]}
	switch {
	case t.Owner == Department && ident.Valid(ident.Department, t.OwnerID):
	case t.Owner == Member && ident.Valid(ident.Member, t.OwnerID):
	default:
		return Token{}, bad
	}
	exp, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return Token{}, bad
	}
	t.Expires = time.Unix(exp, 0).UTC()
	if !now.Before(t.Expires) {
		return t, apperr.Conflict("this confirmation link expired on %s; ask the admin who entered your address to send it again", t.Expires.Format("2 January 2006"))
	}
	return t, nil
}

// Request is one address to ask about: what it would receive.
type Request struct {
	Address string
	// What the address would receive, as the mail says it: "the cases
	// other companies send to its department Storage support".
	What string
}

// Mail is the confirmation request for r, mailed from the platform (not a
// host's domain: this is the platform asking) for member memberName.
func (l Links) Mail(o notify.Origin, kind Owner, ownerID, memberName string, r Request, now time.Time) notify.Message {
	exp := now.Add(TTL)
	return notify.Message{
		ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: o.From, To: []string{r.Address}, Ref: ownerID, CreatedAt: now,
		Data: notify.AddressConfirm{
			MemberName: memberName, Address: r.Address, What: r.What, Expires: exp.Format("2 January 2006"),
			Link: o.BaseURL + "/e/" + l.Sign(kind, ownerID, r.Address, exp),
		},
	}
}

// Pending is what a confirmation link asks, as its page shows it.
type Pending struct {
	MemberName string
	Request
	// Confirmed: the address's owner already said yes.
	Confirmed bool
}

// Find is the request among rs (an object's addresses, confirmed or not)
// whose address has tag, or false when the object no longer has it.
func Find(rs []Request, tag string) (Request, bool) {
	for _, r := range rs {
		if Tag(r.Address) == tag {
			return r, true
		}
	}
	return Request{}, false
}

// Confirmed is a set of confirmed addresses, kept normalized.
type Confirmed []string

// Has reports whether addr is confirmed.
func (c Confirmed) Has(addr string) bool {
	n := Normalize(addr)
	for _, x := range c {
		if x == n {
			return n != ""
		}
	}
	return false
}

// With is c with addr added.
func (c Confirmed) With(addr string) Confirmed {
	if c.Has(addr) || Normalize(addr) == "" {
		return c
	}
	return append(append(Confirmed(nil), c...), Normalize(addr))
}

// Merge adds the requests for the same address together ("X and Y").
func Merge(rs []Request) []Request {
	var out []Request
	for _, r := range rs {
		if r.Address == "" {
			continue
		}
		merged := false
		for i := range out {
			if Normalize(out[i].Address) == Normalize(r.Address) {
				out[i].What = fmt.Sprintf("%s, and %s", out[i].What, r.What)
				merged = true
			}
		}
		if !merged {
			out = append(out, r)
		}
	}
	return out
}
