// Command authorizer is the API's Lambda authorizer: bearer token → principal.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/tandemhq/tandem/shared/httpapp"
)

func main() {
	lambda.Start(httpapp.MustStartAuthorizer().Handle)
}
