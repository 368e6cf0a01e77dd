package stripecheckout

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/awsclient"
)

// MustUse is the app.Option of the function that takes payments
// (functions/payments): it gives c its Stripe account, the keys from
// Secrets Manager, read once at cold start, or from the environment where
// no secret is named; without either, online payment answers 503. Only
// that function imports this package, so no other function's zip carries
// Stripe's library.
func MustUse(c *app.Config, awsCfg aws.Config) {
	if err := Use(context.Background(), c, awsCfg); err != nil {
		log := c.Log
		if log == nil {
			log = slog.Default()
		}
		log.Error("cannot start", "err", err)
		os.Exit(1)
	}
}

// Use sets c.Payments from c.Stripe (see app.StripeConfig), unless code
// set it: the local gateway and the tests call it before building their
// app, with an empty awsCfg when the keys come from the environment.
func Use(ctx context.Context, c *app.Config, awsCfg aws.Config) error {
	st := c.Stripe
	if c.Payments != nil {
		return nil
	}
	if st.SecretARN != "" {
		raw, err := awsclient.SecretString(ctx, awsCfg, st.SecretARN, c.SecretsEndpoint)
		if err != nil {
			return err
		}
		var keys struct {
			APIKey        string `json:"apiKey"`
			WebhookSecret string `json:"webhookSecret"`
		}
		if err := json.Unmarshal([]byte(raw), &keys); err != nil || keys.APIKey == "" || keys.WebhookSecret == "" {
			// Not set up yet (the stack creates the secret empty): the
			// function serves everything else; paying online answers 503.
			log := c.Log
			if log == nil {
				log = slog.Default()
			}
			log.Warn(`online payment is off: the Stripe secret does not hold {"apiKey": "sk_…", "webhookSecret": "whsec_…"}`, "secret", st.SecretARN)
			return nil
		}
		st.APIKey, st.WebhookSecret = keys.APIKey, keys.WebhookSecret
	}
	if st.APIKey == "" {
		return nil
	}
	c.Payments = New(Config{APIKey: st.APIKey, WebhookSecret: st.WebhookSecret, APIBase: st.APIBase})
	return nil
}
