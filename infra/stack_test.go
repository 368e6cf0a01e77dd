package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/tandemhq/tandem/shared/routes"
	"github.com/tandemhq/tandem/shared/table"
)

// jsii is not goroutine-safe: one synth per test binary, no t.Parallel.
// It makes two stacks: the one most tests read, and a variant with the
// optional settings on (an API domain, an existing SES identity).
var (
	once     sync.Once
	tmpl     assertions.Template
	notes    assertions.Annotations
	doc      map[string]any
	variant  synthesized
	synthErr error
)

// synthesized is one stack's template, read through JSON, and its
// annotations (cdk-nag's findings).
type synthesized struct {
	tmpl  assertions.Template
	notes assertions.Annotations
	doc   map[string]any
}

// The variant's optional settings.
const (
	variantAPIDomain   = "partners.tandem.example.com"
	variantCertificate = "arn:aws:acm:eu-west-1:123456789012:certificate/0c1d2e3f-aaaa-bbbb-cccc-0123456789ab"
)

func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

func synthesize(dist string, context map[string]any) (synthesized, error) {
	context["dist"] = dist
	app := awscdk.NewApp(&awscdk.AppProps{Context: &context})
	stack := NewTandemStack(app, "Test", &TandemStackProps{Config: ConfigFromContext(app)})
	// cdk-nag's AwsSolutions pack runs as an aspect during synthesis;
	// its findings are the stack's annotations (TestCdkNagAwsSolutions).
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	s := synthesized{tmpl: assertions.Template_FromStack(stack, nil), notes: assertions.Annotations_FromStack(stack)}
	b, err := json.Marshal(s.tmpl.ToJSON())
	if err != nil {
		return s, err
	}
	return s, json.Unmarshal(b, &s.doc)
}

func synthAll(t *testing.T) {
	t.Helper()
	once.Do(func() {
		defer func() {
			if p := recover(); p != nil {
				synthErr = fmt.Errorf("synth panicked: %v", p)
			}
		}()
		dist, err := os.MkdirTemp("", "tandem-dist-")
		if err != nil {
			synthErr = err
			return
		}
		for _, f := range routes.Functions {
			_ = os.MkdirAll(filepath.Join(dist, f.Name), 0o755)
			_ = os.WriteFile(filepath.Join(dist, f.Name, "bootstrap"), []byte("placeholder "+f.Name), 0o755)
		}
		// The sender's display name goes beyond Latin-1 (an em dash), as
		// RFC 2047 names may: nothing of it may reach an IAM policy.
		def, err := synthesize(dist, map[string]any{"alarmEmail": "ops@tandem.example.com",
			"sender": "Tandem — Partner Desk <no-reply@tandem.example.com>"})
		if err != nil {
			synthErr = err
			return
		}
		tmpl, notes, doc = def.tmpl, def.notes, def.doc
		variant, synthErr = synthesize(dist, map[string]any{"alarmEmail": "ops@tandem.example.com",
			"apiDomain": variantAPIDomain, "apiCertificateArn": variantCertificate, "existingMailIdentity": "true"})
	})
	if synthErr != nil {
		t.Fatal(synthErr)
	}
}

func synth(t *testing.T) (assertions.Template, map[string]any) {
	t.Helper()
	synthAll(t)
	return tmpl, doc
}

// synthVariant is the stack with the optional settings on.
func synthVariant(t *testing.T) synthesized {
	t.Helper()
	synthAll(t)
	return variant
}

// assert runs a jsii assertion, turning its panic into a test failure.
func assert(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s: %v", what, p)
		}
	}()
	f()
}

func resources(doc map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range doc["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			out[id] = res
		}
	}
	return out
}

func props(r map[string]any) map[string]any { p, _ := r["Properties"].(map[string]any); return p }

func ref(v any) string {
	switch x := v.(type) {
	case map[string]any:
		if r, ok := x["Ref"].(string); ok {
			return r
		}
		if g, ok := x["Fn::GetAtt"].([]any); ok {
			return g[0].(string)
		}
		if j, ok := x["Fn::Join"].([]any); ok {
			// The resource a joined ARN names: its GetAtt, else its own Ref.
			for _, part := range j[1].([]any) {
				if m, ok := part.(map[string]any); ok && m["Fn::GetAtt"] != nil {
					return ref(m)
				}
			}
			for _, part := range j[1].([]any) {
				if s := ref(part); s != "" && !strings.HasPrefix(s, "AWS::") {
					return s
				}
			}
		}
	}
	return ""
}

