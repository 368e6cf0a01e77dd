package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/member"
)

// memberItem is m as stored, in its kind's list (GSI1).
func memberItem(m member.Member) *item {
	return &item{PK: memberPK(m.ID), SK: metaSK, GSI1PK: membersByKindPK(m.Kind), GSI1SK: m.ID, v: normMember(m)}
}

// domainRec is a member's claim of its domain: one member per domain.
type domainRec struct{ MemberID string }

func domainItem(m member.Member) *item {
	return &item{PK: domainPK(m.Domain), SK: metaSK, v: domainRec{MemberID: m.ID}}
}

// userItem is u as stored, under its member, and by address (GSI2).
func userItem(u member.User) *item {
	return &item{PK: memberPK(u.MemberID), SK: userSK(u.ID), GSI2PK: usersByEmailPK(u.Email), GSI2SK: u.MemberID + "#" + u.ID, v: normUser(u)}
}

// credentialWrite is an API token's credential, under its hash.
func credentialWrite(c member.Credential) write {
	v := normCredential(c)
	v.Hash = ""
	return putNew(&item{PK: tokenPK(c.Hash), SK: metaSK, v: v}, apperr.Conflict("token collision; retry"))
}

// GetMember implements member.Store.
func (s *Store) GetMember(ctx context.Context, id string) (member.Member, error) {
	m, ok := getVal[member.Member](s, memberPK(id), metaSK)
	if !ok {
		return member.Member{}, apperr.NotFound("member %s not found", id)
	}
	return normMember(m), nil
}

// MemberIDByDomain returns the member that owns domain, if any.
func (s *Store) MemberIDByDomain(ctx context.Context, domain string) (string, bool, error) {
	d, ok := getVal[domainRec](s, domainPK(domain), metaSK)
	if !ok {
		return "", false, nil
	}
	return d.MemberID, true, nil
}

// GetUser implements member.Store.
func (s *Store) GetUser(ctx context.Context, memberID, userID string) (member.User, error) {
	u, ok := getVal[member.User](s, memberPK(memberID), userSK(userID))
	if !ok {
		return member.User{}, apperr.NotFound("user %s not found", userID)
	}
	return normUser(u), nil
}

// GetCredential returns the credential stored for a token hash.
func (s *Store) GetCredential(ctx context.Context, hash string) (member.Credential, error) {
	c, ok := getVal[member.Credential](s, tokenPK(hash), metaSK)
	if !ok {
		return member.Credential{}, apperr.Unauthorized("the token is not valid")
	}
	c = normCredential(c)
	c.Hash = hash
	return c, nil
}

// PutOperatorCredential stores an operator token hash (idempotent).
func (s *Store) PutOperatorCredential(ctx context.Context, hash, name string) error {
	return s.transact("put operator credential",
		putIf(&item{PK: tokenPK(hash), SK: metaSK, v: member.Credential{UserID: name, Operator: true}}, func(cur *item) bool {
			if cur == nil {
				return true
			}
			c, ok := valOf[member.Credential](cur)
			return ok && c.Operator
		}, apperr.Conflict("that token belongs to a user")))
}

var errVersion = apperr.Conflict("the object was changed by someone else; reload it and try again")
