package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/shared/routes"
	"github.com/tandemhq/tandem/shared/suppression"
)

// Suppressor acts on one bounce or complaint.
type Suppressor interface {
	Handle(ctx context.Context, ev suppression.Event, now time.Time) (suppression.Summary, error)
}

// MailEvents is the mailevents function: SES's bounces and complaints,
// published by the configuration set to EventBridge.
type MailEvents struct {
	Suppressions Suppressor
	Log          *slog.Logger
}

// Handle is the Lambda entry point. Events of other kinds are ignored; an
// event that cannot be read is an error (EventBridge retries it, then the
// rule's dead-letter queue keeps it and alarms).
func (j *MailEvents) Handle(ctx context.Context, ev events.EventBridgeEvent) (suppression.Summary, error) {
	if ev.Source != routes.SESSource || (ev.DetailType != routes.SESBounce && ev.DetailType != routes.SESComplaint) {
		logger(j.Log).Warn("not an SES bounce or complaint; ignored", "source", ev.Source, "detail_type", ev.DetailType)
		return suppression.Summary{}, nil
	}
	e, err := suppression.ParseSES(ev.Detail)
	if err != nil {
		return suppression.Summary{}, fmt.Errorf("event %s: %w", ev.ID, err)
	}
	return j.Suppressions.Handle(ctx, e, eventTime(ev))
}
