// Command payments serves invoices and their payment: transfers, Checkout Sessions,
// Stripe's webhook and the pay links of invoice mail. It is the only
// function that links Stripe's library and may read its keys.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/tandemhq/tandem/shared/api"
	"github.com/tandemhq/tandem/shared/console"
	"github.com/tandemhq/tandem/shared/httpapp"
	"github.com/tandemhq/tandem/shared/payment/stripecheckout"
	"github.com/tandemhq/tandem/shared/routes"
)

func main() {
	lambda.Start(httpapp.MustStart(routes.Payments, api.PaymentsHandlers, console.PaymentsHandlers, stripecheckout.MustUse))
}
