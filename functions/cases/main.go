// Command cases serves departments, the directory, case intake and the case lifecycle.
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
	lambda.Start(httpapp.MustStart(routes.Cases, api.CasesHandlers, console.CasesHandlers))
}
