// Command registration serves the co-branded landing pages, registration and sign-up.
package main

import (
	// Business hours are validated and clocked here; the runtime has no zoneinfo.
	_ "time/tzdata"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/tandemhq/tandem/shared/api"
	"github.com/tandemhq/tandem/shared/console"
	"github.com/tandemhq/tandem/shared/httpapp"
	"github.com/tandemhq/tandem/shared/routes"
)

func main() {
	lambda.Start(httpapp.MustStart(routes.Registration, api.RegistrationHandlers, console.RegistrationHandlers))
}
