// Command escalation is the scheduled escalation run; it takes "now" from the EventBridge event.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/tandemhq/tandem/shared/app"
)

func main() {
	lambda.Start(app.MustStartEscalation().Handle)
}
