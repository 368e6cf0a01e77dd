// Command redrive retries outbox items the stream did not deliver.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/awsclient"
	"github.com/tandemhq/tandem/shared/notify/sesmail"
)

func main() {
	a := app.MustStartDelivery()
	a.UseMail(sesmail.New(awsclient.Sending(a.AWS), a.Config.AWS.SESEndpoint, a.Config.SESConfigurationSet))
	lambda.Start(a.Redrive.Handle)
}
