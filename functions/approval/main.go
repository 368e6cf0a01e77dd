// Command approval serves members, users, programs and enrollments.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/tandemhq/tandem/shared/api"
	"github.com/tandemhq/tandem/shared/console"
	"github.com/tandemhq/tandem/shared/httpapp"
	"github.com/tandemhq/tandem/shared/routes"
)

func main() {
	lambda.Start(httpapp.MustStart(routes.Approval, api.ApprovalHandlers, console.ApprovalHandlers))
}
