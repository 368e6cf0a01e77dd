// Command housekeeping closes cases nobody worked on for 30 days, warning both sides 7 days before.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/tandemhq/tandem/shared/app"
)

func main() {
	lambda.Start(app.MustStartHousekeeping().Handle)
}
