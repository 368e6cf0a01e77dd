// Command mailevents takes SES's bounces and complaints (configuration set →
// EventBridge): the address is no longer mailed and, when it is a
// department's inbound address, the people who must know are told.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/tandemhq/tandem/shared/app"
)

func main() {
	lambda.Start(app.MustStartMailEvents().Handle)
}
