// Package storetest gives tests a fresh table on the DynamoDB Local that
// `make test` starts (TANDEM_TEST_DYNAMODB). Under CI=true a missing
// emulator fails the test; elsewhere it skips with a hint.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/tandemhq/tandem/shared/awsclient"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/store"
)

// T is what the helpers need of a test: *testing.T and *testing.B have it,
// and so does the benchmark runner of `make bench`.
type T interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
	Skipf(format string, args ...any)
	Logf(format string, args ...any)
	Cleanup(func())
}

// SigningKey signs cursors in tests.
var SigningKey = []byte("test-signing-key-0123456789abcdef")

// Keys is SigningKey as a ring.
var Keys = keyring.Fixed("test", SigningKey)

// Endpoint returns the DynamoDB Local endpoint, or fails/skips the test.
func Endpoint(t T) string {
	t.Helper()
	return need(t, "TANDEM_TEST_DYNAMODB", "DynamoDB Local")
}

// SESEndpoint returns the local SES endpoint, or fails/skips the test.
func SESEndpoint(t T) string {
	t.Helper()
	return need(t, "TANDEM_TEST_SES", "the local SES")
}

func need(t T, env, what string) string {
	t.Helper()
	if v := os.Getenv(env); v != "" {
		return v
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required under CI=true but %s is not set: run the tests with `make test`", what, env)
	}
	t.Skipf("%s not running (%s unset): run `make test`", what, env)
	return ""
}

// Config returns SDK configuration for the local stand-ins.
func Config(t T, opts ...func(*aws.Config)) aws.Config {
	t.Helper()
	cfg, err := awsclient.Load(context.Background(), awsclient.Options{
		DynamoDBEndpoint: Endpoint(t), SESEndpoint: os.Getenv("TANDEM_TEST_SES"), APIOptions: opts,
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Client returns a DynamoDB client for DynamoDB Local.
func Client(t T, opts ...func(*aws.Config)) *dynamodb.Client {
	t.Helper()
	return awsclient.DynamoDB(Config(t, opts...), Endpoint(t))
}

// NewTable creates a table with a fresh name and deletes it after the test.
func NewTable(t T, db *dynamodb.Client) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "test-" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := store.EnsureTable(ctx, db, name); err != nil {
		t.Fatalf("create table: %v", err)
	}
	t.Cleanup(func() {
		_, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	return name
}

// New returns a store over a fresh table.
func New(t T) *store.Store {
	t.Helper()
	db := Client(t)
	return store.New(db, NewTable(t, db), Keys)
}
