package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsscheduler"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsschedulertargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/tandemhq/tandem/shared/routes"
	"github.com/tandemhq/tandem/shared/table"
)

// Config is what an installation decides; it comes from the CDK context
// (cdk.json or -c key=value) with safe defaults.
type Config struct {
	// Domain is the SES sending domain (verified by DNS records the stack prints).
	Domain string
	// ExistingMailIdentity uses the SES identity the account already has
	// for Domain instead of creating it (SES holds one per domain).
	ExistingMailIdentity bool
	// Sender is the platform's From address, at Domain (or a subdomain);
	// Check refuses any other.
	Sender string
	// BaseURL is where people reach the API and pages; empty: https://APIDomain,
	// or without it the API's own URL.
	BaseURL string
	// APIDomain, with APICertificateARN (ACM, in the stack's region), serves
	// the API at a domain of the installation's: empty, at its own URL.
	APIDomain         string
	APICertificateARN string
	// AlarmEmail receives alarms; empty: the topic has no subscription.
	AlarmEmail string
	// OperatorEmails are told of level-2 escalations.
	OperatorEmails []string
	// Dist holds the built functions (dist/<name>/bootstrap).
	Dist string
	// TableName names the table; empty lets CloudFormation name it.
	TableName string
	// Deploy is set by `make deploy` (-c deploy=true): Check then also
	// refuses what only matters in a real account (an example domain).
	Deploy bool
}

// TandemStackProps are the stack's properties.
type TandemStackProps struct {
	awscdk.StackProps
	Config Config
}

