// Command infra is the CDK app: `make synth` writes the CloudFormation
// template offline, `make deploy` deploys it with the CDK CLI.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func main() { os.Exit(run()) }

func run() int {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	cfg := ConfigFromContext(app)
	if err := cfg.Check(); err != nil {
		fmt.Fprintf(os.Stderr, "tandem: the installation's settings (cdk.json context, or -c key=value) cannot deploy:\n%v\n", err)
		return 1
	}
	NewTandemStack(app, "Tandem", &TandemStackProps{
		StackProps: awscdk.StackProps{
			Env: &awscdk.Environment{
				Account: envOrNil("CDK_DEFAULT_ACCOUNT"),
				Region:  envOrNil("CDK_DEFAULT_REGION"),
			},
			Description: jsii.String("Tandem: partner programs and multi-vendor collaboration cases"),
		},
		Config: cfg,
	})
	app.Synth(nil)
	return 0
}

func envOrNil(k string) *string {
	if v := os.Getenv(k); v != "" {
		return jsii.String(v)
	}
	return nil
}

// ConfigFromContext reads the installation's decisions from the CDK context.
func ConfigFromContext(app awscdk.App) Config {
	get := func(key, def string) string {
		if v, ok := app.Node().TryGetContext(jsii.String(key)).(string); ok && v != "" {
			return v
		}
		return def
	}
	// -c key=true gives a string; cdk.json could hold a boolean.
	flag := func(key string) bool {
		v := app.Node().TryGetContext(jsii.String(key))
		return v == true || v == "true"
	}
	c := Config{
		Domain:               get("domain", "tandem.example.com"),
		ExistingMailIdentity: flag("existingMailIdentity"),
		BaseURL:              get("baseUrl", ""),
		APIDomain:            get("apiDomain", ""),
		APICertificateARN:    get("apiCertificateArn", ""),
		AlarmEmail:           get("alarmEmail", ""),
		Dist:                 get("dist", "dist"),
		TableName:            get("tableName", ""),
		Deploy:               flag("deploy"),
	}
	c.Sender = get("sender", "Tandem <no-reply@"+c.Domain+">")
	if c.BaseURL == "" && c.APIDomain != "" {
		c.BaseURL = "https://" + c.APIDomain
	}
	for _, e := range strings.Split(get("operatorEmails", ""), ",") {
		if e = strings.TrimSpace(e); e != "" {
			c.OperatorEmails = append(c.OperatorEmails, e)
		}
	}
	return c
}
