package awsclient

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The signing keys come from Secrets Manager over its real wire protocol
// (the SDK against a server speaking it): one GetSecretValue of the named
// secret.
func TestSigningKeysReadTheSecret(t *testing.T) {
	const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:Tandem-SigningKey-AbCdEf"
	var calls []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ SecretId string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		calls = append(calls, r.Header.Get("X-Amz-Target")+" "+in.SecretId)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_ = json.NewEncoder(w).Encode(map[string]any{"ARN": arn, "Name": "Tandem-SigningKey", "VersionId": "v1",
			"SecretString": `{"kid":"7","key":"0123456789abcdef0123456789abcdef01234567"}`})
	}))
	defer srv.Close()
	cfg, err := Load(context.Background(), Options{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("id", "secret", "")})
	if err != nil {
		t.Fatal(err)
	}
	set, err := SigningKeys(cfg, arn, srv.URL)(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if set.ID != "7" || len(calls) != 1 || !strings.HasSuffix(calls[0], "GetSecretValue "+arn) {
		t.Fatalf("got key %q after calls %v", set.ID, calls)
	}
}
