// Package sesmail sends rendered mail through Amazon SES v2.
package sesmail

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"

	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/notify/delivery"
)

// Sender implements notify.Sender over SES v2.
type Sender struct {
	Client *sesv2.Client
	// ConfigurationSet, when set, routes bounce and complaint events.
	ConfigurationSet string
}

// TemplateHeader names what a mail is (delivery.Mail's Template), for the
// recipients' mail rules: a case's mail all has one subject.
const TemplateHeader = "X-Tandem-Template"

// MessageIDHeader carries the outbox id, so every delivered copy can be
// traced (and counted) back to exactly one outbox item.
const MessageIDHeader = "X-Tandem-Message-Id"

// Send implements notify.Sender.
func (s *Sender) Send(ctx context.Context, m delivery.Mail) (string, error) {
	body := &types.Body{Text: &types.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")}}
	if m.HTML != "" {
		body.Html = &types.Content{Data: aws.String(m.HTML), Charset: aws.String("UTF-8")}
	}
	headers := []types.MessageHeader{{Name: aws.String(MessageIDHeader), Value: aws.String(m.MessageID)}}
	if m.Template != "" {
		headers = append(headers, types.MessageHeader{Name: aws.String(TemplateHeader), Value: aws.String(m.Template)})
	}
	if m.References != "" {
		// SES keeps both (it replaces Message-ID): clients thread on them.
		headers = append(headers,
			types.MessageHeader{Name: aws.String("References"), Value: aws.String(m.References)},
			types.MessageHeader{Name: aws.String("In-Reply-To"), Value: aws.String(m.References)})
	}
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(m.From),
		Destination:      &types.Destination{ToAddresses: m.To, CcAddresses: m.Cc, BccAddresses: m.Bcc},
		ReplyToAddresses: m.ReplyTo,
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(m.Subject), Charset: aws.String("UTF-8")},
			Body:    body,
			Headers: headers,
		}},
	}
	if s.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(s.ConfigurationSet)
	}
	out, err := s.Client.SendEmail(ctx, in)
	if err != nil {
		if Permanent(err) {
			return "", fmt.Errorf("ses rejected %s: %v: %w", m.MessageID, err, notify.ErrPermanent)
		}
		return "", fmt.Errorf("ses send %s: %w", m.MessageID, err)
	}
	return aws.ToString(out.MessageId), nil
}

// Permanent reports whether an SES error will not go away on retry: the
// message or an address was rejected, or the sender is not allowed.
//
// Verification is the exception: an identity SES has not verified yet (the
// domain's DKIM records are still being checked), or, while the account is
// in the SES sandbox, a recipient who is not a verified identity, is
// refused with MessageRejected "Email address is not verified. The
// following identities failed the check …"; a custom MAIL FROM domain not
// yet verified with MailFromDomainNotVerifiedException. Both end on their
// own (DNS checked, production access granted) within hours to days, so
// they are retried with the notifier's backoff until it gives up, not
// dead-lettered at once.
func Permanent(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "MessageRejected":
			return !strings.Contains(strings.ToLower(ae.ErrorMessage()), "not verified")
		case "MailFromDomainNotVerifiedException":
			return false
		case "BadRequestException", "NotFoundException":
			return true
		case "TooManyRequestsException", "LimitExceededException", "SendingPausedException", "AccountSuspendedException":
			return false
		}
	}
	// Stand-ins answer untyped errors: decide on the HTTP status.
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		code := re.HTTPStatusCode()
		return code >= 400 && code < 500 && code != http.StatusTooManyRequests && code != http.StatusRequestTimeout
	}
	return false
}

// New returns a sender over an SES v2 client built from cfg; endpoint is
// empty for AWS.
func New(cfg aws.Config, endpoint, configurationSet string) *Sender {
	client := sesv2.NewFromConfig(cfg, func(o *sesv2.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return &Sender{Client: client, ConfigurationSet: configurationSet}
}
