package routes

// SES publishes each bounce and complaint of Tandem's mail to EventBridge
// as an event of this source and one of these detail types. The
// mailevents rule matches exactly these (infra) and the function takes no
// other; they live here, with the rest of what routes an invocation, so
// infra need not link the domain package that reads the events.
const (
	SESSource    = "aws.ses"
	SESBounce    = "Email Bounced"
	SESComplaint = "Email Complaint Received"
)
