package awsclient

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/tandemhq/tandem/shared/keyring"
)

// SigningKeys reads the installation's signing keys from the Secrets
// Manager secret named by arn (endpoint is empty for AWS): one
// GetSecretValue at a function's cold start, and again only when the ring
// asks (see package keyring). The keys never pass through the
// function's environment.
func SigningKeys(cfg aws.Config, arn, endpoint string) keyring.Loader {
	client := secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return func(ctx context.Context) (keyring.Set, error) {
		out, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
		if err != nil {
			return keyring.Set{}, fmt.Errorf("read the signing keys: %w", err)
		}
		if out.SecretString == nil {
			return keyring.Set{}, errors.New("read the signing keys: the secret holds no string")
		}
		return keyring.Parse(*out.SecretString)
	}
}

// SecretString reads a Secrets Manager secret's string once (a function's
// cold start; endpoint is empty for AWS).
func SecretString(ctx context.Context, cfg aws.Config, arn, endpoint string) (string, error) {
	client := secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	out, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
	if err != nil {
		return "", fmt.Errorf("read secret %s: %w", arn, err)
	}
	if out.SecretString == nil {
		return "", fmt.Errorf("read secret %s: it holds no string", arn)
	}
	return *out.SecretString, nil
}
