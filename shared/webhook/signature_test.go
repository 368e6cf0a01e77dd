package webhook

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
)

// The Standard Webhooks specification's published known-answer vector.
const (
	specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specTS     = 1614265330
	specBody   = `{"test": 2432232314}`
	specSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestKnownAnswerVector(t *testing.T) {
	got, err := Sign(specSecret, specID, specTS, []byte(specBody))
	if err != nil || got != specSig {
		t.Fatalf("Sign = %q, %v; want %q", got, err, specSig)
	}
	h := Headers{ID: specID, Timestamp: strconv.Itoa(specTS), Signature: specSig}
	if err := Verify([]string{specSecret}, h, []byte(specBody), time.Unix(specTS, 0)); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

func TestVerifyRefuses(t *testing.T) {
	now := time.Unix(specTS, 0)
	good := Headers{ID: specID, Timestamp: strconv.Itoa(specTS), Signature: specSig}
	cases := map[string]struct {
		h       Headers
		body    string
		secrets []string
		now     time.Time
	}{
		"missing id":            {Headers{Timestamp: good.Timestamp, Signature: good.Signature}, specBody, []string{specSecret}, now},
		"missing timestamp":     {Headers{ID: specID, Signature: good.Signature}, specBody, []string{specSecret}, now},
		"missing signature":     {Headers{ID: specID, Timestamp: good.Timestamp}, specBody, []string{specSecret}, now},
		"bad signature":         {Headers{ID: specID, Timestamp: good.Timestamp, Signature: "v1,AAAA"}, specBody, []string{specSecret}, now},
		"tampered body":         {good, `{"test": 1}`, []string{specSecret}, now},
		"other secret":          {good, specBody, []string{NewSecret()}, now},
		"6 minutes old":         {good, specBody, []string{specSecret}, now.Add(6 * time.Minute)},
		"6 minutes ahead":       {good, specBody, []string{specSecret}, now.Add(-6 * time.Minute)},
		"v2 only":               {Headers{ID: specID, Timestamp: good.Timestamp, Signature: "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}, specBody, []string{specSecret}, now},
		"timestamp not numeric": {Headers{ID: specID, Timestamp: "yesterday", Signature: specSig}, specBody, []string{specSecret}, now},
		"no secrets":            {good, specBody, nil, now},
	}
	for name, c := range cases {
		if err := Verify(c.secrets, c.h, []byte(c.body), c.now); !errors.Is(err, apperr.ErrUnauthorized) {
			t.Errorf("%s: got %v, want unauthorized", name, err)
		}
	}
	// Within 5 minutes either way is fine; several signatures (rotation) too.
	for _, d := range []time.Duration{-4 * time.Minute, 4 * time.Minute} {
		if err := Verify([]string{specSecret}, good, []byte(specBody), now.Add(d)); err != nil {
			t.Errorf("skew %v: %v", d, err)
		}
	}
	multi := good
	multi.Signature = "v1,bm9wZQ== " + specSig
	if err := Verify([]string{NewSecret(), specSecret}, multi, []byte(specBody), now); err != nil {
		t.Errorf("several signatures and secrets: %v", err)
	}
}

func TestRotationKeepsThePreviousSecretForADay(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	set := SecretSet{Current: NewSecret(), Previous: specSecret, PreviousUntil: now.Add(RotationGrace)}
	if v := set.Valid(now.Add(23 * time.Hour)); len(v) != 2 {
		t.Errorf("within the grace: %d secrets, want 2", len(v))
	}
	if v := set.Valid(now.Add(25 * time.Hour)); len(v) != 1 || v[0] != set.Current {
		t.Errorf("after the grace: %v, want only the current secret", v)
	}
}
