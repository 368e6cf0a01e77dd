// Command notifier delivers outbox items from the table's stream.
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
	lambda.Start(a.Stream.HandleStream)
}