// NewTandemStack is the whole installation: the table, every function, the
// HTTP API with its authorizer, the schedules, the stream into the
// notifier, SES, alarms.
func NewTandemStack(scope constructs.Construct, id string, props *TandemStackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	cfg := props.Config

	tbl := newTable(stack, cfg)
	// The signing keys (see package keyring): {"kid": "1", "key": <48
	// random characters>} at creation; make rotate-key adds a new current
	// key and keeps the previous ones. Only the functions that sign or
	// verify may read it, once at their cold start (and again when they
	// meet a key id they do not know): the key is in no environment.
	signing := awssecretsmanager.NewSecret(stack, jsii.String("SigningKey"), &awssecretsmanager.SecretProps{
		Description: jsii.String("Signs Tandem's one-click links, form tokens and list cursors (JSON: kid, key, previous)"),
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			SecretStringTemplate: jsii.String(`{"kid":"1"}`), GenerateStringKey: jsii.String("key"),
			ExcludePunctuation: jsii.Bool(true), PasswordLength: jsii.Number(48),
		},
	})
	// Not rotated by Secrets Manager's schedule: a rotation Lambda would
	// replace the value whole, and links in mail live up to 30 days, so
	// make rotate-key rotates it by hand, keeping the previous keys.
	cdknag.NagSuppressions_AddResourceSuppressions(signing, nag("AwsSolutions-SMG4",
		"links in mail stay valid up to 30 days; make rotate-key adds a new current key and keeps the previous ones, which a scheduled rotation Lambda would drop"), nil)
	// The Stripe account of online payment (package payment/stripecheckout):
	// {"apiKey": "sk_live_…", "webhookSecret": "whsec_…"}, put by an
	// operator after the first deploy (aws secretsmanager put-secret-value;
	// the webhook endpoint is <base URL>/v1/hooks/stripe). Only the function
	// that takes payments (payments) may read it, once at its cold start;
	// while it holds no keys, paying online answers 503 and mail offers
	// bank transfer only.
	stripeKeys := awssecretsmanager.NewSecret(stack, jsii.String("StripeKeys"), &awssecretsmanager.SecretProps{
		Description: jsii.String(`Stripe keys of online payment: {"apiKey": "sk_…", "webhookSecret": "whsec_…"}`),
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			SecretStringTemplate: jsii.String(`{"apiKey":"","webhookSecret":""}`), GenerateStringKey: jsii.String("unused"),
		},
	})
	cdknag.NagSuppressions_AddResourceSuppressions(stripeKeys, nag("AwsSolutions-SMG4",
		"Stripe's keys are rolled in Stripe's dashboard, then put here; a rotation Lambda cannot create Stripe keys"), nil)
	alarms := awssns.NewTopic(stack, jsii.String("Alarms"), &awssns.TopicProps{DisplayName: jsii.String("Tandem alarms"), EnforceSSL: jsii.Bool(true)})
	if cfg.AlarmEmail != "" {
		alarms.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(cfg.AlarmEmail), nil))
	}
	alerts := &alerts{topic: alarms}

	identity := mailDomain(stack, cfg)
	configSet := awsses.NewConfigurationSet(stack, jsii.String("MailEvents"), &awsses.ConfigurationSetProps{
		ReputationMetrics: jsii.Bool(true),
	})

	env := map[string]*string{
		"TANDEM_TABLE":                 tbl.TableName(),
		"TANDEM_SENDER":                jsii.String(cfg.Sender),
		"TANDEM_OPERATOR_EMAILS":       jsii.String(strings.Join(cfg.OperatorEmails, ",")),
		"TANDEM_SES_CONFIGURATION_SET": configSet.ConfigurationSetName(),
	}
	if cfg.BaseURL != "" {
		env["TANDEM_BASE_URL"] = jsii.String(cfg.BaseURL)
	}

	fns := map[string]awslambda.Function{}
	for _, f := range routes.Functions {
		fn := newFunction(stack, f, cfg, env)
		grantTable(fn, tbl, f)
		if f.Signs {
			fn.AddEnvironment(jsii.String("TANDEM_SIGNING_SECRET_ARN"), signing.SecretArn(), nil)
			signing.GrantRead(fn, nil)
		}
		if f.Name == routes.Payments {
			fn.AddEnvironment(jsii.String("TANDEM_STRIPE_SECRET_ARN"), stripeKeys.SecretArn(), nil)
			stripeKeys.GrantRead(fn, nil)
		}
		fns[f.Name] = fn
	}
	// Only the functions that deliver mail may send it, and only from the
	// installation's identity and configuration set. SES authorizes the
	// sending identity, the domain: never the sender with its display name,
	// which IAM would refuse outside Latin-1 and would never match.
	for _, name := range []string{routes.Notifier, routes.Redrive} {
		fns[name].AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions: jsii.Strings("ses:SendEmail", "ses:SendRawEmail"),
			Resources: &[]*string{
				awscdk.Stack_Of(stack).FormatArn(&awscdk.ArnComponents{Service: jsii.String("ses"), Resource: jsii.String("identity"), ResourceName: jsii.String(cfg.Domain)}),
				awscdk.Stack_Of(stack).FormatArn(&awscdk.ArnComponents{Service: jsii.String("ses"), Resource: jsii.String("configuration-set"), ResourceName: configSet.ConfigurationSetName()}),
				// Hosts' own sending domains, registered by the hooks
				// function in this account (SES checks the identity is verified).
				hostIdentities(stack),
			},
		}))
	}
	// The hooks function registers hosts' sending domains and reads their
	// verification; nothing else of SES. It tags each identity with the
	// member it is for as it creates it (tagging on create needs
	// ses:TagResource too), so no member adopts another's.
	fns[routes.Hooks].AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("ses:CreateEmailIdentity", "ses:GetEmailIdentity", "ses:TagResource"),
		Resources: &[]*string{hostIdentities(stack)},
	}))

	api := newAPI(stack, fns, cfg)
	if cfg.APIDomain != "" {
		mapAPIDomain(stack, api, cfg)
	}
	if cfg.BaseURL == "" {
		for _, fn := range fns {
			fn.AddEnvironment(jsii.String("TANDEM_BASE_URL"), api.ApiEndpoint(), nil)
		}
	}

	// The notifier reads new outbox items from the stream. Failures are
	// reported per item, batches bisected, retries bounded, and what is
	// left goes to a queue (the outbox's own sweep still owns delivery).
	// Work that failed for good — a stream batch, a scheduled run, a mail
	// event — lands in one queue, which alarms on its first message.
	failures := newQueue(stack, "Failures", alerts)
	fns[routes.Notifier].AddEventSource(awslambdaeventsources.NewDynamoEventSource(tbl, &awslambdaeventsources.DynamoEventSourceProps{
		StartingPosition:        awslambda.StartingPosition_TRIM_HORIZON,
		BatchSize:               jsii.Number(25),
		MaxBatchingWindow:       awscdk.Duration_Seconds(jsii.Number(1)),
		BisectBatchOnError:      jsii.Bool(true),
		RetryAttempts:           jsii.Number(5),
		MaxRecordAge:            awscdk.Duration_Hours(jsii.Number(6)),
		ReportBatchItemFailures: jsii.Bool(true),
		OnFailure:               awslambdaeventsources.NewSqsDlq(failures),
		Filters: &[]*map[string]interface{}{awslambda.FilterCriteria_Filter(&map[string]interface{}{
			"eventName": awslambda.FilterRule_IsEqual(jsii.String("INSERT")),
			"dynamodb": map[string]interface{}{"Keys": map[string]interface{}{
				table.PK: map[string]interface{}{"S": awslambda.FilterRule_BeginsWith(jsii.String(table.OutboxPrefix))},
			}},
		})},
	}))

	for _, sc := range routes.Schedules {
		role := schedulerRole(stack, sc.Name)
		schedule := awsscheduler.NewSchedule(stack, jsii.String("Schedule-"+sc.Name), &awsscheduler.ScheduleProps{
			// The steps are in the description, so the console says what
			// a run does (the escalation run's addenda and mergers).
			Description: jsii.String("Tandem " + sc.Name + ": " + strings.Join(sc.Steps, ", ")),
			Schedule:    awsscheduler.ScheduleExpression_Expression(jsii.String(sc.Expression), awscdk.TimeZone_ETC_UTC()),
			Target: awsschedulertargets.NewLambdaInvoke(fns[sc.Function], &awsschedulertargets.ScheduleTargetBaseProps{
				// The function takes "now" from the event's time, as from an
				// EventBridge scheduled event.
				Input: awsscheduler.ScheduleTargetInput_FromObject(map[string]interface{}{
					"version": "0", "id": awsscheduler.ContextAttribute_ExecutionId(), "detail-type": "Scheduled Event",
					"source": "aws.scheduler", "time": awsscheduler.ContextAttribute_ScheduledTime(),
					"resources": []interface{}{awsscheduler.ContextAttribute_ScheduleArn()}, "detail": map[string]interface{}{},
				}),
				RetryAttempts:   jsii.Number(3),
				MaxEventAge:     awscdk.Duration_Hours(jsii.Number(1)),
				DeadLetterQueue: failures,
				Role:            role,
			}),
		})
		// The target grants its role the invoke (and the dead-letter
		// send) in the role's own policy, a resource the schedule does
		// not otherwise reference: without this, a schedule can exist,
		// and fire, before the policy is attached, and its first runs
		// fail on access.
		schedule.Node().AddDependency(role)
	}

	// Bounces and complaints: the configuration set publishes them to the
	// account's default event bus (the only bus SES publishes to); a rule
	// sends this installation's — tagged with its configuration set — to
	// the mailevents function, which stops mailing the address.
	configSet.AddEventDestination(jsii.String("BouncesAndComplaints"), &awsses.ConfigurationSetEventDestinationOptions{
		Destination: awsses.EventDestination_EventBus(awsevents.EventBus_FromEventBusName(stack, jsii.String("DefaultBus"), jsii.String("default"))),
		Events:      &[]awsses.EmailSendingEvent{awsses.EmailSendingEvent_BOUNCE, awsses.EmailSendingEvent_COMPLAINT},
	})
	awsevents.NewRule(stack, jsii.String("MailEvents-Rule"), &awsevents.RuleProps{
		Description: jsii.String("SES bounces and complaints of Tandem's mail, to the mailevents function"),
		EventPattern: &awsevents.EventPattern{
			Source:     jsii.Strings(routes.SESSource),
			DetailType: jsii.Strings(routes.SESBounce, routes.SESComplaint),
			Detail: &map[string]interface{}{"mail": map[string]interface{}{"tags": map[string]interface{}{
				"ses:configuration-set": []interface{}{configSet.ConfigurationSetName()},
			}}},
		},
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fns[routes.MailEvents], &awseventstargets.LambdaFunctionProps{
			RetryAttempts:   jsii.Number(8),
			MaxEventAge:     awscdk.Duration_Hours(jsii.Number(24)),
			DeadLetterQueue: failures,
		})},
	})

	alarmOnFunctions(stack, alerts)
	alarmOnMailReputation(stack, alerts)
	alerts.allowCloudWatch(stack)

	awscdk.NewCfnOutput(stack, jsii.String("ApiUrl"), &awscdk.CfnOutputProps{Value: api.ApiEndpoint()})
	awscdk.NewCfnOutput(stack, jsii.String("TableName"), &awscdk.CfnOutputProps{Value: tbl.TableName()})
	awscdk.NewCfnOutput(stack, jsii.String("SigningSecretArn"), &awscdk.CfnOutputProps{Value: signing.SecretArn(),
		Description: jsii.String("make rotate-key SECRET=<this> replaces the signing key; links already mailed keep working")})
	awscdk.NewCfnOutput(stack, jsii.String("AlarmTopic"), &awscdk.CfnOutputProps{Value: alarms.TopicArn()})
	awscdk.NewCfnOutput(stack, jsii.String("MailIdentity"), &awscdk.CfnOutputProps{Value: identity})
	suppressStackFindings(stack)
	return stack
}

