package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
)

type memberItem struct {
	keyAttrs
	ID       string `dynamodbav:"id"`
	Name     string `dynamodbav:"name"`
	Domain   string `dynamodbav:"domain"`
	Kind     string `dynamodbav:"kind"`
	Contacts string `dynamodbav:"contacts"`
	BccOut   string `dynamodbav:"bccOutbound,omitempty"`
	BccIn    string `dynamodbav:"bccInbound,omitempty"`
	// Confirmed are the confirmed capture addresses.
	Confirmed []string `dynamodbav:"confirmed,omitempty,stringset"`
	Sending   string   `dynamodbav:"sending,omitempty"`
	CreatedAt string   `dynamodbav:"createdAt"`
	UpdatedAt string   `dynamodbav:"updatedAt"`
	Version   int      `dynamodbav:"version"`
	UpdatedBy string   `dynamodbav:"updatedBy,omitempty"`
	// MergedInto and MergeState: see member.Member.
	MergedInto string `dynamodbav:"mergedInto,omitempty"`
	MergeState string `dynamodbav:"mergeState,omitempty"`
}

func toMemberItem(m member.Member) memberItem {
	return memberItem{
		keyAttrs: keyAttrs{
			PK: memberPK(m.ID), SK: metaSK, Type: "member",
			GSI1PK: membersByKindPK(m.Kind), GSI1SK: m.ID,
		},
		ID: m.ID, Name: m.Name, Domain: m.Domain, Kind: string(m.Kind),
		Contacts: jsonAttr(toMemberContactsRec(m.Contacts)), BccOut: m.Bcc.Outbound, BccIn: m.Bcc.Inbound, Confirmed: m.Confirmed, Sending: sendingAttr(m.Sending), CreatedAt: iso(m.CreatedAt), UpdatedAt: iso(m.UpdatedAt), Version: m.Version,
		UpdatedBy: m.UpdatedBy, MergedInto: m.MergedInto, MergeState: string(m.Merge),
	}
}

func (it memberItem) domain() (member.Member, error) {
	m := member.Member{
		ID: it.ID, Name: it.Name, Domain: it.Domain, Kind: member.Kind(it.Kind), Bcc: member.Bcc{Outbound: it.BccOut, Inbound: it.BccIn}, Confirmed: it.Confirmed,
		CreatedAt: parseISO(it.CreatedAt), UpdatedAt: parseISO(it.UpdatedAt), Version: it.Version, UpdatedBy: it.UpdatedBy,
		MergedInto: it.MergedInto, Merge: member.MergeState(it.MergeState),
	}
	var c memberContactsRec
	if err := fromJSON(it.Contacts, &c); err != nil {
		return m, fmt.Errorf("member %s contacts: %w", it.ID, err)
	}
	if it.Sending != "" {
		var r sendingRec
		if err := fromJSON(it.Sending, &r); err != nil {
			return m, fmt.Errorf("member %s sending domain: %w", it.ID, err)
		}
		m.Sending = member.SendingDomain{Domain: r.Domain, Verified: r.Verified, Status: r.Status, Records: r.Records}
	}
	m.Contacts = c.domain()
	return m, nil
}

type domainItem struct {
	keyAttrs
	MemberID string `dynamodbav:"memberId"`
}

// toDomainItem is m's claim of its domain: one member per domain.
func toDomainItem(m member.Member) domainItem {
	return domainItem{keyAttrs: keyAttrs{PK: domainPK(m.Domain), SK: metaSK, Type: "domain"}, MemberID: m.ID}
}

type userItem struct {
	keyAttrs
	ID         string   `dynamodbav:"id"`
	MemberID   string   `dynamodbav:"memberId"`
	Name       string   `dynamodbav:"name"`
	Email      string   `dynamodbav:"email"`
	Roles      []string `dynamodbav:"roles,stringset,omitempty"`
	ProgramIDs []string `dynamodbav:"programIds,stringset,omitempty"`
	Status     string   `dynamodbav:"status"`
	TokenHash  string   `dynamodbav:"tokenHash"`
	CreatedAt  string   `dynamodbav:"createdAt"`
	UpdatedAt  string   `dynamodbav:"updatedAt"`
	Version    int      `dynamodbav:"version"`
	UpdatedBy  string   `dynamodbav:"updatedBy,omitempty"`
}

func toUserItem(u member.User) userItem {
	return userItem{
		keyAttrs: keyAttrs{
			PK: memberPK(u.MemberID), SK: userSK(u.ID), Type: "user",
			GSI2PK: usersByEmailPK(u.Email), GSI2SK: u.MemberID + "#" + u.ID,
		},
		ID: u.ID, MemberID: u.MemberID,
		Name: u.Name, Email: u.Email, Roles: u.Roles, ProgramIDs: u.ProgramIDs, Status: string(u.Status), TokenHash: u.TokenHash,
		CreatedAt: iso(u.CreatedAt), UpdatedAt: iso(u.UpdatedAt), Version: u.Version, UpdatedBy: u.UpdatedBy,
	}
}