// functionIDs maps each function name to its logical id.
func functionIDs(t *testing.T, doc map[string]any) map[string]string {
	out := map[string]string{}
	for id := range resources(doc, "AWS::Lambda::Function") {
		for _, f := range routes.Functions {
			if strings.HasPrefix(id, "Fn"+strings.ReplaceAll(f.Name, "-", "")) && !strings.Contains(id, "Role") {
				out[f.Name] = id
			}
		}
	}
	if len(out) != len(routes.Functions) {
		t.Fatalf("found functions %v, want all of %d", out, len(routes.Functions))
	}
	return out
}

func TestEveryRouteExistsWithItsFunctionAndAuth(t *testing.T) {
	_, doc := synth(t)
	fnIDs := functionIDs(t, doc)
	integrations := resources(doc, "AWS::ApiGatewayV2::Integration")
	byKey := map[string]map[string]any{}
	for _, r := range resources(doc, "AWS::ApiGatewayV2::Route") {
		byKey[props(r)["RouteKey"].(string)] = props(r)
	}
	if len(byKey) != len(routes.Table) {
		t.Errorf("the API has %d routes, the table %d", len(byKey), len(routes.Table))
	}
	for _, r := range routes.Table {
		p, ok := byKey[r.Key()]
		if !ok {
			t.Errorf("route %s is missing", r.Key())
			continue
		}
		// Console pages (routes.Session) carry no gateway authorizer: a
		// REQUEST authorizer answers a bare 401 when its identity source
		// is missing, where a page must 303 to /login; the function
		// resolves the session cookie itself.
		wantAuth := "NONE"
		if r.Auth == routes.Token {
			wantAuth = "CUSTOM"
		}
		if p["AuthorizationType"] != wantAuth {
			t.Errorf("route %s: authorization %v, want %s", r.Key(), p["AuthorizationType"], wantAuth)
		}
		target := ref(p["Target"])
		in, ok := integrations[target]
		if !ok {
			t.Errorf("route %s: integration %q not found", r.Key(), target)
			continue
		}
		if got := ref(props(in)["IntegrationUri"]); got != fnIDs[r.Function] {
			t.Errorf("route %s goes to %s, want function %s (%s)", r.Key(), got, r.Function, fnIDs[r.Function])
		}
	}
	auths := resources(doc, "AWS::ApiGatewayV2::Authorizer")
	for _, a := range auths {
		p := props(a)
		if p["AuthorizerResultTtlInSeconds"] != float64(30) || p["EnableSimpleResponses"] != true || ref(p["AuthorizerUri"]) != fnIDs[routes.Authorizer] {
			t.Errorf("authorizer: %v", p)
		}
		// Its cache is keyed by the Authorization header alone: it never
		// answers for a session cookie.
		if ids, _ := p["IdentitySource"].([]any); len(ids) != 1 || ids[0] != "$request.header.Authorization" {
			t.Errorf("authorizer identity source %v, want only the Authorization header", p["IdentitySource"])
		}
	}
	if len(auths) != 1 {
		t.Errorf("authorizers: %d, want 1", len(auths))
	}
}

func TestFunctionsAreArm64AL2023WithTracingAndLogRetention(t *testing.T) {
	tm, doc := synth(t)
	for id, r := range resources(doc, "AWS::Lambda::Function") {
		p := props(r)
		arch, _ := p["Architectures"].([]any)
		if p["Runtime"] != "provided.al2023" || len(arch) != 1 || arch[0] != "arm64" || p["Handler"] != "bootstrap" {
			t.Errorf("%s: runtime %v, architectures %v", id, p["Runtime"], p["Architectures"])
		}
		if tc, _ := p["TracingConfig"].(map[string]any); tc["Mode"] != "Active" {
			t.Errorf("%s: tracing %v", id, p["TracingConfig"])
		}
		if lc, _ := p["LoggingConfig"].(map[string]any); lc["LogGroup"] == nil {
			t.Errorf("%s: no log group of its own", id)
		}
	}
	assert(t, "log retention", func() {
		tm.AllResourcesProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 30})
	})
}