// mailDomain is the installation's SES domain identity: created with Easy
// DKIM, its three CNAME records stack outputs to publish in DNS; or, with
// ExistingMailIdentity, the identity the account already has for the
// domain (SES holds one identity per domain: creating it again fails the
// deploy), whose records are in the SES console.
func mailDomain(stack awscdk.Stack, cfg Config) *string {
	if cfg.ExistingMailIdentity {
		return jsii.String(cfg.Domain)
	}
	identity := awsses.NewEmailIdentity(stack, jsii.String("MailDomain"), &awsses.EmailIdentityProps{
		Identity: awsses.Identity_Domain(jsii.String(cfg.Domain)),
	})
	for i, r := range *identity.DkimRecords() {
		awscdk.NewCfnOutput(stack, jsii.String(fmt.Sprintf("DkimRecord%d", i+1)), &awscdk.CfnOutputProps{
			Description: jsii.String("A DNS record to publish: SES verifies the domain, and signs its mail, by these three DKIM CNAMEs"),
			Value:       awscdk.Fn_Join(jsii.String(" "), &[]*string{r.Name, jsii.String("CNAME"), r.Value}),
		})
	}
	return identity.EmailIdentityName()
}

// mapAPIDomain serves the API at the installation's own domain (a regional
// API Gateway domain name with its ACM certificate, TLS 1.2, mapped to the
// default stage); the output names the target of its DNS record.
func mapAPIDomain(stack awscdk.Stack, api awsapigatewayv2.HttpApi, cfg Config) {
	domain := awsapigatewayv2.NewDomainName(stack, jsii.String("ApiDomain"), &awsapigatewayv2.DomainNameProps{
		DomainName:     jsii.String(cfg.APIDomain),
		Certificate:    awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("ApiCertificate"), jsii.String(cfg.APICertificateARN)),
		EndpointType:   awsapigatewayv2.EndpointType_REGIONAL,
		SecurityPolicy: awsapigatewayv2.SecurityPolicy_TLS_1_2,
	})
	awsapigatewayv2.NewApiMapping(stack, jsii.String("ApiDomainMapping"), &awsapigatewayv2.ApiMappingProps{
		Api: api, DomainName: domain, Stage: api.DefaultStage(),
	})
	awscdk.NewCfnOutput(stack, jsii.String("ApiDomainTarget"), &awscdk.CfnOutputProps{
		Description: jsii.String("Point the API domain here: a CNAME (or a Route 53 alias) from " + cfg.APIDomain),
		Value:       domain.RegionalDomainName(),
	})
}

