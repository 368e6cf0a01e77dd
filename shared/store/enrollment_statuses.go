package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/enrollment"
)

// EnrollmentStatuses implements marketplace.Store: the places of members
// in program, by one batched read of their pair items ("" for none).
func (s *Store) EnrollmentStatuses(ctx context.Context, programID string, memberIDs []string) (map[string]enrollment.Status, error) {
	out := make(map[string]enrollment.Status, len(memberIDs))
	byPK := make(map[string]string, len(memberIDs))
	keys := make([]map[string]types.AttributeValue, 0, len(memberIDs))
	for _, id := range memberIDs {
		byPK[enrollmentPairPK(programID, id)] = id
		keys = append(keys, enrollmentPairKey(programID, id))
	}
	var legacy []string // pair items written before they carried the status
	var bad error
	err := s.batchGet(ctx, "read enrollment places", keys, "", func(raw map[string]types.AttributeValue) {
		var it enrollmentPairItem
		if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
			bad = fmt.Errorf("read enrollment places: %w", err)
			return
		}
		id := byPK[it.PK]
		if it.Status == "" {
			legacy = append(legacy, id)
			return
		}
		out[id] = enrollment.Status(it.Status)
	})
	if err == nil {
		err = bad
	}
	if err != nil {
		return nil, err
	}
	for _, id := range legacy {
		st, err := s.EnrollmentStatus(ctx, programID, id)
		if err != nil {
			return nil, err
		}
		out[id] = st
	}
	return out, nil
}

// EnrollmentStatus implements collab.Store: the status of member's admitted
// enrollment in program, "" for none — one read of its place.
func (s *Store) EnrollmentStatus(ctx context.Context, programID, memberID string) (enrollment.Status, error) {
	var pair enrollmentPairItem
	err := s.getItem(ctx, "get enrollment pair", enrollmentPairKey(programID, memberID), &pair, errNoItem)
	if err == errNoItem {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if pair.Status != "" {
		return enrollment.Status(pair.Status), nil
	}
	e, err := s.GetEnrollment(ctx, pair.EnrollmentID)
	if err != nil {
		return "", err
	}
	return e.Status, nil
}