func TestTableFromTheSharedDefinition(t *testing.T) {
	tm, doc := synth(t)
	def := table.Definition()
	var gsis []any
	for _, ix := range def.Indexes {
		gsis = append(gsis, map[string]any{
			"IndexName":  ix.Name,
			"KeySchema":  []any{map[string]any{"AttributeName": ix.PartitionKey, "KeyType": "HASH"}, map[string]any{"AttributeName": ix.SortKey, "KeyType": "RANGE"}},
			"Projection": map[string]any{"ProjectionType": "ALL"},
		})
	}
	assert(t, "table", func() {
		tm.HasResourceProperties(jsii.String("AWS::DynamoDB::Table"), map[string]any{
			"KeySchema":                        []any{map[string]any{"AttributeName": def.PartitionKey, "KeyType": "HASH"}, map[string]any{"AttributeName": def.SortKey, "KeyType": "RANGE"}},
			"BillingMode":                      "PAY_PER_REQUEST",
			"StreamSpecification":              map[string]any{"StreamViewType": def.StreamView},
			"PointInTimeRecoverySpecification": map[string]any{"PointInTimeRecoveryEnabled": true},
			"DeletionProtectionEnabled":        true,
			"TimeToLiveSpecification":          map[string]any{"AttributeName": def.TTLAttribute, "Enabled": true},
			"GlobalSecondaryIndexes":           gsis,
		})
	})
	for id, r := range resources(doc, "AWS::DynamoDB::Table") {
		if r["DeletionPolicy"] != "Retain" || r["UpdateReplacePolicy"] != "Retain" {
			t.Errorf("%s is not retained on stack delete: %v %v", id, r["DeletionPolicy"], r["UpdateReplacePolicy"])
		}
	}
}

func TestSchedulesWithRetryAndDeadLetters(t *testing.T) {
	_, doc := synth(t)
	fnIDs := functionIDs(t, doc)
	found := map[string]bool{}
	for id, r := range resources(doc, "AWS::Scheduler::Schedule") {
		p := props(r)
		tg := p["Target"].(map[string]any)
		for _, sc := range routes.Schedules {
			if p["ScheduleExpression"] == sc.Expression && ref(tg["Arn"]) == fnIDs[sc.Function] {
				found[sc.Name] = true
			}
		}
		if rp, _ := tg["RetryPolicy"].(map[string]any); rp["MaximumRetryAttempts"] != float64(3) {
			t.Errorf("%s: retry policy %v", id, tg["RetryPolicy"])
		}
		if tg["DeadLetterConfig"] == nil {
			t.Errorf("%s has no dead-letter queue", id)
		}
		if in, _ := tg["Input"].(string); !strings.Contains(in, "<aws.scheduler.scheduled-time>") {
			t.Errorf("%s does not pass the scheduled time: %v", id, tg["Input"])
		}
		if p["ScheduleExpressionTimezone"] != "Etc/UTC" {
			t.Errorf("%s is not in UTC: %v", id, p["ScheduleExpressionTimezone"])
		}
	}
	for _, name := range []string{"escalation", "renewals", "billing", "redrive"} {
		if !found[name] {
			t.Errorf("schedule %s is missing", name)
		}
	}
}

// Each schedule's description names its steps, in order, as the route
// table does.
func TestSchedulesNameTheirSteps(t *testing.T) {
	_, doc := synth(t)
	fnIDs := functionIDs(t, doc)
	for _, sc := range routes.Schedules {
		want := "Tandem " + sc.Name + ": " + strings.Join(sc.Steps, ", ")
		found := false
		for _, r := range resources(doc, "AWS::Scheduler::Schedule") {
			p := props(r)
			if ref(p["Target"].(map[string]any)["Arn"]) == fnIDs[sc.Function] {
				found = true
				if p["Description"] != want {
					t.Errorf("schedule %s: description %q, want %q", sc.Name, p["Description"], want)
				}
			}
		}
		if !found {
			t.Errorf("schedule %s is missing", sc.Name)
		}
	}
}

func TestNotifierStreamSource(t *testing.T) {
	tm, _ := synth(t)
	assert(t, "event source mapping", func() {
		tm.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
			"BisectBatchOnFunctionError": true,
			"MaximumRetryAttempts":       5,
			"FunctionResponseTypes":      []any{"ReportBatchItemFailures"},
			"StartingPosition":           "TRIM_HORIZON",
			"DestinationConfig":          map[string]any{"OnFailure": assertions.Match_ObjectLike(&map[string]any{"Destination": assertions.Match_AnyValue()})},
			"FilterCriteria":             assertions.Match_ObjectLike(&map[string]any{"Filters": assertions.Match_AnyValue()}),
		})
	})
}