// schedulerRole is the role EventBridge Scheduler assumes to run one
// schedule: only Scheduler, for this account's default schedule group (as
// the role CDK would make itself), may assume it.
func schedulerRole(stack awscdk.Stack, name string) awsiam.Role {
	return awsiam.NewRole(stack, jsii.String("Schedule-"+name+"-Role"), &awsiam.RoleProps{
		Description: jsii.String("EventBridge Scheduler runs Tandem's " + name + " schedule"),
		AssumedBy: awsiam.NewPrincipalWithConditions(awsiam.NewServicePrincipal(jsii.String("scheduler.amazonaws.com"), nil), &map[string]any{
			"StringEquals": map[string]any{
				"aws:SourceAccount": stack.Account(),
				"aws:SourceArn":     stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("scheduler"), Resource: jsii.String("schedule-group"), ResourceName: jsii.String("default")}),
			},
		}),
	})
}

// hostIdentities are the SES identities of this account and region.
func hostIdentities(stack awscdk.Stack) *string {
	return awscdk.Stack_Of(stack).FormatArn(&awscdk.ArnComponents{Service: jsii.String("ses"), Resource: jsii.String("identity"), ResourceName: jsii.String("*")})
}

// nag is one cdk-nag suppression: the rule, why it does not apply here,
// and (optionally) the finding it covers.
func nag(id, reason string, appliesTo ...any) *[]*cdknag.NagPackSuppression {
	s := &cdknag.NagPackSuppression{Id: jsii.String(id), Reason: jsii.String(reason)}
	if len(appliesTo) > 0 {
		s.AppliesTo = &appliesTo
	}
	return &[]*cdknag.NagPackSuppression{s}
}

