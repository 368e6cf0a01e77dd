package memstore

import (
	"context"

	"github.com/tandemhq/tandem/shared/member"
)

// ListMemberUsers returns a member's users, by id.
func (s *Store) ListMemberUsers(ctx context.Context, memberID string) ([]member.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return users(s.queryAll(pageQuery{op: "list users", pk: memberPK(memberID), skPrefix: userPrefix}, 10000)), nil
}

// UsersByEmail implements session.Store: every user with this address, in
// any member (GSI2), by member and user id.
func (s *Store) UsersByEmail(ctx context.Context, email string) ([]member.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return users(s.queryAll(pageQuery{op: "list users by email", index: idxGSI2, pk: usersByEmailPK(email)}, 100)), nil
}

func users(items []*item) []member.User {
	out := make([]member.User, 0, len(items))
	for _, it := range items {
		out = append(out, normUser(it.v.(member.User)))
	}
	return out
}

// MemberKinds returns each member's kind (members not found are left out).
func (s *Store) MemberKinds(ctx context.Context, ids []string) (map[string]member.Kind, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]member.Kind{}
	for _, id := range ids {
		if m, ok := valOf[member.Member](s.get(memberPK(id), metaSK)); ok {
			out[m.ID] = m.Kind
		}
	}
	return out, nil
}

// ListMembersByKind returns every member of a kind (GSI1), by id.
func (s *Store) ListMembersByKind(ctx context.Context, kind member.Kind) ([]member.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items := s.queryAll(pageQuery{op: "list members by kind", index: idxGSI1, pk: membersByKindPK(kind)}, 10000)
	out := make([]member.Member, 0, len(items))
	for _, it := range items {
		out = append(out, normMember(it.v.(member.Member)))
	}
	return out, nil
}