// The same signals as one alarm per function and kind, for a tenth of the
// price: any function's errors or throttles (the account's Lambda metrics
// summed), SES's bounce or complaint rate past its threshold, and the one
// queue where failed work lands. Each notifies the alarm topic.
func TestAlarmsCoverEverySignalAndNotify(t *testing.T) {
	_, doc := synth(t)
	alarms := resources(doc, "AWS::CloudWatch::Alarm")
	queues := resources(doc, "AWS::SQS::Queue")
	if len(queues) != 1 {
		t.Errorf("want one failure queue, got %d", len(queues))
	}
	watched := map[string]bool{}
	metricsRead := 0
	for id, a := range alarms {
		p := props(a)
		if acts, _ := p["AlarmActions"].([]any); len(acts) == 0 {
			t.Errorf("alarm %s notifies nobody", id)
		}
		if name, ok := p["MetricName"].(string); ok {
			metricsRead++
			for _, d := range p["Dimensions"].([]any) {
				watched[name+" of "+ref(d.(map[string]any)["Value"])] = true
			}
			continue
		}
		for _, q := range p["Metrics"].([]any) {
			stat, ok := q.(map[string]any)["MetricStat"].(map[string]any)
			if !ok {
				continue
			}
			metricsRead++
			m := stat["Metric"].(map[string]any)
			if dims, _ := m["Dimensions"].([]any); len(dims) > 0 {
				t.Errorf("alarm %s reads %s per %v; the account's total covers every function", id, m["MetricName"], dims)
			}
			watched[fmt.Sprint(m["Namespace"], " ", m["MetricName"])] = true
		}
	}
	for q := range queues {
		if !watched["ApproximateNumberOfMessagesVisible of "+q] {
			t.Errorf("queue %s has no alarm", q)
		}
	}
	for _, want := range []string{"AWS/Lambda Errors", "AWS/Lambda Throttles", "AWS/SES Reputation.BounceRate", "AWS/SES Reputation.ComplaintRate"} {
		if !watched[want] {
			t.Errorf("no alarm watches %s (watched: %v)", want, watched)
		}
	}
	if len(alarms) != 3 || metricsRead != 5 {
		t.Errorf("%d alarms reading %d metrics, want 3 reading 5 (each metric an alarm reads is billed)", len(alarms), metricsRead)
	}
	if len(resources(doc, "AWS::SNS::Subscription")) != 1 {
		t.Errorf("the alarm email is not subscribed")
	}
}

var wildcardAction = regexp.MustCompile(`^(\*|[a-z0-9-]+:\*)$`)

func TestNoWildcardActionsOrManagedFullAccess(t *testing.T) {
	_, doc := synth(t)
	for id, r := range resources(doc, "AWS::IAM::Policy") {
		stmts := props(r)["PolicyDocument"].(map[string]any)["Statement"].([]any)
		for _, s := range stmts {
			acts := s.(map[string]any)["Action"]
			list, ok := acts.([]any)
			if !ok {
				list = []any{acts}
			}
			for _, a := range list {
				if wildcardAction.MatchString(fmt.Sprint(a)) {
					t.Errorf("policy %s grants %v", id, a)
				}
			}
		}
	}
	for id, r := range resources(doc, "AWS::IAM::Role") {
		managed, _ := props(r)["ManagedPolicyArns"].([]any)
		for _, m := range managed {
			if strings.Contains(fmt.Sprint(m), "FullAccess") {
				t.Errorf("role %s has managed policy %v", id, m)
			}
		}
	}
}

// The stack passes cdk-nag's AwsSolutions pack, with the optional settings
// off and on: no error and no warning stands, except the suppressions in
// stack.go, each with its reason beside it.
func TestCdkNagAwsSolutions(t *testing.T) {
	synth(t)
	rule := assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))
	for level, find := range map[string]func(assertions.Annotations) any{
		"error":   func(n assertions.Annotations) any { return n.FindError(jsii.String("*"), rule) },
		"warning": func(n assertions.Annotations) any { return n.FindWarning(jsii.String("*"), rule) },
	} {
		for _, stack := range []struct {
			name  string
			notes assertions.Annotations
		}{{"", notes}, {"variant ", synthVariant(t).notes}} {
			cdkNagFindings(t, stack.name+level, func() any { return find(stack.notes) })
		}
	}
}