// suppressStackFindings records the AwsSolutions findings that are right
// as they are, each with its reason; the infra tests fail on any other.
func suppressStackFindings(stack awscdk.Stack) {
	for _, s := range []*[]*cdknag.NagPackSuppression{
		nag("AwsSolutions-IAM4", "AWSLambdaBasicExecutionRole only lets a function write its own logs (logs:CreateLogStream, PutLogEvents); the stack creates each log group with a one-month retention",
			"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
		nag("AwsSolutions-IAM5", "X-Ray's PutTraceSegments/PutTelemetryRecords and DynamoDB's ListStreams support no resource-level permissions (Service Authorization Reference)",
			"Resource::*"),
		nag("AwsSolutions-IAM5", "the table's own global secondary indexes (GSI1, GSI2, Due), which every query path reads; no other table is reachable",
			cdknag.RegexAppliesTo{Regex: jsii.String(`/^Resource::<Table[A-Z0-9]+\.Arn>\/index\/\*$/g`)}),
		nag("AwsSolutions-IAM5", "hosts register their own sending domains at run time, so their SES identities are not known when the stack deploys; the grant covers only this account's and region's identities (create, read, send), never other SES actions",
			cdknag.RegexAppliesTo{Regex: jsii.String(`/^Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity\/\*$/g`)}),
		nag("AwsSolutions-IAM5", "EventBridge Scheduler's role may invoke its one target function's versions and aliases (the grant CDK makes for a Lambda target), nothing else",
			cdknag.RegexAppliesTo{Regex: jsii.String(`/^Resource::<Fn[a-z]+[A-Z0-9]+\.Arn>:\*$/g`)}),
	} {
		cdknag.NagSuppressions_AddStackSuppressions(stack, s, nil)
	}
}

// newTable creates the table from the one shared definition: retained and
// protected, point-in-time recovery on, the stream for the notifier.
func newTable(stack awscdk.Stack, cfg Config) awsdynamodb.Table {
	def := table.Definition()
	props := &awsdynamodb.TableProps{
		PartitionKey:        &awsdynamodb.Attribute{Name: jsii.String(def.PartitionKey), Type: awsdynamodb.AttributeType_STRING},
		SortKey:             &awsdynamodb.Attribute{Name: jsii.String(def.SortKey), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:         awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Stream:              awsdynamodb.StreamViewType(def.StreamView),
		TimeToLiveAttribute: jsii.String(def.TTLAttribute),
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		DeletionProtection: jsii.Bool(true),
		RemovalPolicy:      awscdk.RemovalPolicy_RETAIN,
	}
	if cfg.TableName != "" {
		props.TableName = jsii.String(cfg.TableName)
	}
	tbl := awsdynamodb.NewTable(stack, jsii.String("Table"), props)
	for _, ix := range def.Indexes {
		tbl.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:      jsii.String(ix.Name),
			PartitionKey:   &awsdynamodb.Attribute{Name: jsii.String(ix.PartitionKey), Type: awsdynamodb.AttributeType_STRING},
			SortKey:        &awsdynamodb.Attribute{Name: jsii.String(ix.SortKey), Type: awsdynamodb.AttributeType_STRING},
			ProjectionType: awsdynamodb.ProjectionType_ALL,
		})
	}
	return tbl
}

