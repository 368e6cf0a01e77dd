package webhook

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
)

// SecretStore is what secret rotation needs of the table.
type SecretStore interface {
	GetMember(ctx context.Context, id string) (member.Member, error)
	GetWebhookSecrets(ctx context.Context, memberID string) (SecretSet, error)
	// SaveWebhookSecrets writes the set if the stored one is still at
	// version prev (0: none yet), creating the integration user if given.
	SaveWebhookSecrets(ctx context.Context, s SecretSet, prev int, integration *member.User) error
}

// Secrets rotates members' webhook secrets, and shows their state and
// deliveries to their admins.
type Secrets struct {
	store interface {
		SecretStore
		DeliveryStore
	}
	Now func() time.Time
}

// NewSecrets is the secrets over st configured as c (its exported fields):
// its store is its own, so no caller reads around its checks.
func NewSecrets(st interface {
	SecretStore
	DeliveryStore
}, c Secrets) *Secrets {
	c.store = st
	return &c
}

// Rotate makes a new secret for member memberID (its admins, operators) and
// returns it, shown this once; the previous one verifies for a day more.
// The first rotation also creates the integration user inbound events act
// as (roles engineer and critical; an admin may change them).
func (s *Secrets) Rotate(ctx context.Context, p auth.Principal, memberID string) (string, error) {
	if !p.In(memberID) || !ident.Valid(ident.Member, memberID) {
		return "", apperr.NotFound("member %s not found", memberID)
	}
	if !p.AdminOf(memberID) {
		return "", apperr.Forbidden("webhook secrets need the admin role")
	}
	m, err := s.store.GetMember(ctx, memberID)
	if err != nil {
		return "", err
	}
	now := s.Now()
	old, err := s.store.GetWebhookSecrets(ctx, memberID)
	if err != nil && !errors.Is(err, ErrNoSecret) {
		return "", err
	}
	next := SecretSet{MemberID: memberID, Current: NewSecret(), UserID: old.UserID, RotatedAt: now, Version: old.Version + 1}
	if old.Current != "" {
		next.Previous, next.PreviousUntil = old.Current, now.Add(RotationGrace)
	}
	var integration *member.User
	if next.UserID == "" {
		integration = &member.User{
			ID: ident.New(ident.User, now), MemberID: memberID, Name: m.Name + " webhook integration",
			Email: m.Contacts.Primary.Email, Roles: []string{auth.RoleCritical, auth.RoleEngineer},
			Status: member.UserActive, CreatedAt: now, UpdatedAt: now, Version: 1, UpdatedBy: p.Actor(),
		}
		next.UserID = integration.ID
	}
	if err := s.store.SaveWebhookSecrets(ctx, next, old.Version, integration); err != nil {
		return "", fmt.Errorf("rotate webhook secret of %s: %w", memberID, err)
	}
	return next.Current, nil
}

// DeliveryStore lists a member's outbound webhook deliveries.
type DeliveryStore interface {
	ListDeliveries(ctx context.Context, memberID string, limit int, cursor string) ([]Delivery, string, error)
}

// admin refuses anyone but member memberID's admins and operators.
func admin(p auth.Principal, memberID, what string) error {
	if !p.In(memberID) || !ident.Valid(ident.Member, memberID) {
		return apperr.NotFound("member %s not found", memberID)
	}
	if !p.AdminOf(memberID) {
		return apperr.Forbidden("%s are for the member's admins", what)
	}
	return nil
}

// Deliveries pages through member memberID's outbound webhook deliveries,
// newest first (its admins, operators).
func (s *Secrets) Deliveries(ctx context.Context, p auth.Principal, memberID string, limit int, cursor string) ([]Delivery, string, error) {
	if err := admin(p, memberID, "webhook deliveries"); err != nil {
		return nil, "", err
	}
	return s.store.ListDeliveries(ctx, memberID, limit, cursor)
}

// Current is member memberID's secret set as its webhooks page shows it
// (its admins, operators): when it was rotated, until when the previous one
// verifies; ErrNoSecret before the first rotation.
func (s *Secrets) Current(ctx context.Context, p auth.Principal, memberID string) (SecretSet, error) {
	if err := admin(p, memberID, "webhook secrets"); err != nil {
		return SecretSet{}, err
	}
	return s.store.GetWebhookSecrets(ctx, memberID)
}
