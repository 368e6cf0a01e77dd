package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/shared/routes"
)

// Lambda refuses AddPermission once a function's resource-based policy
// would pass 20 KB (Lambda quotas: "Function resource-based policy"), and
// the stack rolls back. One AWS::Lambda::Permission per route put
// approval's policy (79 statements) at 26–32 KB with typical names, 42.7 KB
// with the longest. These tests hold every function's policy, estimated
// from the template with the longest values a deploy could fill in, under
// the quota.
const resourcePolicyQuota = 20 * 1024

// The longest values a deploy could fill in, so the estimate errs long.
var worstCase = map[string]string{
	"AWS::Partition": "aws-us-gov",
	"AWS::Region":    "ap-southeast-5",
	"AWS::AccountId": "123456789012",
	"AWS::URLSuffix": "amazonaws.com.cn",
}

const (
	// Lambda's limits: a function name of 64 characters, a statement id
	// of 100 (CloudFormation generates both from the stack and logical id).
	worstFunctionName = 64
	worstStatementID  = 100
	// Any other physical id (an API id, a rule name) is at most this long here.
	worstPhysicalID = 64
)

// worstValue resolves a template value the way CloudFormation would at
// deploy time, with the longest names it could choose.
func worstValue(doc map[string]any, v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if r, ok := x["Ref"].(string); ok {
			if s, ok := worstCase[r]; ok {
				return s
			}
			return strings.Repeat("x", worstPhysicalID)
		}
		if g, ok := x["Fn::GetAtt"].([]any); ok {
			typ, _ := doc["Resources"].(map[string]any)[g[0].(string)].(map[string]any)["Type"].(string)
			if g[1] != "Arn" {
				return strings.Repeat("x", worstPhysicalID)
			}
			if typ == "AWS::Lambda::Function" {
				return worstARN("lambda", "function:"+strings.Repeat("x", worstFunctionName))
			}
			// arn:partition:service:region:account:kind/name
			parts := strings.Split(strings.ToLower(typ), "::")
			return worstARN(parts[1], parts[2]+"/"+strings.Repeat("x", worstPhysicalID))
		}
		if j, ok := x["Fn::Join"].([]any); ok {
			var out []string
			for _, p := range j[1].([]any) {
				out = append(out, worstValue(doc, p))
			}
			return strings.Join(out, j[0].(string))
		}
	}
	panic(fmt.Sprintf("no worst case for %v", v))
}

func worstARN(service, resource string) string {
	return "arn:" + worstCase["AWS::Partition"] + ":" + service + ":" + worstCase["AWS::Region"] + ":" + worstCase["AWS::AccountId"] + ":" + resource
}

// permissionStatement is one statement of a function's policy as Lambda
// writes it for an AddPermission call (GetPolicy's shape).
type permissionStatement struct {
	Sid       string            `json:"Sid"`
	Effect    string            `json:"Effect"`
	Principal map[string]string `json:"Principal"`
	Action    string            `json:"Action"`
	Resource  string            `json:"Resource"`
	Condition map[string]any    `json:"Condition,omitempty"`
}

// estimatedPolicies returns each function's estimated resource-based
// policy size in bytes, and its permissions, by function logical id.
func estimatedPolicies(t *testing.T, doc map[string]any) (map[string]int, map[string][]map[string]any) {
	t.Helper()
	statements := map[string][]permissionStatement{}
	perms := map[string][]map[string]any{}
	for _, r := range resources(doc, "AWS::Lambda::Permission") {
		p := props(r)
		fn := ref(p["FunctionName"])
		st := permissionStatement{
			Sid: strings.Repeat("s", worstStatementID), Effect: "Allow", Action: p["Action"].(string),
			Principal: map[string]string{"Service": p["Principal"].(string)}, Resource: worstValue(doc, p["FunctionName"]),
		}
		if !strings.HasSuffix(p["Principal"].(string), ".amazonaws.com") {
			st.Principal = map[string]string{"AWS": worstValue(doc, p["Principal"])}
		}
		cond := map[string]any{}
		if src, ok := p["SourceArn"]; ok {
			cond["ArnLike"] = map[string]string{"AWS:SourceArn": worstValue(doc, src)}
		}
		if acct, ok := p["SourceAccount"]; ok {
			cond["StringEquals"] = map[string]string{"AWS:SourceAccount": worstValue(doc, acct)}
		}
		if len(cond) > 0 {
			st.Condition = cond
		}
		statements[fn] = append(statements[fn], st)
		perms[fn] = append(perms[fn], p)
	}
	sizes := map[string]int{}
	for fn, sts := range statements {
		b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Id": "default", "Statement": sts})
		if err != nil {
			t.Fatal(err)
		}
		sizes[fn] = len(b)
	}
	return sizes, perms
}

func TestResourcePoliciesFitLambdasQuota(t *testing.T) {
	_, doc := synth(t)
	fnIDs := functionIDs(t, doc)
	sizes, perms := estimatedPolicies(t, doc)
	names := make([]string, 0, len(fnIDs))
	for name := range fnIDs {
		names = append(names, name)
	}
	sort.Strings(names)
	total := 0
	for _, name := range names {
		id := fnIDs[name]
		total += len(perms[id])
		if len(perms[id]) > 0 {
			t.Logf("%-13s %3d permissions, resource-based policy ≤ %5d bytes (estimated long)", name, len(perms[id]), sizes[id])
		}
		// API Gateway may invoke a function of the API by one permission
		// for any route of this API (ScopePermissionToRoute off), not one
		// per route.
		gateway := 0
		for _, p := range perms[id] {
			if p["Principal"] == "apigateway.amazonaws.com" {
				gateway++
			}
		}
		if want := apiPermissionsWanted(name); gateway != want {
			t.Errorf("%s has %d API Gateway permissions, want %d", name, gateway, want)
		}
		if sizes[id] > resourcePolicyQuota {
			t.Errorf("%s's resource-based policy is about %d bytes, over Lambda's %d: AddPermission would fail and the deploy roll back", name, sizes[id], resourcePolicyQuota)
		}
	}
	t.Logf("%d AWS::Lambda::Permission resources", total)
	// One per function the API invokes (its routes' functions and the
	// authorizer), and the mail-event rule's.
	if want := apiFunctions() + 1; total != want {
		t.Errorf("%d AWS::Lambda::Permission resources, want %d", total, want)
	}
}

// apiPermissionsWanted is how many API Gateway permissions function name
// needs: one if the API invokes it (a route's function or the authorizer).
func apiPermissionsWanted(name string) int {
	if name == routes.Authorizer {
		return 1
	}
	for _, r := range routes.Table {
		if r.Function == name {
			return 1
		}
	}
	return 0
}

// apiFunctions is how many functions the API invokes.
func apiFunctions() int {
	n := 0
	for _, f := range routes.Functions {
		n += apiPermissionsWanted(f.Name)
	}
	return n
}