func newFunction(stack awscdk.Stack, f routes.Function, cfg Config, env map[string]*string) awslambda.Function {
	id := "Fn-" + f.Name
	logs := awslogs.NewLogGroup(stack, jsii.String(id+"-Logs"), &awslogs.LogGroupProps{
		Retention:     awslogs.RetentionDays_ONE_MONTH,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	return awslambda.NewFunction(stack, jsii.String(id), &awslambda.FunctionProps{
		Description:   jsii.String(f.Description),
		Runtime:       awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:  awslambda.Architecture_ARM_64(),
		Handler:       jsii.String("bootstrap"),
		Code:          awslambda.Code_FromAsset(jsii.String(filepath.Join(cfg.Dist, f.Name)), nil),
		MemorySize:    jsii.Number(float64(f.MemoryMB)),
		Timeout:       awscdk.Duration_Seconds(jsii.Number(float64(f.TimeoutSec))),
		Tracing:       awslambda.Tracing_ACTIVE,
		LogGroup:      logs,
		LoggingFormat: awslambda.LoggingFormat_JSON,
		Environment:   &env,
	})
}

// grantTable gives a function exactly the item actions it uses, on the
// table and its indexes; the authorizer only reads.
func grantTable(fn awslambda.Function, tbl awsdynamodb.Table, f routes.Function) {
	actions := []string{"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem",
		"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"}
	if f.Kind == routes.Authorize {
		actions = []string{"dynamodb:GetItem"}
	}
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings(actions...),
		Resources: &[]*string{tbl.TableArn(), jsii.String(fmt.Sprintf("%s/index/*", *tbl.TableArn()))},
	}))
}

