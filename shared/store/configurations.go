package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/table"
)

// configurationItem is a validated configuration; GSI1 lists a program's
// by status, newest first.
type configurationItem struct {
	keyAttrs
	ID             string   `dynamodbav:"id"`
	ProgramID      string   `dynamodbav:"programId"`
	HostMemberID   string   `dynamodbav:"hostMemberId"`
	MemberID       string   `dynamodbav:"memberId"`
	MemberName     string   `dynamodbav:"memberName"`
	PartnerProduct string   `dynamodbav:"partnerProduct"`
	PartnerVersion string   `dynamodbav:"partnerVersion"`
	HostProduct    string   `dynamodbav:"hostProduct"`
	HostVersions   []string `dynamodbav:"hostVersions"`
	Notes          string   `dynamodbav:"notes,omitempty"`
	SupportURL     string   `dynamodbav:"supportUrl"`
	Status         string   `dynamodbav:"status"`
	Reason         string   `dynamodbav:"reason,omitempty"`
	SubmittedBy    string   `dynamodbav:"submittedBy"`
	CreatedAt      string   `dynamodbav:"createdAt"`
	UpdatedAt      string   `dynamodbav:"updatedAt"`
	DecidedAt      string   `dynamodbav:"decidedAt,omitempty"`
	Version        int      `dynamodbav:"version"`
}

func configurationPK(id string) string         { return "CONFIG#" + id }
func programConfigurationsPK(id string) string { return "PRGCFG#" + id }
func configurationKey(id string) map[string]types.AttributeValue {
	return key(configurationPK(id), metaSK)
}

func toConfigurationItem(c marketplace.Configuration) configurationItem {
	it := configurationItem{
		keyAttrs: keyAttrs{
			PK: configurationPK(c.ID), SK: metaSK, Type: "configuration",
			GSI1PK: programConfigurationsPK(c.ProgramID), GSI1SK: string(c.Status) + "#" + iso(c.CreatedAt) + "#" + c.ID,
		},
		ID: c.ID, ProgramID: c.ProgramID, HostMemberID: c.HostMemberID, MemberID: c.MemberID, MemberName: c.MemberName,
		PartnerProduct: c.PartnerProduct, PartnerVersion: c.PartnerVersion, HostProduct: c.HostProduct, HostVersions: c.HostVersions,
		Notes: c.Notes, SupportURL: c.SupportURL, Status: string(c.Status), Reason: c.Reason, SubmittedBy: c.SubmittedBy,
		CreatedAt: iso(c.CreatedAt), UpdatedAt: iso(c.UpdatedAt), Version: c.Version,
	}
	if !c.DecidedAt.IsZero() {
		it.DecidedAt = iso(c.DecidedAt)
	}
	return it
}

func (it configurationItem) domain() (marketplace.Configuration, error) {
	return marketplace.Configuration{
		ID: it.ID, ProgramID: it.ProgramID, HostMemberID: it.HostMemberID, MemberID: it.MemberID, MemberName: it.MemberName,
		PartnerProduct: it.PartnerProduct, PartnerVersion: it.PartnerVersion, HostProduct: it.HostProduct, HostVersions: it.HostVersions,
		Notes: it.Notes, SupportURL: it.SupportURL, Status: marketplace.Status(it.Status), Reason: it.Reason, SubmittedBy: it.SubmittedBy,
		CreatedAt: parseISO(it.CreatedAt), UpdatedAt: parseISO(it.UpdatedAt), DecidedAt: parseISO(it.DecidedAt), Version: it.Version,
	}, nil
}

func (s *Store) configurationEventWrite(id string, version int, ev audit.Event) txItem {
	return s.auditWrite(configurationPK(id), version, "configuration", ev)
}

// CreateConfiguration implements marketplace.Store: the configuration, its
// first event and the idempotency commit in one transaction.
func (s *Store) CreateConfiguration(ctx context.Context, c marketplace.Configuration, ev audit.Event, claim idem.Claim) error {
	items := []txItem{
		s.putNew(marshal(toConfigurationItem(c)), apperr.Conflict("configuration %s already exists", c.ID)),
		s.configurationEventWrite(c.ID, c.Version, ev),
	}
	items = append(items, s.commitClaim(claim, c.ID)...)
	return s.transact(ctx, "create configuration", items...)
}

// GetConfiguration implements marketplace.Store.
func (s *Store) GetConfiguration(ctx context.Context, id string) (marketplace.Configuration, error) {
	var it configurationItem
	if err := s.getItem(ctx, "get configuration", configurationKey(id), &it, apperr.NotFound("configuration %s not found", id)); err != nil {
		return marketplace.Configuration{}, err
	}
	return it.domain()
}

// ApplyConfiguration implements marketplace.Store.
func (s *Store) ApplyConfiguration(ctx context.Context, before, after marketplace.Configuration, ev audit.Event) error {
	return s.transact(ctx, "update configuration",
		s.put(marshal(toConfigurationItem(after)), "version = :v", nil, map[string]types.AttributeValue{":v": avN(before.Version)},
			apperr.Conflict("configuration %s was changed by someone else (it is no longer at version %d); reload it", before.ID, before.Version)),
		s.configurationEventWrite(after.ID, after.Version, ev),
	)
}

// ListProgramConfigurations implements marketplace.Store.
func (s *Store) ListProgramConfigurations(ctx context.Context, programID string, status marketplace.Status, memberID string, limit int, cursor string) ([]marketplace.Configuration, string, error) {
	q := pageQuery{
		op: "list configurations", index: table.GSI1, pkAttr: table.GSI1PK, pk: programConfigurationsPK(programID),
		skAttr: table.GSI1SK, limit: limit, cursor: cursor, newestFirst: true,
	}
	if status != "" {
		q.skPrefix = string(status) + "#"
	}
	if memberID != "" {
		q.filter, q.filterNames, q.filterValues = "#m = :m", map[string]string{"#m": "memberId"}, map[string]types.AttributeValue{":m": av(memberID)}
		q.scope = memberID
	}
	items, next, err := s.queryPage(ctx, q)
	if err != nil {
		return nil, "", err
	}
	out, err := convert(items, configurationItem.domain)
	return out, next, err
}

// ListConfigurationEvents implements marketplace.Store: oldest first.
func (s *Store) ListConfigurationEvents(ctx context.Context, id string, limit int, cursor string) ([]audit.Event, string, error) {
	return s.listAudit(ctx, "list configuration events", configurationPK(id), limit, cursor)
}

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
