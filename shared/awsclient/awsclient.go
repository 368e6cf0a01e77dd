// Package awsclient builds the AWS SDK configuration and the DynamoDB
// client once per process, pointed at AWS or at DynamoDB Local.
//
// It deliberately avoids the SDK's config package: its shared-config and
// SSO credential chain adds megabytes to every function, and on Lambda the
// credentials are in the environment anyway. Tools that need profiles load
// configuration themselves.
package awsclient

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"
)

// Options says where the clients point. Empty endpoints mean AWS itself.
type Options struct {
	Region           string
	DynamoDBEndpoint string
	SESEndpoint      string
	// Credentials overrides the environment's (tools using profiles).
	Credentials aws.CredentialsProvider
	// APIOptions are extra middleware (fault injection in tests).
	APIOptions []func(*aws.Config)
}

// Local reports whether any client points at a local stand-in.
func (o Options) Local() bool { return o.DynamoDBEndpoint != "" || o.SESEndpoint != "" }

// Load returns the shared SDK configuration: bounded retries without the
// client-side retry quota (a burst of conflicts must not turn into quota
// errors), pooled connections, and credentials from the environment (fixed
// ones for the local stand-ins).
func Load(_ context.Context, o Options) (aws.Config, error) {
	region := firstNonEmpty(o.Region, os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"))
	creds := o.Credentials
	switch {
	case creds != nil:
	case o.Local():
		creds = credentials.NewStaticCredentialsProvider("local", "local", "")
		if region == "" {
			region = "us-east-1"
		}
	default:
		id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
		if id == "" || secret == "" {
			return aws.Config{}, errors.New("awsclient: no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)")
		}
		creds = credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN"))
	}
	if region == "" {
		return aws.Config{}, errors.New("awsclient: no region (AWS_REGION)")
	}
	cfg := aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(creds),
		HTTPClient:  httpClient(10 * time.Second),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = 3
				so.MaxBackoff = 400 * time.Millisecond
				so.RateLimiter = ratelimit.None
			})
		},
	}
	for _, f := range o.APIOptions {
		f(&cfg)
	}
	return cfg, nil
}

// httpClient pools connections; timeout bounds each attempt (0: only the
// caller's context does).
func httpClient(timeout time.Duration) *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().
		WithTimeout(timeout).
		WithTransportOptions(func(t *http.Transport) {
			t.MaxIdleConns = 256
			t.MaxIdleConnsPerHost = 64
			t.IdleConnTimeout = 90 * time.Second
		})
}

// Sending returns cfg for a client whose calls are not idempotent: SES's
// SendEmail has no idempotency token, and a server that hangs may still
// send every request it was given. Such a call is made once — tried again
// only when the request provably never reached the service (the connection
// was refused, or the service answered that it is throttling) — and no
// client-wide timeout cuts it short: the caller's context is its whole
// budget (see delivery.SendTimeout). An attempt given up on, or retried on
// a timeout, is how one mail was sent three times while SES hung.
func Sending(cfg aws.Config) aws.Config {
	c := cfg.Copy()
	c.HTTPClient = httpClient(0)
	c.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 3
			so.MaxBackoff = 400 * time.Millisecond
			so.RateLimiter = ratelimit.None
			so.Retryables = []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(unsent)}
		})
	}
	return c
}

// unsent says whether a failed call certainly left the service untouched,
// so trying again cannot do the work twice. Everything else — a timeout, a
// reset connection, a 5xx — may have been done, and is not retried here.
func unsent(err error) aws.Ternary {
	var canceled interface{ CanceledError() bool }
	if errors.As(err, &canceled) && canceled.CanceledError() {
		return aws.FalseTernary
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return aws.TrueTernary // no connection, no request
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if _, ok := retry.DefaultThrottleErrorCodes[ae.ErrorCode()]; ok {
			return aws.TrueTernary
		}
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusTooManyRequests {
		return aws.TrueTernary // a stand-in's untyped throttling
	}
	return aws.FalseTernary
}

func firstNonEmpty(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}

// DynamoDB returns a DynamoDB client; endpoint is empty for AWS.
func DynamoDB(cfg aws.Config, endpoint string) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			// DynamoDB Local sends no CRC32 header on errors.
			o.DisableValidateResponseChecksum = true
		}
	})
}