// alarmOnFunctions is one alarm on any function's errors or throttles: the
// account's Lambda metrics summed by metric math (an alarm costs per metric
// it reads, so one per function and kind cost 24 times as much). It counts
// every function of the account and region: deploy Tandem in an account of
// its own, as AWS advises for workloads, and it watches exactly Tandem's.
func alarmOnFunctions(stack awscdk.Stack, alerts *alerts) {
	mathAlarm(stack, "FunctionErrorsOrThrottles", "Tandem: a function failed or was throttled in the last 5 minutes (see each function's Errors and Throttles)",
		"FILL(errors, 0) + FILL(throttles, 0)", map[string][2]string{"errors": {"AWS/Lambda", "Errors"}, "throttles": {"AWS/Lambda", "Throttles"}},
		"Sum", awscdk.Duration_Minutes(jsii.Number(5)), alerts)
}

// alarmOnMailReputation is one alarm on SES's bounce (≥ 5 %) or complaint
// (≥ 0.1 %) rate, each divided by its threshold: SES pauses accounts whose
// rates climb.
func alarmOnMailReputation(stack awscdk.Stack, alerts *alerts) {
	mathAlarm(stack, "SesReputation", "SES Reputation.BounceRate ≥ 5 % or Reputation.ComplaintRate ≥ 0.1 %; SES may pause sending",
		"MAX([FILL(bounce, 0) / 0.05, FILL(complaint, 0) / 0.001])",
		map[string][2]string{"bounce": {"AWS/SES", "Reputation.BounceRate"}, "complaint": {"AWS/SES", "Reputation.ComplaintRate"}},
		"Maximum", awscdk.Duration_Hours(jsii.Number(1)), alerts)
}

// mathAlarm alarms when expression, over the named account-wide metrics
// (namespace, name) at statistic and period, reaches 1. The expression
// reads each metric through FILL(name, 0): a metric with no datapoint in a
// period (no throttles, say) would otherwise leave the whole expression
// without one, and the alarm OK however many errors the other counts.
func mathAlarm(stack awscdk.Stack, id, description, expression string, metrics map[string][2]string, statistic string, period awscdk.Duration, alerts *alerts) {
	using := map[string]awscloudwatch.IMetric{}
	for name, m := range metrics {
		using[name] = awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String(m[0]), MetricName: jsii.String(m[1]), Statistic: jsii.String(statistic), Period: period,
		})
	}
	a := awscloudwatch.NewAlarm(stack, jsii.String(id), &awscloudwatch.AlarmProps{
		AlarmDescription: jsii.String(description),
		Metric:           awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{Expression: jsii.String(expression), UsingMetrics: &using, Period: period}),
		Threshold:        jsii.Number(1), EvaluationPeriods: jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	alerts.notify(a)
}

// alerts is the alarm topic and the alarms that publish to it.
type alerts struct {
	topic  awssns.Topic
	alarms []awscloudwatch.Alarm
}

// notify makes alarm publish to the topic when it goes off.
func (a *alerts) notify(alarm awscloudwatch.Alarm) {
	alarm.AddAlarmAction(awscloudwatchactions.NewSnsAction(a.topic))
	a.alarms = append(a.alarms, alarm)
}

// allowCloudWatch lets CloudWatch publish these alarms, and only these, to
// the topic. The topic's own policy (TLS only) replaces SNS's default one,
// so without this Allow no alarm would ever be delivered.
func (a *alerts) allowCloudWatch(stack awscdk.Stack) {
	arns := make([]*string, 0, len(a.alarms))
	for _, alarm := range a.alarms {
		arns = append(arns, alarm.AlarmArn())
	}
	a.topic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowThisStacksAlarms"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("sns:Publish"),
		Resources:  &[]*string{a.topic.TopicArn()},
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()},
			"ArnLike":      map[string]any{"aws:SourceArn": arns},
		},
	}))
}

