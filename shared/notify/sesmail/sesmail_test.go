package sesmail

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestPermanent(t *testing.T) {
	// As SendEmail's errors reach the sender: wrapped by the SDK's
	// operation error.
	wrap := func(err error) error {
		return &smithy.OperationError{ServiceID: "SESv2", OperationName: "SendEmail", Err: err}
	}
	status := func(code int) error {
		return wrap(&awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: code}}, Err: errors.New("api error UnknownError"),
		}})
	}
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		// Verification still under way: retried.
		{"sandbox recipient not verified", wrap(&types.MessageRejected{Message: aws.String(
			"Email address is not verified. The following identities failed the check in region EU-WEST-1: partner@acme.io")}), false},
		{"sending domain not verified yet", wrap(&smithy.GenericAPIError{Code: "MessageRejected", Message: "Email address is not verified. The following identities failed the check in region US-EAST-1: Tandem <no-reply@partners.acme.io>"}), false},
		{"MAIL FROM domain not verified", wrap(&types.MailFromDomainNotVerifiedException{Message: aws.String("MAIL FROM domain not verified")}), false},
		// Throttling and pauses: retried.
		{"throttled", wrap(&types.TooManyRequestsException{Message: aws.String("Too many requests")}), false},
		{"quota", wrap(&types.LimitExceededException{}), false},
		{"sending paused", wrap(&types.SendingPausedException{}), false},
		{"network", fmt.Errorf("send: %w", errors.New("connection reset by peer")), false},
		{"stand-in 429", status(http.StatusTooManyRequests), false},
		{"stand-in 500", status(http.StatusInternalServerError), false},
		// The message itself is refused: dead-lettered at once.
		{"rejected for its content", wrap(&types.MessageRejected{Message: aws.String("Message contains a virus")}), true},
		{"bad address", wrap(&types.BadRequestException{Message: aws.String("Missing final '@domain'")}), true},
		{"no such configuration set", wrap(&types.NotFoundException{}), true},
		{"stand-in 400", status(http.StatusBadRequest), true},
	} {
		if got := Permanent(c.err); got != c.want {
			t.Errorf("%s: Permanent(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}
