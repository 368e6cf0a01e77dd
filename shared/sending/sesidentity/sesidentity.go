// Package sesidentity is sending.Identities over Amazon SES v2.
package sesidentity

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/tandemhq/tandem/shared/sending"
)

// SES implements sending.Identities over SES v2.
type SES struct{ Client *sesv2.Client }

// Create implements Identities: the identity is tagged with its owner, so
// a later Create of the same domain (for another member) sees whose it is.
func (s SES) Create(ctx context.Context, domain, owner string) (sending.Identity, error) {
	out, err := s.Client.CreateEmailIdentity(ctx, &sesv2.CreateEmailIdentityInput{
		EmailIdentity: &domain, Tags: []types.Tag{{Key: aws.String(sending.OwnerTag), Value: &owner}},
	})
	var exists *types.AlreadyExistsException
	if errors.As(err, &exists) {
		return s.Get(ctx, domain)
	}
	if err != nil {
		return sending.Identity{}, fmt.Errorf("create identity %s: %w", domain, err)
	}
	id := identity(domain, out.VerifiedForSendingStatus, out.DkimAttributes)
	id.Owner = owner
	return id, nil
}

// Get implements Identities.
func (s SES) Get(ctx context.Context, domain string) (sending.Identity, error) {
	out, err := s.Client.GetEmailIdentity(ctx, &sesv2.GetEmailIdentityInput{EmailIdentity: &domain})
	var missing *types.NotFoundException
	if errors.As(err, &missing) {
		return sending.Identity{}, sending.ErrUnknown
	}
	if err != nil {
		return sending.Identity{}, fmt.Errorf("get identity %s: %w", domain, err)
	}
	id := identity(domain, out.VerifiedForSendingStatus, out.DkimAttributes)
	for _, t := range out.Tags {
		if aws.ToString(t.Key) == sending.OwnerTag {
			id.Owner = aws.ToString(t.Value)
		}
	}
	return id, nil
}

// identity is what SES answered for domain, in the domain's terms.
func identity(domain string, verified bool, dkim *types.DkimAttributes) sending.Identity {
	id := sending.Identity{Domain: domain, Verified: verified}
	if dkim != nil {
		id.Status, id.Records = string(dkim.Status), sending.Records(domain, dkim.Tokens)
	}
	return id
}

// New is the identity API of the SES endpoint ("" for AWS's).
func New(cfg aws.Config, endpoint string) SES {
	return SES{Client: sesv2.NewFromConfig(cfg, func(o *sesv2.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})}
}