// newQueue is a dead-letter queue with an alarm on any message in it.
func newQueue(stack awscdk.Stack, name string, alerts *alerts) awssqs.Queue {
	q := awssqs.NewQueue(stack, jsii.String(name), &awssqs.QueueProps{
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
	})
	a := awscloudwatch.NewAlarm(stack, jsii.String(name+"-NotEmpty"), &awscloudwatch.AlarmProps{
		AlarmDescription: jsii.String(name + " holds a message: something failed for good; look at it"),
		Metric: q.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
			Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Maximum"),
		}),
		Threshold: jsii.Number(1), EvaluationPeriods: jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	alerts.notify(a)
	cdknag.NagSuppressions_AddResourceSuppressions(q, nag("AwsSolutions-SQS3",
		"this queue is itself the last stop of failed work (the stream's on-failure destination, the schedules' and the mail-event rule's dead-letter queue) and alarms on its first message"), nil)
	return q
}

// newAPI creates the HTTP API from the shared route table: token routes
// behind the Lambda authorizer (results cached briefly), the rest public.
func newAPI(stack awscdk.Stack, fns map[string]awslambda.Function, cfg Config) awsapigatewayv2.HttpApi {
	api := awsapigatewayv2.NewHttpApi(stack, jsii.String("Api"), &awsapigatewayv2.HttpApiProps{
		Description: jsii.String("Tandem HTTP API"),
	})
	authorizer := awsapigatewayv2authorizers.NewHttpLambdaAuthorizer(jsii.String("Bearer"), fns[routes.Authorizer],
		&awsapigatewayv2authorizers.HttpLambdaAuthorizerProps{
			ResponseTypes:   &[]awsapigatewayv2authorizers.HttpLambdaResponseType{awsapigatewayv2authorizers.HttpLambdaResponseType_SIMPLE},
			IdentitySource:  jsii.Strings("$request.header.Authorization"),
			ResultsCacheTtl: awscdk.Duration_Seconds(jsii.Number(30)),
		})
	integrations := map[string]awsapigatewayv2integrations.HttpLambdaIntegration{}
	for _, r := range routes.Table {
		in, ok := integrations[r.Function]
		if !ok {
			// One permission per function for any route of this API: one
			// per route (79 on approval) would pass Lambda's 20 KB limit
			// on a function's resource-based policy and fail the deploy.
			in = awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("Int-"+r.Function), fns[r.Function],
				&awsapigatewayv2integrations.HttpLambdaIntegrationProps{ScopePermissionToRoute: jsii.Bool(false)})
			integrations[r.Function] = in
		}
		opts := &awsapigatewayv2.AddRoutesOptions{
			Path:        jsii.String(r.Path),
			Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod(r.Method)},
			Integration: in,
		}
		if r.Auth == routes.Token {
			opts.Authorizer = authorizer
		}
		added := api.AddRoutes(opts)
		if r.Auth != routes.Token {
			for _, route := range *added {
				cdknag.NagSuppressions_AddResourceSuppressions(route, nag("AwsSolutions-APIG4",
					"public by design: "+publicReason(r)), jsii.Bool(true))
			}
		}
	}
	// Access logs: one line per request, a month kept.
	accessLogs := awslogs.NewLogGroup(stack, jsii.String("ApiAccessLogs"), &awslogs.LogGroupProps{
		Retention: awslogs.RetentionDays_ONE_MONTH, RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	stage := api.DefaultStage().Node().DefaultChild().(awsapigatewayv2.CfnStage)
	stage.SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: accessLogs.LogGroupArn(),
		Format: jsii.String(`{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","method":"$context.httpMethod",` +
			`"route":"$context.routeKey","status":"$context.status","latencyMs":"$context.responseLatency","time":"$context.requestTime"}`),
	})
	return api
}

// publicReason says why a route carries no gateway authorizer.
func publicReason(r routes.Route) string {
	if r.Auth == routes.Signed {
		return "vendor webhooks carry a Standard Webhooks signature the function verifies per member"
	}
	if r.Auth == routes.Session {
		return "console pages resolve the session cookie in the function: without a session they answer 303 to /login, which a gateway authorizer (a bare 401) cannot"
	}
	return "registration pages and one-time links are reached from mail and landing pages by people without a token; each verifies its signed or hashed token itself"
}
