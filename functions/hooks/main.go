// Command hooks takes signed vendor webhooks in and manages webhook secrets.
package main

import (
	// Business hours are validated and clocked here; the runtime has no zoneinfo.
	_ "time/tzdata"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tandemhq/tandem/shared/api"
	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/console"
	"github.com/tandemhq/tandem/shared/httpapp"
	"github.com/tandemhq/tandem/shared/routes"
	"github.com/tandemhq/tandem/shared/sending/sesidentity"
)

func main() {
	// Hosts register their sending domains with SES from here.
	lambda.Start(httpapp.MustStart(routes.Hooks, api.HooksHandlers, console.HooksHandlers, func(c *app.Config, cfg aws.Config) {
		c.Identities = sesidentity.New(cfg, c.AWS.SESEndpoint)
	}))
}