// cdkNagFindings fails the test with each finding find returns.
func cdkNagFindings(t *testing.T, level string, find func() any) {
	t.Helper()
	var found any
	assert(t, "read cdk-nag "+level+"s", func() { found = find() })
	// Read through JSON: the message type's Go fields are marked
	// deprecated (moved to another package), its JSON is stable.
	b, err := json.Marshal(found)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []struct {
		ID    string `json:"id"`
		Entry struct {
			Data any `json:"data"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(b, &msgs); err != nil {
		t.Fatalf("cdk-nag %ss: %v in %s", level, err, b)
	}
	for _, m := range msgs {
		t.Errorf("cdk-nag %s at %s: %v", level, m.ID, m.Entry.Data)
	}
}

// Hosts' sending domains: only the hooks function may create and read
// SES identities, only the mail-delivering functions send, both limited to
// this account's identities (and the configuration set for sending).
func TestSESGrants(t *testing.T) {
	_, doc := synth(t)
	holders := map[string][]string{}
	for id, r := range resources(doc, "AWS::IAM::Policy") {
		for _, s := range props(r)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := s.(map[string]any)
			acts, ok := st["Action"].([]any)
			if !ok {
				acts = []any{st["Action"]}
			}
			for _, a := range acts {
				act := fmt.Sprint(a)
				if !strings.HasPrefix(act, "ses:") {
					continue
				}
				holders[act] = append(holders[act], id)
				if b, _ := json.Marshal(st["Resource"]); !strings.Contains(string(b), ":identity/") {
					t.Errorf("%s grants %s beyond SES identities: %s", id, act, b)
				}
			}
		}
	}
	for act, want := range map[string]string{"ses:CreateEmailIdentity": "Fnhooks", "ses:GetEmailIdentity": "Fnhooks", "ses:TagResource": "Fnhooks"} {
		if len(holders[act]) != 1 || !strings.HasPrefix(holders[act][0], want) {
			t.Errorf("%s is granted to %v, want only the hooks function", act, holders[act])
		}
	}
	if len(holders["ses:SendEmail"]) != 2 {
		t.Errorf("ses:SendEmail is granted to %v, want the notifier and redrive only", holders["ses:SendEmail"])
	}
}

// SES publishes this installation's bounces and complaints to the default
// event bus; one rule, filtered on the configuration set, sends them to the
// mailevents function with retries and a dead-letter queue.
func TestBouncesAndComplaintsReachMailEvents(t *testing.T) {
	tm, doc := synth(t)
	assert(t, "configuration set event destination", func() {
		tm.HasResourceProperties(jsii.String("AWS::SES::ConfigurationSetEventDestination"), map[string]any{
			"EventDestination": assertions.Match_ObjectLike(&map[string]any{
				"Enabled":                true,
				"MatchingEventTypes":     []any{"bounce", "complaint"},
				"EventBridgeDestination": map[string]any{"EventBusArn": assertions.Match_AnyValue()},
			}),
		})
	})
	fnIDs := functionIDs(t, doc)
	rules := resources(doc, "AWS::Events::Rule")
	if len(rules) != 1 {
		t.Fatalf("want one EventBridge rule, got %d", len(rules))
	}
	for id, r := range rules {
		p := props(r)
		pat, _ := json.Marshal(p["EventPattern"])
		for _, want := range []string{`"source":["aws.ses"]`, `"Email Bounced"`, `"Email Complaint Received"`, `"ses:configuration-set":[{"Ref":"MailEvents`} {
			if !strings.Contains(string(pat), want) {
				t.Errorf("%s's pattern lacks %s: %s", id, want, pat)
			}
		}
		targets, _ := p["Targets"].([]any)
		if len(targets) != 1 {
			t.Fatalf("%s has targets %v", id, targets)
		}
		tg := targets[0].(map[string]any)
		if ref(tg["Arn"]) != fnIDs[routes.MailEvents] {
			t.Errorf("%s targets %v, want the mailevents function", id, tg["Arn"])
		}
		if rp, _ := tg["RetryPolicy"].(map[string]any); rp["MaximumRetryAttempts"] != float64(8) {
			t.Errorf("%s: retry policy %v", id, tg["RetryPolicy"])
		}
		if tg["DeadLetterConfig"] == nil {
			t.Errorf("%s has no dead-letter queue", id)
		}
	}
}

// policyResources returns every Resource and NotResource of every policy
// statement in the template (role, topic and queue policies alike), by
// the logical id of the resource that holds the policy.
func policyResources(doc map[string]any) map[string][]any {
	out := map[string][]any{}
	var walk func(id string, v any)
	walk = func(id string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if stmts, ok := x["Statement"].([]any); ok {
				for _, s := range stmts {
					st, _ := s.(map[string]any)
					for _, k := range []string{"Resource", "NotResource"} {
						if r, ok := st[k]; ok {
							if list, ok := r.([]any); ok {
								out[id] = append(out[id], list...)
							} else {
								out[id] = append(out[id], r)
							}
						}
					}
				}
			}
			for _, e := range x {
				walk(id, e)
			}
		case []any:
			for _, e := range x {
				walk(id, e)
			}
		}
	}
	for id, r := range doc["Resources"].(map[string]any) {
		walk(id, props(r.(map[string]any)))
	}
	return out
}

// IAM refuses a policy with a character above U+00FF in a resource, and an
// SES identity ARN names a domain or an address, never a display name: the
// sender's name (RFC 2047, any script) must stay out of every policy.
func TestPolicyResourcesAreLatin1AndIdentitiesBare(t *testing.T) {
	_, doc := synth(t)
	identities := 0
	for id, list := range policyResources(doc) {
		for _, r := range list {
			s := worstValue(doc, r)
			for _, c := range s {
				if c > 0xFF {
					t.Errorf("%s: resource %q holds %q, outside Latin-1: IAM refuses the policy", id, s, c)
					break
				}
			}
			_, name, ok := strings.Cut(s, ":identity/")
			if !ok {
				continue
			}
			identities++
			if name != "*" && name != "tandem.example.com" {
				t.Errorf("%s: SES identity %q is neither the installation's domain nor this account's identities", id, name)
			}
		}
	}
	if identities == 0 {
		t.Error("no SES identity in any policy: the test reads nothing")
	}
}

// The alarm topic's policy keeps TLS only, and, since a topic policy
// replaces SNS's default one, allows CloudWatch to publish exactly this
// stack's alarms (its account, its alarms' ARNs): without it no alarm is
// ever delivered.
func TestAlarmTopicLetsCloudWatchPublishOverTLSOnly(t *testing.T) {
	_, doc := synth(t)
	topics := resources(doc, "AWS::SNS::Topic")
	if len(topics) != 1 {
		t.Fatalf("want one topic, got %d", len(topics))
	}
	var topic string
	for id := range topics {
		topic = id
	}
	notifying := map[string]bool{}
	for id, a := range resources(doc, "AWS::CloudWatch::Alarm") {
		for _, act := range props(a)["AlarmActions"].([]any) {
			if ref(act) == topic {
				notifying[id] = true
			}
		}
	}
	policies := resources(doc, "AWS::SNS::TopicPolicy")
	if len(policies) != 1 {
		t.Fatalf("want one topic policy, got %d", len(policies))
	}
	var tlsOnly, cloudWatch bool
	for id, p := range policies {
		if ts := props(p)["Topics"].([]any); len(ts) != 1 || ref(ts[0]) != topic {
			t.Errorf("%s applies to %v, want the alarm topic", id, ts)
		}
		for _, s := range props(p)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := s.(map[string]any)
			cond, _ := json.Marshal(st["Condition"])
			switch {
			case st["Effect"] == "Deny" && st["Principal"] == "*" && string(cond) == `{"Bool":{"aws:SecureTransport":"false"}}`:
				tlsOnly = true
			case st["Effect"] == "Allow":
				principal, _ := json.Marshal(st["Principal"])
				if string(principal) != `{"Service":"cloudwatch.amazonaws.com"}` || st["Action"] != "sns:Publish" || ref(st["Resource"]) != topic {
					t.Errorf("%s allows %s to %v on %v; want only CloudWatch to publish to the alarm topic", id, principal, st["Action"], st["Resource"])
					continue
				}
				c := st["Condition"].(map[string]any)
				if acct, _ := json.Marshal(c["StringEquals"]); string(acct) != `{"aws:SourceAccount":{"Ref":"AWS::AccountId"}}` {
					t.Errorf("%s: CloudWatch is not held to this account: %s", id, acct)
				}
				arnLike, _ := c["ArnLike"].(map[string]any)
				sources, _ := arnLike["aws:SourceArn"].([]any)
				got := map[string]bool{}
				for _, src := range sources {
					if g, ok := src.(map[string]any)["Fn::GetAtt"].([]any); ok && g[1] == "Arn" {
						got[ref(src)] = true
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(notifying) || len(sources) != len(got) {
					t.Errorf("%s lets CloudWatch publish for %v, want exactly the alarms that notify the topic, %v", id, sources, notifying)
				}
				cloudWatch = true
			}
		}
	}
	if !tlsOnly {
		t.Error("the topic policy no longer refuses publishing without TLS")
	}
	if !cloudWatch || len(notifying) != 3 {
		t.Errorf("CloudWatch allowed: %v; alarms notifying the topic: %v (want 3)", cloudWatch, notifying)
	}
}

// A metric-math alarm reads each metric through FILL(id, 0): a series with
// no datapoint in a period makes "errors + throttles" empty, and an empty
// expression is missing data, which keeps the alarm OK.
func TestMathAlarmsFillMissingSeries(t *testing.T) {
	_, doc := synth(t)
	math := 0
	for id, a := range resources(doc, "AWS::CloudWatch::Alarm") {
		queries, _ := props(a)["Metrics"].([]any)
		var expr string
		var ids []string
		for _, q := range queries {
			m := q.(map[string]any)
			if e, ok := m["Expression"].(string); ok {
				expr = e
			} else {
				ids = append(ids, m["Id"].(string))
			}
		}
		if expr == "" {
			continue
		}
		math++
		for _, mid := range ids {
			uses := regexp.MustCompile(`\b`+mid+`\b`).FindAllStringIndex(expr, -1)
			filled := regexp.MustCompile(`FILL\(`+mid+`, 0\)`).FindAllStringIndex(expr, -1)
			if len(uses) == 0 || len(uses) != len(filled) {
				t.Errorf("alarm %s reads %s in %q %d times, %d of them through FILL(%s, 0)", id, mid, expr, len(uses), len(filled), mid)
			}
		}
	}
	if math != 2 {
		t.Errorf("%d metric-math alarms, want 2", math)
	}
}

// A schedule references its role but not the role's policy, which grants
// the invoke: CloudFormation could create the schedule, and Scheduler fire
// it, before the policy is attached. Each schedule depends on every policy
// of its role.
func TestSchedulesWaitForTheirRolesPolicy(t *testing.T) {
	_, doc := synth(t)
	policiesOf := map[string][]string{}
	for id, p := range resources(doc, "AWS::IAM::Policy") {
		for _, r := range props(p)["Roles"].([]any) {
			policiesOf[ref(r)] = append(policiesOf[ref(r)], id)
		}
	}
	schedules := resources(doc, "AWS::Scheduler::Schedule")
	for id, s := range schedules {
		role := ref(props(s)["Target"].(map[string]any)["RoleArn"])
		after := map[string]bool{}
		deps, _ := s["DependsOn"].([]any)
		for _, d := range deps {
			after[d.(string)] = true
		}
		if len(policiesOf[role]) == 0 {
			t.Errorf("%s's role %s has no policy: nothing lets it invoke its function", id, role)
		}
		for _, p := range policiesOf[role] {
			if !after[p] {
				t.Errorf("%s does not depend on %s, its role's policy: it may fire before it can invoke (DependsOn %v)", id, p, deps)
			}
		}
	}
	if len(schedules) != len(routes.Schedules) {
		t.Errorf("%d schedules, want %d", len(schedules), len(routes.Schedules))
	}
}

// By default the stack creates the domain's SES identity and prints its
// three DKIM CNAME records; with existingMailIdentity it creates none (SES
// holds one identity per domain, so a second create fails the deploy) and
// names the domain. The grants name the domain identity either way.
func TestMailIdentityCreatedOrExisting(t *testing.T) {
	_, doc := synth(t)
	ids := resources(doc, "AWS::SES::EmailIdentity")
	var identity string
	for id, r := range ids {
		identity = id
		if props(r)["EmailIdentity"] != "tandem.example.com" {
			t.Errorf("%s is %v, want the domain", id, props(r)["EmailIdentity"])
		}
	}
	if len(ids) != 1 {
		t.Fatalf("%d SES identities, want 1", len(ids))
	}
	outputs := doc["Outputs"].(map[string]any)
	for i := 1; i <= 3; i++ {
		o, _ := outputs[fmt.Sprintf("DkimRecord%d", i)].(map[string]any)
		b, _ := json.Marshal(o["Value"])
		for _, want := range []string{
			fmt.Sprintf(`{"Fn::GetAtt":["%s","DkimDNSTokenName%d"]}`, identity, i), `"CNAME"`,
			fmt.Sprintf(`{"Fn::GetAtt":["%s","DkimDNSTokenValue%d"]}`, identity, i),
		} {
			if !strings.Contains(string(b), want) {
				t.Errorf("output DkimRecord%d is %s, lacks %s", i, b, want)
			}
		}
	}
	if o, _ := outputs["MailIdentity"].(map[string]any); ref(o["Value"]) != identity {
		t.Errorf("output MailIdentity is %v, want the identity %s", o["Value"], identity)
	}

	v := synthVariant(t).doc
	if n := len(resources(v, "AWS::SES::EmailIdentity")); n != 0 {
		t.Errorf("with existingMailIdentity the stack creates %d SES identities, want none", n)
	}
	vout := v["Outputs"].(map[string]any)
	if o, _ := vout["MailIdentity"].(map[string]any); o["Value"] != "tandem.example.com" {
		t.Errorf("with existingMailIdentity, output MailIdentity is %v, want the domain", o["Value"])
	}
	for name := range vout {
		if strings.HasPrefix(name, "Dkim") {
			t.Errorf("with existingMailIdentity, output %s refers to an identity the stack does not create", name)
		}
	}
	found := false
	for _, list := range policyResources(v) {
		for _, r := range list {
			found = found || strings.HasSuffix(worstValue(v, r), ":identity/tandem.example.com")
		}
	}
	if !found {
		t.Error("with existingMailIdentity, no grant names the domain's identity")
	}
}

// apiDomain with apiCertificateArn: a regional domain name (TLS 1.2) with
// that certificate, mapped to the API's default stage, its DNS target an
// output, and every function's base URL at it. Without, none of that, and
// the base URL is the API's own.
func TestAPIDomain(t *testing.T) {
	_, doc := synth(t)
	for _, typ := range []string{"AWS::ApiGatewayV2::DomainName", "AWS::ApiGatewayV2::ApiMapping"} {
		if n := len(resources(doc, typ)); n != 0 {
			t.Errorf("without apiDomain: %d %s", n, typ)
		}
	}
	baseURLs := func(doc map[string]any) map[string]bool {
		out := map[string]bool{}
		for _, r := range resources(doc, "AWS::Lambda::Function") {
			vars, _ := props(r)["Environment"].(map[string]any)["Variables"].(map[string]any)
			b, _ := json.Marshal(vars["TANDEM_BASE_URL"])
			out[string(b)] = true
		}
		return out
	}
	var api string
	for id := range resources(doc, "AWS::ApiGatewayV2::Api") {
		api = id
	}
	if got, want := baseURLs(doc), fmt.Sprintf(`{"Fn::GetAtt":["%s","ApiEndpoint"]}`, api); len(got) != 1 || !got[want] {
		t.Errorf("without apiDomain, base URLs %v, want the API's endpoint %s", got, want)
	}

	v := synthVariant(t)
	assert(t, "domain name", func() {
		v.tmpl.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::DomainName"), jsii.Number(1))
		v.tmpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::DomainName"), map[string]any{
			"DomainName": variantAPIDomain,
			"DomainNameConfigurations": []any{map[string]any{
				"CertificateArn": variantCertificate, "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2",
			}},
		})
	})
	maps := resources(v.doc, "AWS::ApiGatewayV2::ApiMapping")
	domains := resources(v.doc, "AWS::ApiGatewayV2::DomainName")
	var stage string
	for id := range resources(v.doc, "AWS::ApiGatewayV2::Stage") {
		stage = id
	}
	for id, m := range maps {
		p := props(m)
		if _, ok := domains[ref(p["DomainName"])]; !ok || ref(p["ApiId"]) != api || p["Stage"] != "$default" {
			t.Errorf("%s maps %v to %v stage %v, want the domain to the API's default stage", id, p["DomainName"], p["ApiId"], p["Stage"])
		}
		// The stage is named, not referenced: the mapping must wait for it.
		if deps, _ := json.Marshal(m["DependsOn"]); !strings.Contains(string(deps), `"`+stage+`"`) {
			t.Errorf("%s does not wait for the stage %s it maps to (DependsOn %s)", id, stage, deps)
		}
	}
	if len(maps) != 1 {
		t.Errorf("%d API mappings, want 1", len(maps))
	}
	o, _ := v.doc["Outputs"].(map[string]any)["ApiDomainTarget"].(map[string]any)
	value, _ := o["Value"].(map[string]any)
	if g, _ := value["Fn::GetAtt"].([]any); len(g) != 2 || g[1] != "RegionalDomainName" {
		t.Errorf("output ApiDomainTarget is %v, want the domain's regional name", o["Value"])
	}
	if got := baseURLs(v.doc); len(got) != 1 || !got[`"https://`+variantAPIDomain+`"`] {
		t.Errorf("with apiDomain, base URLs %v, want https://%s", got, variantAPIDomain)
	}
}
