package store

import (
	"context"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/marketplace"
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

// GetConfiguration implements marketplace.Store.
func (s *Store) GetConfiguration(ctx context.Context, id string) (marketplace.Configuration, error) {
	var it configurationItem
	if err := s.getItem(ctx, "get configuration", configurationKey(id), &it, apperr.NotFound("configuration %s not found", id)); err != nil {
		return marketplace.Configuration{}, err
	}
	return it.domain()
}
