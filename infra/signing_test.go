package main

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/shared/routes"
)

// The signing keys are in no function's environment: the functions that
// sign or verify (routes.Function.Signs) get the secret's ARN and may read
// that secret; the others get neither. The secret holds a key set with an
// id ({"kid": "1", "key": …}), so a rotation can add a key while the old
// one still verifies; its ARN is an output for make rotate-key.
func TestSigningKeyOnlyWhereItSigns(t *testing.T) {
	_, doc := synth(t)
	var secretID, stripeID string
	for id, r := range resources(doc, "AWS::SecretsManager::Secret") {
		gen, _ := props(r)["GenerateSecretString"].(map[string]any)
		switch {
		case gen["GenerateStringKey"] == "unused" && gen["SecretStringTemplate"] == `{"apiKey":"","webhookSecret":""}`:
			stripeID = id // TestStripeKeysOnlyForPayments's
			continue
		case gen["GenerateStringKey"] != "key" || gen["SecretStringTemplate"] != `{"kid":"1"}`:
			t.Errorf("secret %s generates %v, want a key set {\"kid\":\"1\",\"key\":…}", id, gen)
		}
		secretID = id
	}
	if stripeID == "" {
		t.Error("no Stripe secret")
	}
	if secretID == "" {
		t.Fatal("no signing secret")
	}
	fnOf := func(logicalID string) (routes.Function, bool) {
		// Logical ids start with the construct id without its dash
		// ("Fn-cases" → "Fncases…"); the longest matching name wins
		// (no function name is a prefix of another's today).
		var best routes.Function
		for _, f := range routes.Functions {
			if strings.HasPrefix(logicalID, "Fn"+f.Name) && len(f.Name) > len(best.Name) {
				best = f
			}
		}
		return best, best.Name != ""
	}
	signers := map[string]bool{}
	for id, r := range resources(doc, "AWS::Lambda::Function") {
		f, ok := fnOf(id)
		if !ok {
			continue
		}
		vars, _ := props(r)["Environment"].(map[string]any)["Variables"].(map[string]any)
		all, _ := json.Marshal(vars)
		if _, ok := vars["TANDEM_SIGNING_KEY"]; ok || strings.Contains(string(all), "resolve:secretsmanager") || strings.Contains(string(all), "SecretString") {
			t.Errorf("%s: the signing key is in the environment: %s", f.Name, all)
		}
		arn, has := vars["TANDEM_SIGNING_SECRET_ARN"]
		if has != f.Signs {
			t.Errorf("%s: has the secret's ARN %v, signs %v", f.Name, has, f.Signs)
		}
		if has {
			if b, _ := json.Marshal(arn); string(b) != `{"Ref":"`+secretID+`"}` {
				t.Errorf("%s: TANDEM_SIGNING_SECRET_ARN is %s, want the secret's ARN", f.Name, b)
			}
			signers[f.Name] = true
		}
	}
	readers := map[string]bool{}
	for id, r := range resources(doc, "AWS::IAM::Policy") {
		for _, s := range props(r)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := s.(map[string]any)
			b, _ := json.Marshal(st["Action"])
			if !strings.Contains(string(b), "secretsmanager:GetSecretValue") {
				continue
			}
			f, ok := fnOf(id)
			if !ok {
				t.Errorf("%s (no function's) may read secrets: %s", id, b)
				continue
			}
			if res, _ := json.Marshal(st["Resource"]); string(res) == `{"Ref":"`+stripeID+`"}` {
				continue // TestStripeKeysOnlyForPayments's
			}
			if res, _ := json.Marshal(st["Resource"]); string(res) != `{"Ref":"`+secretID+`"}` {
				t.Errorf("%s may read %s, want only the signing secret", f.Name, res)
			}
			readers[f.Name] = true
		}
	}
	var want, gotSigners, gotReaders []string
	for _, f := range routes.Functions {
		if f.Signs {
			want = append(want, f.Name)
		}
	}
	for n := range signers {
		gotSigners = append(gotSigners, n)
	}
	for n := range readers {
		gotReaders = append(gotReaders, n)
	}
	sort.Strings(want)
	sort.Strings(gotSigners)
	sort.Strings(gotReaders)
	if strings.Join(gotSigners, ",") != strings.Join(want, ",") || strings.Join(gotReaders, ",") != strings.Join(want, ",") {
		t.Errorf("functions with the secret's ARN %v and allowed to read it %v, want exactly the signing ones %v", gotSigners, gotReaders, want)
	}
	if len(want) == len(routes.Functions) || len(want) == 0 {
		t.Errorf("%d of %d functions sign: the test proves nothing", len(want), len(routes.Functions))
	}
	outs, _ := doc["Outputs"].(map[string]any)
	if o, _ := outs["SigningSecretArn"].(map[string]any); o == nil {
		t.Errorf("no SigningSecretArn output (make rotate-key needs it): %v", outs)
	}
}

// Stripe's keys are read only by the function that takes payments
// (payments): its environment names the secret's ARN, never the keys, and
// only its role may read the secret.
func TestStripeKeysOnlyForPayments(t *testing.T) {
	_, doc := synth(t)
	stripeID := ""
	for id, r := range resources(doc, "AWS::SecretsManager::Secret") {
		if gen, _ := props(r)["GenerateSecretString"].(map[string]any); gen["GenerateStringKey"] == "unused" {
			stripeID = id
		}
	}
	if stripeID == "" {
		t.Fatal("no Stripe secret")
	}
	ref := `{"Ref":"` + stripeID + `"}`
	var withARN, readers []string
	for id, r := range resources(doc, "AWS::Lambda::Function") {
		vars, _ := props(r)["Environment"].(map[string]any)["Variables"].(map[string]any)
		all, _ := json.Marshal(vars)
		if strings.Contains(string(all), "sk_") || strings.Contains(string(all), "whsec_") || strings.Contains(string(all), "TANDEM_STRIPE_API_KEY") {
			t.Errorf("%s: Stripe keys in the environment: %s", id, all)
		}
		if arn, ok := vars["TANDEM_STRIPE_SECRET_ARN"]; ok {
			if b, _ := json.Marshal(arn); string(b) != ref {
				t.Errorf("%s: TANDEM_STRIPE_SECRET_ARN is %s, want the secret's ARN", id, b)
			}
			withARN = append(withARN, id)
		}
	}
	for id, r := range resources(doc, "AWS::IAM::Policy") {
		for _, s := range props(r)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := s.(map[string]any)
			if res, _ := json.Marshal(st["Resource"]); string(res) == ref {
				readers = append(readers, id)
			}
		}
	}
	prefix := "Fn" + routes.Payments
	if len(withARN) != 1 || !strings.HasPrefix(withARN[0], prefix) || len(readers) != 1 || !strings.HasPrefix(readers[0], prefix) {
		t.Errorf("functions with the Stripe secret's ARN %v, policies reading it %v: want the payments function's only", withARN, readers)
	}
}