func (it userItem) domain() member.User {
	return member.User{
		ID: it.ID, MemberID: it.MemberID, Name: it.Name, Email: it.Email, Roles: it.Roles, ProgramIDs: it.ProgramIDs,
		Status: member.UserStatus(it.Status), TokenHash: it.TokenHash,
		CreatedAt: parseISO(it.CreatedAt), UpdatedAt: parseISO(it.UpdatedAt), Version: it.Version, UpdatedBy: it.UpdatedBy,
	}
}

type credentialItem struct {
	keyAttrs
	UserID   string   `dynamodbav:"userId,omitempty"`
	MemberID string   `dynamodbav:"memberId,omitempty"`
	Roles    []string `dynamodbav:"roles,stringset,omitempty"`
	Operator bool     `dynamodbav:"operator,omitempty"`
	Revoked  bool     `dynamodbav:"revoked,omitempty"`
}

func toCredentialItem(c member.Credential) credentialItem {
	return credentialItem{
		keyAttrs: keyAttrs{
			PK: tokenPK(c.Hash), SK: metaSK, Type: "credential",
		},
		UserID: c.UserID, MemberID: c.MemberID,
		Roles: c.Roles, Operator: c.Operator, Revoked: c.Revoked,
	}
}

// operatorCredentialItem is an operator's token, named for its holder.
func operatorCredentialItem(hash, name string) credentialItem {
	return credentialItem{keyAttrs: keyAttrs{PK: tokenPK(hash), SK: metaSK, Type: "credential"}, UserID: name, Operator: true}
}

// GetMember implements member.Store.
func (s *Store) GetMember(ctx context.Context, id string) (member.Member, error) {
	var it memberItem
	if err := s.getItem(ctx, "get member", memberKey(id), &it, apperr.NotFound("member %s not found", id)); err != nil {
		return member.Member{}, err
	}
	return it.domain()
}

// MemberIDByDomain returns the member that owns domain, if any.
func (s *Store) MemberIDByDomain(ctx context.Context, domain string) (string, bool, error) {
	var it domainItem
	err := s.getItem(ctx, "get domain", domainKey(domain), &it, errNoItem)
	if err == errNoItem {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return it.MemberID, true, nil
}

// GetUser implements member.Store.
func (s *Store) GetUser(ctx context.Context, memberID, userID string) (member.User, error) {
	var it userItem
	if err := s.getItem(ctx, "get user", userKey(memberID, userID), &it, apperr.NotFound("user %s not found", userID)); err != nil {
		return member.User{}, err
	}
	return it.domain(), nil
}

// GetCredential returns the credential stored for a token hash.
func (s *Store) GetCredential(ctx context.Context, hash string) (member.Credential, error) {
	var it credentialItem
	if err := s.getItem(ctx, "get credential", tokenKey(hash), &it, apperr.Unauthorized("the token is not valid")); err != nil {
		return member.Credential{}, err
	}
	return member.Credential{
		Hash: hash, UserID: it.UserID, MemberID: it.MemberID, Roles: it.Roles, Operator: it.Operator, Revoked: it.Revoked,
	}, nil
}

// PutOperatorCredential stores an operator token hash (idempotent).
func (s *Store) PutOperatorCredential(ctx context.Context, hash, name string) error {
	return s.transact(ctx, "put operator credential",
		s.put(marshal(operatorCredentialItem(hash, name)),
			"attribute_not_exists(PK) OR #op = :t", map[string]string{"#op": "operator"},
			map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}},
			apperr.Conflict("that token belongs to a user")),
	)
}

// memberEventItem is an entry of a member's timeline, which holds its
// users' events too: sorted by time (member and user versions are
// separate counts), userId set on a user's.
type memberEventItem struct {
	eventItem
	UserID string `dynamodbav:"userId,omitempty"`
}

// memberEvent writes ev into member memberID's timeline (about user
// userID, or the member itself when empty).
func (s *Store) memberEvent(memberID, userID string, ev audit.Event) txItem {
	if ev.ID == "" {
		ev.ID = ident.New(ident.Event, ev.At)
	}
	// At one instant the member's own event sorts before its users' (a
	// member created with its first admin).
	rank := "0#"
	if userID != "" {
		rank = "1#"
	}
	return s.putNew(marshal(memberEventItem{eventItem: eventItem{
		keyAttrs: keyAttrs{
			PK: memberPK(memberID), SK: eventPrefix + iso(ev.At) + "#" + rank + ev.ID, Type: "member_event",
		},
		ID: ev.ID, At: iso(ev.At),
		Actor: audit.ActorOr(ev.Actor), Action: ev.Action, From: ev.From, To: ev.To, Reason: ev.Reason,
	}, UserID: userID}), apperr.Conflict("event %s already recorded", ev.ID))
}

// userAdded is the timeline entry of a new user.
func (s *Store) userAdded(u member.User) txItem {
	return s.memberEvent(u.MemberID, u.ID, audit.Event{At: u.CreatedAt, Actor: u.UpdatedBy, Action: "add_user", To: string(u.Status),
		Reason: userLine(u) + ", roles " + strings.Join(u.Roles, ", ")})
}

// userLine names a user in a timeline: "Eve Engineer <eve@…>".
func userLine(u member.User) string { return u.Name + " <" + u.Email + ">" }
